"""The shared table's empty-cell test (`content is blank_cell`, _macros/table.html): one Python
test per cell instead of five Jinja operations, with the same answers as
``content|string|striptags|trim`` being empty."""
import pytest
from markupsafe import Markup

from app import create_app
from app.config import TestConfig
from app.platform.sanitize import blank_cell

CELLS = [None, "", "  ", "\n ", "Acme", 0, "0", Markup("<a href='/jobs/1'>JOB-1</a>"),
         Markup("<span class='muted'></span>"), Markup(" <span> </span> "), Markup("&nbsp;"),
         Markup("<b>&amp;</b>"), Markup("<!-- nothing --> "), Markup("<!-- a > b -->x"),
         Markup("<span\nclass='x'>\n</span>"), "a &amp; b", Markup("&lt;"),
         Markup("Fri 4 Dec <span class='badge'>Overdue</span>")]


@pytest.mark.parametrize("content", CELLS)
def test_blank_cell_answers_as_striptags_does(content):
    text = "" if content is None else str(content)
    assert blank_cell(content) == (not Markup(text).striptags().strip())  # noqa: S704


def test_the_table_macro_leaves_empty_cells_out():
    app = create_app(TestConfig)
    with app.test_request_context("/"):
        html = app.jinja_env.from_string(
            '{% import "_macros/table.html" as table %}'
            '{{ table.data_table([{"key": "a", "label": "A"}, {"key": "b", "label": "B"}], '
            'rows) }}').render(rows=[{"id": 1, "a": "Acme", "b": Markup("<span> </span>")}])
    assert '<td data-label="A" class="">Acme</td>' in html
    assert 'data-table__empty' in html and "<span> </span>" not in html
