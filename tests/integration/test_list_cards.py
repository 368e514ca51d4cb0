"""One card grammar for every list (_macros/table.html): with the demo data, no list page prints
a label without a value, and the who/what/when/status roles are where the cards expect them.
And the office's /jobs opens on today."""
import re
from html.parser import HTMLParser

import pytest

from app.platform import formatting as fmt
from app.platform import timezone as tzs

LIST_PAGES = [
    ("office", "/jobs?from="), ("office", "/jobs"), ("office", "/sales?filter=all"),
    ("office", "/inventory"), ("office", "/inventory?filter=late"), ("office", "/customers"),
    ("admin", "/assets"), ("tech1", "/inventory/van"), ("office", "/inventory/van"),
    ("office", "/invoices"), ("manager", "/dashboard/technicians"),
]


class Cells(HTMLParser):
    """Every <td> of a .data-table: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.cells, self._stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self._stack.append({"attrs": dict(attrs), "text": ""})

    def handle_endtag(self, tag):
        if tag == "td" and self._stack:
            self.cells.append(self._stack.pop())

    def handle_data(self, data):
        if self._stack:
            self._stack[-1]["text"] += data


def cells(page):
    parser = Cells()
    parser.feed(page)
    return parser.cells


@pytest.mark.parametrize(("user", "path"), LIST_PAGES)
def test_no_list_card_prints_a_label_without_a_value(client, login, user, path):
    login(client, user)
    response = client.get(path)
    assert response.status_code == 200, path
    found = cells(response.get_data(as_text=True))
    assert found, f"{path} shows no list"
    for cell in found:
        label, text = cell["attrs"].get("data-label"), cell["text"].strip()
        if label is not None:
            assert text, f"{path}: the label {label!r} is printed without a value"
        else:
            assert not text and "data-table__empty" in cell["attrs"].get("class", ""), \
                f"{path}: a cell without a label: {text[:40]!r}"


@pytest.mark.parametrize(("path", "who"), [("/jobs?from=", "Customer"),
                                           ("/sales?filter=all", "Customer"),
                                           ("/inventory?filter=late", "Contact"),
                                           ("/customers", "Name")])
def test_cards_lead_with_who(client, login, path, who):
    login(client, "office")
    found = cells(client.get(path).get_data(as_text=True))
    roles = {c["attrs"].get("data-label"): c["attrs"].get("data-role") for c in found}
    assert roles.get(who) == "who"


def test_office_jobs_open_on_today_and_all_dates_is_one_link(client, login, emulator):
    login(client, "office")
    page = client.get("/jobs").get_data(as_text=True)
    today = tzs.today("America/New_York")
    assert f'value="{today.isoformat()}"' in page  # the From field says so
    days = re.findall(r'data-role="when"[^>]*>\s*(\w{3} \d{1,2} \w{3})', page)
    assert days, "no scheduled jobs shown"
    assert days[0] == fmt.format_date(today, "America/New_York")  # first today's, not 21 Nov
    assert "All dates" in page and 'href="/jobs?from="' in page
    everything = client.get("/jobs?from=").get_data(as_text=True)
    total = int(re.search(r"of (\d+) jobs", everything).group(1))
    shown = int(re.search(r"of (\d+) jobs", page).group(1))
    assert shown < total  # older jobs are left out of the opening view


def test_detail_pages_write_dates_as_the_lists_do(client, login):
    """'Valid until Sun 13 Dec', not 'Valid until 2026-12-13' beside 'Fri 13 Nov 09:44'."""
    login(client, "office")
    page = client.get("/sales?filter=all").get_data(as_text=True)
    ids = re.findall(r'href="/sales/(\d+)"', page)
    shown = [re.search(r"<dt>Valid until</dt><dd>([^<]*)</dd>",
                       client.get(f"/sales/{i}").get_data(as_text=True)) for i in ids[:5]]
    dates = [m.group(1) for m in shown if m]
    assert dates, "no quote with a validity date in the demo data"
    assert all(re.fullmatch(r"\w{3} \d{1,2} \w{3}( \d{4})?", d) for d in dates), dates


def test_crm_amounts_carry_the_company_currency(client, login):
    """CRM's expected revenue in the company's currency (crm.lead.company_currency), as the
    dashboard's amounts: '$ 6,400', not '6,400'."""
    login(client, "office")
    page = client.get("/crm?filter=all").get_data(as_text=True)
    sums = re.findall(r'<span data-sum="[^"]*"[^>]*>([^<]*)</span>', page)
    assert sums and all(s.startswith("$\u00a0") for s in sums), sums
    assert re.search(r'class="crm-card__meta[^"]*">[^<]*\$\u00a0[\d,]+', page)
