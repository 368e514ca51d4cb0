"""Checking what people send before any of it is used: JSON bodies and free text.

Every JSON endpoint reads its body with `json_body(SCHEMA)`; every free-text field (notes,
resolutions, descriptions...) goes through `check_text()`. Both raise `InvalidInput`, whose
message is written for people: `app/errors.py` answers it as a 400 (JSON
`{"success": false, "error": ...}` under /api/), and a form route that wants to keep what was
typed catches it like any other refusal and re-renders with status 422.

    SIGNATURE = {"image": Text(required=True, max_length=None),
                 "signer_name": Text(max_length=120, label="The signer's name")}

    body = json_body(SIGNATURE)     # {"image": "...", "signer_name": None}
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import BadRequest

from app.platform import formatting as fmt
from app.platform.i18n import _

# Free text longer than this is refused: notes and resolutions are sent to everyone who opens
# the record, and a phone on weak signal pays for every byte. 20,000 characters is about ten
# pages of typed text, far more than a technician writes.
MAX_TEXT_CHARS = 20_000


class InvalidInput(BadRequest):
    """Something sent is not what the endpoint accepts; `user_message` says what and why."""

    def __init__(self, user_message, *, field=None):
        super().__init__(description=user_message)
        self.user_message = user_message
        self.field = field


def whole_number(value):
    """`value` (a form field) as an int when it is plain ASCII digits, else None. Not
    `str.isdigit()`: "²".isdigit() is True and int("²") raises."""
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() else None


def check_text(value, label=None, *, max_chars=MAX_TEXT_CHARS, required=False):
    """`value` stripped, or InvalidInput when it is too long (or empty and required).

    :raises InvalidInput: with a message naming `label` and the limit.
    """
    label = label or _("The text")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("%(label)s must be text.", label=label))
    text = value.strip()
    if required and not text:
        raise InvalidInput(_("%(label)s is empty.", label=label))
    if text and max_chars is not None and len(text) > max_chars:
        raise InvalidInput(_(
            "%(label)s is too long: %(count)s characters, at most %(limit)s are accepted. "
            "Please shorten it.", label=label, count=fmt.format_number(len(text)),
            limit=fmt.format_number(max_chars)))
    return text


def reject_malformed_forms():
    """400 for a multipart body whose field names could not be read (e.g. a name with a line
    break): Werkzeug keeps such a field under the name None, on which Flask-WTF's CSRF check
    (and any `for name in request.form`) would crash with a 500."""
    is_form = request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")
    if (request.method in ("POST", "PUT", "PATCH", "DELETE") and is_form
            and any(not isinstance(name, str) for name in (*request.form, *request.files))):
        raise InvalidInput(_("This form could not be read. Please reload the page and try again."))


def init_app(app):
    # Registered before CSRFProtect's own check, which reads every field name.
    app.before_request(reject_malformed_forms)


class HTMLForm(FlaskForm):
    """The base of every Flask-WTF form: reads the submitted form fields and files only.

    Flask-WTF would take a JSON body as the form's data, and crash (a 500) on one that is not
    an object: `[{}]` posted to /login. An HTML form never sends JSON.
    """

    def __init__(self, *args, **kwargs):
        if not args and "formdata" not in kwargs and request.method in ("POST", "PUT", "PATCH",
                                                                           "DELETE"):
            kwargs["formdata"] = CombinedMultiDict((request.files, request.form))
        super().__init__(*args, **kwargs)


# --- JSON bodies ------------------------------------------------------------------------------

def _wrong_kind(kind, label):
    """The message for a value that is not of `kind`: one whole sentence per kind."""
    if kind is str:
        return _("%(label)s must be text.", label=label)
    if kind is int:
        return _("%(label)s must be a whole number.", label=label)
    if kind is float:
        return _("%(label)s must be a number.", label=label)
    if kind is bool:
        return _("%(label)s must be true or false.", label=label)
    if kind is list:
        return _("%(label)s must be a list.", label=label)
    return _("%(label)s must be an object.", label=label)


@dataclass(frozen=True)
class Field:
    """One key of a JSON body: its type and limits. Use the helpers below to make them."""

    kind: type
    required: bool = False
    default: object = None
    label: str | None = None
    max_length: int | None = None   # characters (text) or items (lists)
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple | None = None
    items: Field | None = None      # lists: every item checked against this
    fields: dict | None = None      # objects: nested schema

    def check(self, name, value):
        label = self.label or f"“{name}”"
        if not _is_kind(value, self.kind):
            raise InvalidInput(_wrong_kind(self.kind, label), field=name)
        if self.kind is str:
            value = check_text(value, label, max_chars=self.max_length, required=self.required)
        elif self.kind is list:
            if self.max_length is not None and len(value) > self.max_length:
                raise InvalidInput(_("%(label)s has more than %(limit)s items.", label=label,
                                     limit=self.max_length), field=name)
            if self.items is not None:
                value = [self.items.check(f"{name}[{i}]", item) for i, item in enumerate(value)]
        elif self.kind is dict and self.fields is not None:
            value = check_object(value, self.fields, prefix=f"{name}.")
        elif self.kind in (int, float):
            if self.minimum is not None and value < self.minimum:
                raise InvalidInput(_("%(label)s must be at least %(minimum)s.", label=label,
                                     minimum=self.minimum), field=name)
            if self.maximum is not None and value > self.maximum:
                raise InvalidInput(_("%(label)s must be at most %(maximum)s.", label=label,
                                     maximum=self.maximum), field=name)
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(str(choice) for choice in self.choices)
            raise InvalidInput(_("%(label)s must be one of: %(choices)s.", label=label,
                                     choices=allowed), field=name)
        return value


def _is_kind(value, kind):
    if kind is float:  # an integer is a fine number; NaN and infinities are not
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value))
    if kind is int:  # JSON true is not 1
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def Text(*, required=False, max_length=MAX_TEXT_CHARS, choices=None, default=None, label=None):
    """A string, stripped; `max_length` characters (None: no limit of its own)."""
    return Field(str, required=required, max_length=max_length, choices=choices,
                 default=default, label=label)


def Integer(*, required=False, minimum=None, maximum=None, choices=None, default=None,
            label=None):
    """A whole number (not a boolean, not 1.5, not "1")."""
    return Field(int, required=required, minimum=minimum, maximum=maximum, choices=choices,
                 default=default, label=label)


def Number(*, required=False, minimum=None, maximum=None, default=None, label=None):
    """Any finite number."""
    return Field(float, required=required, minimum=minimum, maximum=maximum, default=default,
                 label=label)


def Boolean(*, required=False, default=None, label=None):
    return Field(bool, required=required, default=default, label=label)


def ListOf(items, *, required=False, max_length=100, label=None):
    """A list of at most `max_length` items, each checked against the field `items`."""
    return Field(list, required=required, max_length=max_length, items=items, default=None,
                 label=label)


def Object(fields, *, required=False, label=None):
    """A nested object checked against its own schema."""
    return Field(dict, required=required, fields=fields, label=label)


def check_object(data, schema, *, prefix=""):
    """`data` (any decoded JSON) checked against `schema` ({name: Field}).

    Returns a new dict with exactly the schema's keys (absent or null optional keys get their
    default). Keys the schema does not name are ignored, so clients may send more.

    :raises InvalidInput: for a body that is not an object, a missing required key, or a value
        of the wrong type, size or choice.
    """
    if not isinstance(data, dict):
        where = f"“{prefix.rstrip('.')}”" if prefix else _("The request body")
        raise InvalidInput(_("%(label)s must be a JSON object.", label=where))
    checked = {}
    for name, field in schema.items():
        value = data.get(name)
        if value is None:
            if field.required:
                label = field.label or f"“{prefix}{name}”"
                raise InvalidInput(_("%(label)s is required.", label=label), field=prefix + name)
            checked[name] = field.default
            continue
        checked[name] = field.check(prefix + name, value)
    return checked


def json_body(schema):
    """The current request's JSON body, checked against `schema` (see `check_object`).

    :raises InvalidInput: when the body is not JSON, not an object, or does not fit.
    """
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting: not a body any endpoint accepts
        data = None
    if data is None:
        raise InvalidInput(_(
            "The request body must be a JSON object (Content-Type: application/json)."))
    return check_object(data, schema)
