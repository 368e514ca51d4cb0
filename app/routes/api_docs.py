"""Fieldkit's JSON API, documented: `/api/openapi.json` (OpenAPI 3.1, built from the URL map by
app/openapi.py) and `/api/docs`, the same document as a page (rendered here: no CDN, no script).
Both are public: they describe the endpoints, not anyone's data.
"""
import json
import re

from flask import Blueprint, current_app, jsonify, render_template
from markupsafe import Markup, escape

from app.openapi import PUBLIC, build_spec, document

bp = Blueprint("api_docs", __name__)


@bp.get("/api/openapi.json")
@document(summary="This document (OpenAPI 3.1)", tags=["Documentation"], security=PUBLIC,
          schema={"type": "object", "required": ["openapi", "paths"]}, errors=())
def spec():
    return jsonify(build_spec(current_app))


CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text) -> Markup:
    """The descriptions' Markdown code spans (`stage_id`) as <code>, the rest escaped."""
    parts = CODE_SPAN.split(str(text or ""))  # text, code, text, code, ..., text
    return Markup("").join(Markup("<code>{}</code>").format(part) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


@bp.get("/api/docs")
def docs():
    document_ = build_spec(current_app)
    return render_template("api_docs/docs.html", spec=document_, code_spans=code_spans,
                           as_json=lambda value: json.dumps(value, indent=2, ensure_ascii=False))
