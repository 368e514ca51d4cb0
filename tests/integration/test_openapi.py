"""/api/openapi.json: valid OpenAPI 3.1, lists every JSON route of the URL map (so it cannot
drift), /api/docs serves it without a CDN, and a bounded fuzz of every JSON body it documents."""
import json
import re

import pytest
from flask import jsonify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import OpenAPIV31SpecValidator

from app import create_app
from app.config import TestConfig
from app.openapi import build_spec, undocumented_routes


def test_document_is_valid_openapi_31(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(spec).validate()


def test_every_json_route_is_documented(app):
    assert undocumented_routes(app) == []
    paths = build_spec(app)["paths"]
    assert "post" in paths["/webhooks/rmm"]
    assert "post" in paths["/api/jobs/{id}/signature"]
    assert paths["/api/jobs/{id}/signature"]["post"]["parameters"][0]["schema"] == {
        "type": "integer"}


def test_the_drift_check_can_fail(app):
    """An undocumented JSON route, by path or by answering jsonify, is reported."""
    app.add_url_rule("/api/undocumented", "undocumented", lambda: jsonify(ok=True),
                     methods=["POST"])

    def hidden_json():
        return jsonify(success=True)
    app.add_url_rule("/elsewhere/<int:id>", "hidden_json", hidden_json)
    assert set(undocumented_routes(app)) == {("/api/undocumented", "POST"),
                                             ("/elsewhere/<int:id>", "GET")}


def test_docs_page_is_served_from_the_app(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path in build_spec(client.application)["paths"]:
        assert path in html
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_docs_page_shows_code_not_markdown(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "<code>stage_id</code>" in page
    text = re.sub(r"<pre[^>]*>.*?</pre>", "", page, flags=re.S)
    assert "`" not in text  # no Markdown backticks printed


# --- fuzz --------------------------------------------------------------------------------------

def from_schema(schema):
    """A hypothesis strategy of values for a (small subset of) JSON Schema, with nulls."""
    if "anyOf" in schema:
        return st.one_of(*[from_schema(s) for s in schema["anyOf"]])
    if "oneOf" in schema:
        return st.one_of(*[from_schema(s) for s in schema["oneOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        return st.text(max_size=min(schema.get("maxLength") or 60, 60))
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -5), max_value=10**6)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {"type": "string"})), max_size=3)
    if kind == "object":
        props = schema.get("properties", {})
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in props.items() if k in schema.get("required", [])},
            optional={k: from_schema(v) for k, v in props.items()
                      if k not in schema.get("required", [])})
    return st.from_type(type(None))


ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                        max_leaves=8)


def json_operations(app):
    for path, ops in build_spec(app)["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield path, method, op, content["application/json"]["schema"]


@pytest.fixture
def tech(client, login):
    login(client, "tech1")
    return client


# Built at collection time from a bare app (no Odoo needed), one test per documented body.
DOCUMENTED_BODIES = list(json_operations(create_app(TestConfig)))


@pytest.mark.parametrize("path, method, op, schema", DOCUMENTED_BODIES,
                         ids=[f"{m.upper()} {p}" for p, m, _, _ in DOCUMENTED_BODIES])
def test_fuzz_documented_json_body(tech, path, method, op, schema):
    """Bodies from the documented schema, and any JSON at all: every answer is one the document
    lists, JSON with `success`, and never a 500."""
    url = re.sub(r"\{[^}]+\}", "1", path)
    allowed = {int(code) for code in op["responses"]}

    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=st.one_of(from_schema(schema), ANY_JSON))
    def check(body):
        response = tech.open(url, method=method.upper(), data=json.dumps(body),
                             content_type="application/json")
        assert response.status_code in allowed, (body, response.status_code,
                                                 response.get_data(as_text=True)[:300])
        payload = response.get_json()
        assert isinstance(payload, dict) and "success" in payload, body
        if response.status_code >= 400:
            assert payload["success"] is False and payload["error"]
    check()
