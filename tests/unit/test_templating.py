"""The app's Jinja environment (app/templating.py): `record.field` on a dict reads the key
without trying (and failing) the attribute first, with the same answers as Jinja's own."""
from collections import OrderedDict
from types import SimpleNamespace

import jinja2.environment
import pytest

from app import create_app
from app.config import TestConfig


@pytest.fixture
def env():
    return create_app(TestConfig).jinja_env


def test_a_dicts_keys_are_read_without_an_attribute_lookup(env, monkeypatch):
    tried = []
    real = getattr
    monkeypatch.setattr(jinja2.environment, "getattr",
                        lambda obj, name, *default: tried.append((type(obj), name))
                        or real(obj, name, *default), raising=False)
    rows = [{"name": "JOB-1", "stage": {"name": "New"}}]
    html = env.from_string("{% for row in rows %}{{ row.name }} {{ row.stage.name }};"
                           "{% endfor %}").render(rows=rows)
    assert html == "JOB-1 New;"
    assert [name for kind, name in tried if kind is dict] == []


@pytest.mark.parametrize("source, expected", [
    ("{{ row.name }}", "JOB-1"),
    ("{{ row.missing is defined }}", "False"),
    ("{{ row.missing or 'none' }}", "none"),
    ("{{ row['name'] }}", "JOB-1"),
    ("{{ row.items()|list|length }}", "3"),   # dict's own names stay its methods
    ("{{ row.get('name') }}", "JOB-1"),
    ("{{ row.keys is callable }}", "True"),
    ("{{ ordered.name }}", "ordered"),         # a dict subclass: Jinja's own way
    ("{{ obj.name }}", "object"),
    ("{{ obj.missing is defined }}", "False"),
])
def test_the_answers_are_jinjas(env, source, expected):
    values = {"row": {"name": "JOB-1", "items": "not the method", "get": 7},
              "ordered": OrderedDict(name="ordered"), "obj": SimpleNamespace(name="object")}
    assert env.from_string(source).render(**values) == expected
    assert jinja2.Environment(autoescape=True).from_string(source).render(**values) == expected
