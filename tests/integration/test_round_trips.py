"""One round trip per page (issue 26): a page's Odoo reads that need nothing but the id in
its URL go out together. Each page is opened twice (the first fills the configuration caches)
and the second visit's round trips are counted (`round_trips`: a parallel batch is one)."""
import re

import pytest

from app.odoo.client import OdooAPI
from tests.conftest import clear_config_caches
from tests.pages import demo_records, forget_process_caches


@pytest.fixture
def demo(fresh, app):
    """Demo records: tech1's first open job, its customer, a lead, a quote, a transfer and an
    asset (the asset model of the app's config)."""
    return demo_records(fresh.url, app)


PAGES = [
    # (login, page, round trips when warm)
    ("tech1", "/jobs/{job}", 1),
    ("tech1", "/jobs/{job}/reports", 1),
    ("tech1", "/jobs/{job}/report.pdf", 1),  # the order nests the rest; the parts go with it
    ("tech1", "/inventory/{transfer}", 1),  # the products' codes nested in the moves (17+)
    ("office", "/inventory/{transfer}", 1),
    ("office", "/crm", 1),
    ("office", "/dispatch/jobs/{job}", 1),
    ("office", "/crm/{lead}", 1),
    ("office", "/crm/new?job_id={job}", 1),  # the job's customer nested in its read (17+)
    ("office", "/sales/{quote}", 1),
    ("office", "/customers/{customer}", 1),
    ("office", "/customers/{customer}/opportunities", 1),
    ("office", "/customers/{customer}/equipment", 1),
    ("office", "/customers/{customer}/assets", 1),  # the partner and the assets together
    ("office", "/assets/{asset}", 1),  # its customer (as the first visit found it) known
    ("tech1", "/inventory/jobs/{job}/parts", 1),  # the job's reference known: its moves too
    ("tech1", "/customers", 1),  # the customers with their locations nested (17+)
    ("office", "/customers", 1),
    ("office", "/assets", 1),  # the page, its count and the open tickets of the filter's assets
    ("tech1", "/assets?q=a", 1),  # tech1 may not read tickets: the page alone
]


@pytest.mark.parametrize("username, page, trips", PAGES)
def test_a_pages_reads_go_out_together(app, login, demo, round_trips, username, page, trips):
    client = app.test_client()
    login(client, username)
    path = page.format(**demo)
    assert client.get(path).status_code == 200
    round_trips["n"] = 0
    response = client.get(path)
    assert response.status_code == 200
    assert round_trips["n"] <= trips, f"{path}: {round_trips['n']} round trips"


def test_a_refused_page_shows_nothing_read_alongside(app, login, demo, round_trips):
    """Reads sent with the order are dropped when the order is not the viewer's: another
    technician's job refuses as before (403), its reports list unread."""
    admin = OdooAPI(app.config["ODOO_URL"], "fieldkit")
    admin.authenticate("admin", "admin")
    tech2 = admin.search_read("res.users", [("login", "=", "tech2")], ["partner_id"])[0]
    other = admin.search_read("fsm.order", [("person_id.partner_id", "=",
                                             tech2["partner_id"][0])], ["id"], limit=1)[0]["id"]
    client = app.test_client()
    login(client, "tech1")
    for path in (f"/jobs/{other}", f"/jobs/{other}/reports"):
        response = client.get(path)
        assert response.status_code == 403
        assert not re.search(r"Service report|report-\d", response.get_data(as_text=True))


@pytest.mark.parametrize("username, page", [
    ("office", "/sales/{quote}"),  # the lines nested in the order's read (17+)
    ("office", "/crm/{lead}"),  # its next steps nested in its read (17+)
    ("office", "/crm/new?job_id={job}"),
    ("tech1", "/customers"),
    ("office", "/assets"),
    ("office", "/assets?filter=all&q=a&sort=customer"),
    ("office", "/assets/{asset}"),  # the asset nested in its tickets' and jobs' reads (17+)
    ("tech1", "/assets/{asset}"),  # tech1 may not read tickets: nested in its jobs' read
    ("tech1", "/inventory/{transfer}"),  # its moves and their products nested in its read
    ("office", "/inventory/{transfer}"),
])
def test_a_page_makes_at_most_two_calls_when_warm(app, login, demo, username, page):
    client = app.test_client()
    login(client, username)
    path = page.format(**demo)
    assert client.get(path).status_code == 200
    response = client.get(path)
    assert response.status_code == 200
    assert int(response.headers["X-Odoo-RPC"].split(";")[0]) <= 2, path


@pytest.mark.parametrize("username", ["tech1", "office"])
def test_the_report_is_two_calls_in_one_round_trip(app, login, demo, round_trips, username):
    """17+: the order's web_read nests its history, its site with the customer and the company
    (when not cached); the parts go with it once the job's reference is known (after the first
    visit). A restarted worker (its own caches empty, the shared store filled) makes at most
    one call more."""
    client = app.test_client()
    login(client, username)
    path = f"/jobs/{demo['job']}/report.pdf"
    assert client.get(path).status_code == 200
    round_trips["n"] = 0
    response = client.get(path)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert int(response.headers["X-Odoo-RPC"].split(";")[0]) <= 2
    assert round_trips["n"] == 1
    forget_process_caches()
    response = client.get(path)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert int(response.headers["X-Odoo-RPC"].split(";")[0]) <= 3


@pytest.mark.parametrize("version, trips", [(16, 1), (15, 2)])
def test_the_report_without_web_read_sends_what_it_knows_with_the_order(
        make_emulator, app, login, round_trips, version, trips):
    """15/16: the site, its customer, the parts and the company go with the order's reads once
    this server knows the job's location and reference (from the first report): one round trip
    on 16, two on 15 (its history after the order's message_ids)."""
    handle = make_emulator(version=version)
    app.config["ODOO_URL"] = handle.url
    clear_config_caches()
    client = app.test_client()
    login(client, "tech1")
    path = f"/jobs/{demo_records(handle.url, app)['job']}/report.pdf"
    assert client.get(path).status_code == 200
    round_trips["n"] = 0
    response = client.get(path)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert round_trips["n"] == trips
