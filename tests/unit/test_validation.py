"""The shared input checks: JSON bodies against a schema, free-text size limits."""
import json

import pytest
from flask import Flask

from app.platform import i18n
from app.validation import (
    MAX_TEXT_CHARS,
    Boolean,
    Integer,
    InvalidInput,
    ListOf,
    Number,
    Object,
    Text,
    check_object,
    check_text,
    json_body,
)

SCHEMA = {
    "name": Text(required=True, max_length=10),
    "count": Integer(minimum=1, maximum=5, default=1),
    "ratio": Number(),
    "urgent": Boolean(default=False),
    "kind": Text(choices=("call", "sms")),
    "tags": ListOf(Text(max_length=5), max_length=2),
    "where": Object({"lat": Number(required=True)}),
}


def test_a_valid_body_comes_back_with_defaults_and_only_known_keys():
    body = check_object({"name": "  Ann ", "extra": 1, "tags": ["a"], "where": {"lat": 1}},
                        SCHEMA)
    assert body == {"name": "Ann", "count": 1, "ratio": None, "urgent": False, "kind": None,
                    "tags": ["a"], "where": {"lat": 1}}


@pytest.mark.parametrize("data, fragment", [
    ([{}], "The request body must be a JSON object"),
    (1, "must be a JSON object"),
    ("s", "must be a JSON object"),
    (None, "must be a JSON object"),
    ({}, "“name” is required"),
    ({"name": ""}, "“name” is empty"),
    ({"name": 1}, "“name” must be text"),
    ({"name": "x" * 11}, "too long: 11 characters, at most 10"),
    ({"name": "a", "count": True}, "“count” must be a whole number"),
    ({"name": "a", "count": 1.5}, "whole number"),
    ({"name": "a", "count": "2"}, "whole number"),
    ({"name": "a", "count": 9}, "at most 5"),
    ({"name": "a", "count": 0}, "at least 1"),
    ({"name": "a", "ratio": "1"}, "“ratio” must be a number"),
    ({"name": "a", "urgent": "yes"}, "true or false"),
    ({"name": "a", "kind": "fax"}, "one of: call, sms"),
    ({"name": "a", "tags": "a"}, "must be a list"),
    ({"name": "a", "tags": ["a", "b", "c"]}, "more than 2 items"),
    ({"name": "a", "tags": [1]}, "“tags[0]” must be text"),
    ({"name": "a", "where": []}, "“where” must be an object"),
    ({"name": "a", "where": {}}, "“where.lat” is required"),
])
def test_bad_bodies_are_refused_with_a_reason(data, fragment):
    with pytest.raises(InvalidInput) as caught:
        check_object(data, SCHEMA)
    assert fragment in caught.value.user_message
    assert caught.value.code == 400


def test_nan_and_infinity_are_not_numbers():
    for value in (float("nan"), float("inf")):
        with pytest.raises(InvalidInput):
            check_object({"name": "a", "ratio": value}, SCHEMA)


def test_check_text_limits_and_strips():
    assert check_text("  hi  ") == "hi"
    assert check_text(None) == ""
    assert check_text("x" * MAX_TEXT_CHARS) == "x" * MAX_TEXT_CHARS
    with pytest.raises(InvalidInput, match="The note is too long: 20,001 characters"):
        check_text("x" * (MAX_TEXT_CHARS + 1), "The note")
    with pytest.raises(InvalidInput, match="must be text"):
        check_text(["x"], "The note")


@pytest.mark.parametrize("raw, content_type", [
    ("not json", "application/json"),
    ('{"name": "a"}', "text/plain"),
    ("[" * 100_000 + "]" * 100_000, "application/json"),
    ("null", "application/json"),
])
def test_json_body_refuses_what_is_not_a_json_object(raw, content_type):
    app = Flask(__name__)
    i18n.init_app(app)  # InvalidInput's messages go through gettext
    context = app.test_request_context("/api/x", method="POST", data=raw,
                                       content_type=content_type)
    with context, pytest.raises(InvalidInput, match="must be a JSON object"):
        json_body(SCHEMA)


def test_json_body_reads_the_request():
    app = Flask(__name__)
    i18n.init_app(app)  # InvalidInput's messages go through gettext
    with app.test_request_context("/api/x", method="POST", data=json.dumps({"name": "a"}),
                                  content_type="application/json"):
        assert json_body(SCHEMA)["name"] == "a"
