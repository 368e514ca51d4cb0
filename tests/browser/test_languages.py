"""Issue 29's "Done when" in Chromium: Fieldkit speaks the user's Odoo language, whatever the
browser's (every page here is opened by an English browser: en-US, Accept-Language English).

The words expected are the catalogues' own (app/translations/<lang>/LC_MESSAGES/messages.po,
read at test time: a missing or fuzzy entry fails with its msgid), and, so that a broken lookup
cannot pass, the English is gone and CLDR's own words and shapes (month names, separators, the
24-hour clock) are checked against Babel directly.
"""
import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from pypdf import PdfReader

from app.odoo.client import OdooAPI
from tests.conftest import PHONE

pytestmark = pytest.mark.browser

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
BELGIAN = "Bakkerij Peeters"
AMOUNT = 1234.5


class Catalogue:
    """msgid -> the translator's msgstr in one language, failing on a gap."""

    def __init__(self, lang):
        self.lang = lang
        with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
            self.po = read_po(fh)

    def __call__(self, msgid):
        message = self.po.get(msgid)
        assert message is not None, f"{msgid!r} is not in the {self.lang} catalogue"
        text = message.string[0] if isinstance(message.string, (list, tuple)) else \
            message.string
        assert text and not message.fuzzy, f"{msgid!r} is not translated in {self.lang}"
        return text


@pytest.fixture
def english_page(browser):
    """A phone whose browser speaks English (the user's Odoo language must win)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def admin_api(fresh):
    api = OdooAPI(fresh.url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def log_in(page, base, login):
    # The login page follows the browser (English): nobody is known yet.
    page.goto(f"{base}/login")
    assert page.evaluate("document.documentElement.lang").startswith("en")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(login)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def speaks(page, words, lang, english=()):
    """The page is in `lang`: <html lang>, each of `words` shown, and none of the English
    msgids that translate to something else."""
    assert page.evaluate("document.documentElement.lang").split("-")[0] == lang
    body = page.locator("body").inner_text()
    for word in words:
        assert word in body, f"{word!r} not on {page.url}"
    for msgid, word in english:
        if word != msgid:
            assert msgid not in body, f"English {msgid!r} still on {page.url}"


def grouped(amount, locale):
    """CLDR's writing of an amount with two decimals (1 234,50 / 1.234,50)."""
    return format_decimal(amount, format="#,##0.00", locale=locale)


def quote_for(api, login, partner_name, amount):
    """A quote of `login`'s for `partner_name`: one line at `amount`, no tax."""
    user = api.search_read("res.users", [("login", "=", login)], ["id"])[0]["id"]
    partner = api.search_read("res.partner", [("name", "=", partner_name)], ["id"])[0]["id"]
    product = api.search_read("product.product", [("default_code", "=", "SRV-DIAG")],
                              ["id"])[0]["id"]
    tax_field = "tax_ids" if api.version >= 19 else "tax_id"
    return api.create("sale.order", {"partner_id": partner, "user_id": user, "order_line": [
        (0, 0, {"product_id": product, "product_uom_qty": 1, "price_unit": amount,
                tax_field: [(6, 0, [])]})]})


def belgian_job(api):
    return api.search_read("fsm.order", [("location_id.owner_id.name", "=", BELGIAN)],
                           ["id"])[0]["id"]


def test_a_french_technician_works_in_french(english_page, live_server, admin_api):
    fr = Catalogue("fr")
    page = english_page
    quote_for(admin_api, "tech5", BELGIAN, AMOUNT)
    log_in(page, live_server, "tech5")
    page.wait_for_url(f"{live_server}/jobs/active")

    # the job list: its words, French dates and the 24-hour clock
    words = [fr("My jobs"), fr("Today"), fr("Upcoming")]
    speaks(page, words, "fr", english=[("Upcoming", fr("Upcoming"))])
    cards = page.locator(".jobs-list").first.inner_text()
    assert re.search(r"\b\d{1,2}:\d{2}\b", cards) and not re.search(r"\b(AM|PM)\b", cards)
    upcoming = page.locator('[data-group="upcoming"]').inner_text()
    assert re.search(r"\b(lun|mar|mer|jeu|ven|sam|dim)\.", upcoming), upcoming

    # amounts as France writes them: 1 234,50
    page.goto(f"{live_server}/sales")
    assert grouped(AMOUNT, "fr_FR") in page.locator("main").inner_text()
    assert "1,234.50" not in page.locator("main").inner_text()

    # a job (the Belgian bakery's): French around Odoo's data
    job = belgian_job(admin_api)
    page.goto(f"{live_server}/jobs/{job}")
    speaks(page, [fr("Start job")], "fr", english=[("Start job", fr("Start job"))])
    with page.expect_navigation():
        page.get_by_role("button", name=fr("Start job")).click()
    speaks(page, [fr("Finish job")], "fr", english=[("Finish job", fr("Finish job"))])
    page.fill("#resolution", "Compresseur remplacé")
    page.get_by_role("button", name=fr("Finish job")).click()
    page.locator(".banner", has_text=fr("Job finished. Well done!")).wait_for()

    # the offline page, for a page never opened (the worker's copy of /offline)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(f"{live_server}/customers?never=cached")
    page.get_by_role("heading", name=fr("You're offline")).wait_for()
    assert page.evaluate("document.documentElement.lang").startswith("fr")
    page.context.set_offline(False)


def test_the_office_in_german(english_page, live_server, fresh, admin_api):
    de = Catalogue("de")
    office = admin_api.search_read("res.users", [("login", "=", "office")], ["id"])[0]["id"]
    # what Odoo's Preferences do: the office user picks German
    api = OdooAPI(fresh.url, "fieldkit")
    api.authenticate("office", "office")
    api.write("res.users", [office], {"lang": "de_DE"})
    page = english_page
    quote_for(admin_api, "office", "Maple Street Dental", AMOUNT)
    try:
        log_in(page, live_server, "office")
        page.goto(f"{live_server}/dispatch")
        speaks(page, [de("Dispatch")], "de", english=[("Dispatch", de("Dispatch"))])
        page.goto(f"{live_server}/dashboard")
        speaks(page, [de("Today's jobs"), de("Needs attention"), de("Technicians today")], "de",
               english=[("Needs attention", de("Needs attention"))])
        # amounts as Germany writes them: 1.234,50
        page.goto(f"{live_server}/sales")
        assert grouped(AMOUNT, "de_DE") in page.locator("main").inner_text()
    finally:
        api.write("res.users", [office], {"lang": "en_US"})


def test_the_report_goes_in_the_customers_language(english_page, live_server, admin_api):
    fr, nl = Catalogue("fr"), Catalogue("nl")
    page = english_page
    job = belgian_job(admin_api)
    log_in(page, live_server, "tech5")
    page.goto(f"{live_server}/jobs/{job}")
    speaks(page, [fr("Start job")], "fr")        # the technician reads French
    answer = page.request.get(f"{live_server}/jobs/{job}/report.pdf")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
    for msgid in ("Service report", "Customer", "Technician"):
        assert nl(msgid) in text, f"{nl(msgid)!r} ({msgid}) not in the report"
    assert fr("Service report") not in text and "Service report" not in text
    # CLDR's Dutch name of the site's city (French: Bruxelles, English: Brussels)
    assert re.search(r"\bBrussel\b", text), text
