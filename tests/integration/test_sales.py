"""Sales against the emulator on the 16, 17, 18 and 19 wire formats: list filters and search,
a quote with two lines (from a job), editing lines, confirm, cancel, back to draft, send,
sign-and-confirm, a refused confirm, a user without sales rights, photo and video uploads."""

import io
import re

import pytest

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from app.services import jobs as jobs_service
from app.services import sales as sales_service
from tests.conftest import CSRFClient
from tests.integration.test_jobs import JPEG, data_url, make_png, rpc_count

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 4000


@pytest.fixture(scope="module", params=(16, 17, 18, 19))
def odoo(request, emulator_pool):
    with emulator_pool.lease(version=request.param) as handle:
        yield handle


@pytest.fixture
def app(odoo, tmp_path, monkeypatch):
    monkeypatch.setattr(OdooAPI, "_sleep_seconds", lambda self, attempt: 0)
    sales_service.clear_caches()
    jobs_service.clear_stage_cache()
    app = create_app(TestConfig)
    app.config.update(ODOO_URL=odoo.url, STORAGE_LOCAL_DIR=str(tmp_path / "storage"))
    app.test_client_class = CSRFClient
    return app


@pytest.fixture
def admin(odoo):
    api = OdooAPI(odoo.url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def as_user(app, login):
    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": login})
    assert response.status_code == 302, f"login as {login} failed"
    return client


def uid_of(admin, login):
    return admin.search_read("res.users", [("login", "=", login)], ["id"])[0]["id"]


def quote_ids(html):
    return [int(i) for i in re.findall(r'href="/sales/(\d+)"', html)]


def products(client, q="HVAC"):
    found = client.get(f"/api/sales/products?q={q}").get_json()["results"]
    assert len(found) >= 2, found
    return found


def new_quote(client, admin, *, job_id=None, partner_id=None, extra=None):
    """Create a quote with two lines through the form; return its id."""
    first, second = products(client)[:2]
    if partner_id is None:
        partner_id = admin.search_read("res.partner", [("is_company", "=", True)], ["id"],
                                       limit=1)[0]["id"]
    form = {"customer": "", "partner_id": partner_id,
            "line-0-product": first["name"], "line-0-product_id": first["id"], "line-0-qty": "2",
            "line-1-product": second["name"], "line-1-product_id": second["id"],
            "line-1-qty": "3", "note": "Replace the worn parts", **(extra or {})}
    if job_id:
        form["job_id"] = job_id
    response = client.post("/sales/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def order(admin, oid, fields=("state", "signed_by", "amount_total", "order_line", "user_id",
                              "origin")):
    return admin.read("sale.order", [oid], list(fields))[0]


# --- list ------------------------------------------------------------------------------------


def test_list_filters_search_and_budget(app, admin):
    office = as_user(app, "office")
    office.get("/sales")  # the first page of a process also reads fields_get
    everything = office.get("/sales?filter=all")
    assert everything.status_code == 200 and rpc_count(everything) <= 2
    html = everything.get_data(as_text=True)
    assert "data-table" in html and "My quotes" in html and "To confirm" in html
    all_ids = quote_ids(html)
    assert len(all_ids) == 20 and 'rel="next"' in html  # paged

    to_confirm = quote_ids(office.get("/sales?filter=to_confirm").get_data(as_text=True))
    states = {o["state"] for o in admin.read("sale.order", to_confirm, ["state"])}
    assert to_confirm and states <= {"draft", "sent"}
    confirmed = quote_ids(office.get("/sales?filter=confirmed").get_data(as_text=True))
    states = {o["state"] for o in admin.read("sale.order", confirmed, ["state"])}
    assert confirmed and states <= {"sale", "done"}

    target = admin.read("sale.order", [all_ids[3]], ["name", "partner_id"])[0]
    by_ref = office.get(f"/sales?filter=all&q={target['name']}").get_data(as_text=True)
    assert quote_ids(by_ref) == [target["id"]]
    customer = target["partner_id"][1].split()[0]
    by_customer = office.get(f"/sales?filter=all&q={customer}").get_data(as_text=True)
    assert target["id"] in quote_ids(by_customer)
    empty = office.get("/sales?filter=all&q=zzzz-nothing").get_data(as_text=True)
    assert "Nothing matches." in empty and "Show the default list" in empty

    sorted_page = office.get("/sales?filter=all&sort=total&dir=asc")
    totals = [o["amount_total"] for o in admin.read(
        "sale.order", quote_ids(sorted_page.get_data(as_text=True)), ["amount_total"])]
    assert totals == sorted(totals)
    bad = office.get("/sales?filter=nope&sort=secret&page=x")
    assert bad.status_code == 200 and "banner--warning" in bad.get_data(as_text=True)


def test_technicians_see_their_own_quotes_only(app, admin):
    tech = as_user(app, "tech1")
    uid = uid_of(admin, "tech1")
    ids = quote_ids(tech.get("/sales?filter=all").get_data(as_text=True))
    assert ids
    assert {(o["user_id"] or [uid])[0] for o in admin.read("sale.order", ids, ["user_id"])} == {uid}
    others = admin.search_read("sale.order", [("user_id", "=", uid_of(admin, "office"))], ["id"],
                               limit=1)
    assert tech.get(f"/sales/{others[0]['id']}").status_code in (403, 404)


# --- create, edit, actions ---------------------------------------------------------------------


def test_quote_from_a_job_with_two_lines(app, admin):
    tech = as_user(app, "tech1")
    job = re.findall(r'href="/jobs/(\d+)"', tech.get("/jobs/active").get_data(as_text=True))[0]
    assert f'href="/sales/new?job_id={job}"' in tech.get(f"/jobs/{job}").get_data(as_text=True)
    form = tech.get(f"/sales/new?job_id={job}").get_data(as_text=True)
    assert ">Customer<" in form and ">Product<" in form
    partner = int(re.search(r'name="partner_id" value="(\d+)"', form).group(1))
    oid = new_quote(tech, admin, job_id=job, partner_id=partner)
    record = order(admin, oid)
    assert record["state"] == "draft" and len(record["order_line"]) == 2
    assert record["user_id"][0] == uid_of(admin, "tech1") and record["origin"]
    page = tech.get(f"/sales/{oid}")
    assert page.status_code == 200 and rpc_count(page) <= 4  # + the tax names, read once
    page = tech.get(f"/sales/{oid}")
    assert page.status_code == 200 and rpc_count(page) <= 3
    html = page.get_data(as_text=True)
    assert f"{record['amount_total']:,.2f}" in html  # Odoo's total, not Fieldkit's
    history = tech.get(f"/jobs/{job}").get_data(as_text=True)
    assert "written for this job" in history and f"/sales/{oid}" in history


def test_amounts_show_the_currency_symbol_as_odoo_does_and_each_lines_taxes(app, admin):
    office = as_user(app, "office")  # the login brought the active currencies along
    office.get("/sales")  # the first page of a process also reads fields_get
    listed = office.get("/sales?filter=all")
    assert rpc_count(listed) <= 2
    html = listed.get_data(as_text=True)
    assert re.search(r"\$\u00a0[\d,]+\.\d\d<", html) and " USD<" not in html

    oid = new_quote(office, admin)
    euro = admin.search_read("res.currency", [("name", "=", "EUR")], ["id"]) or \
        [{"id": admin.create("res.currency", {"name": "EUR", "symbol": "€",
                                              "position": "after"})}]
    admin.write("sale.order", [oid], {"currency_id": euro[0]["id"]})
    record = order(admin, oid, ("name", "amount_total", "amount_untaxed", "amount_tax",
                                "order_line"))
    lines = admin.read("sale.order.line", record["order_line"], ["price_tax"])
    first = office.get(f"/sales/{oid}")  # EUR came after the login: read once, with the taxes
    assert first.status_code == 200 and rpc_count(first) <= 5
    page = office.get(f"/sales/{oid}")
    assert rpc_count(page) <= 3
    html = page.get_data(as_text=True)
    for key in ("amount_total", "amount_untaxed", "amount_tax"):
        assert f"{record[key]:,.2f}\u00a0€" in html, key
    assert "$" not in re.search(r'<table class="quote-lines-table">.*?</dl>', html, re.S).group(0)
    taxes = re.findall(r"<span class=\"muted\" data-line-tax>([^<]*)</span>", html)
    assert taxes == [f"Taxes: 15% ({line['price_tax']:,.2f}\u00a0€)" for line in lines]

    row = office.get(f"/sales?filter=all&q={record['name']}").get_data(as_text=True)
    assert f"{record['amount_total']:,.2f}\u00a0€" in row


def test_new_quote_from_customer_and_opportunity(app, admin):
    office = as_user(app, "office")
    partner = admin.search_read("res.partner", [("is_company", "=", True)], ["id", "name"],
                                limit=1)[0]
    page = office.get(f"/sales/new?partner_id={partner['id']}").get_data(as_text=True)
    assert f'value="{partner["id"]}"' in page
    lead = admin.search_read("crm.lead", [("partner_id", "!=", False)], ["id", "partner_id"],
                             limit=1)[0]
    page = office.get(f"/sales/new?opportunity_id={lead['id']}").get_data(as_text=True)
    assert f'name="opportunity_id" value="{lead["id"]}"' in page
    oid = new_quote(office, admin, partner_id=lead["partner_id"][0],
                    extra={"opportunity_id": lead["id"]})
    assert order(admin, oid, ["opportunity_id"])["opportunity_id"][0] == lead["id"]


def test_form_refusals_keep_what_was_typed(app, admin):
    tech = as_user(app, "tech1")
    response = tech.post("/sales/new", data={"customer": "Nobody At All Inc", "note": "keep me",
                                             "line-0-product": "HVAC", "line-0-qty": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "banner--error" in html and "keep me" in html and "Nobody At All Inc" in html
    response = tech.post("/sales/new", data={"customer": "x", "partner_id": "1",
                                             "line-0-product": "HVAC", "line-0-qty": "lots"})
    assert response.status_code == 422 and "must be a number" in response.get_data(as_text=True)


def test_product_suggestions_carry_the_price_odoo_starts_a_line_from(app, admin):
    tech = as_user(app, "tech1")
    response = tech.get("/api/sales/products?q=HVAC")
    assert rpc_count(response) <= 2  # name_search + the prices, read together with no other
    found = response.get_json()["results"]
    listed = {p["id"]: p["lst_price"] for p in admin.read("product.product",
                                                           [f["id"] for f in found],
                                                           ["lst_price"])}
    for item in found:
        assert item["price"] == listed[item["id"]]
        assert item["currency"]["symbol"] == "$" and item["currency"]["digits"] == 2
        assert item["detail"] == f"List price $\u00a0{listed[item['id']]:,.2f}"
    # The estimate is what Odoo then writes on the line (no price list rule in the demo).
    oid = new_quote(tech, admin)
    lines = admin.read("sale.order.line", order(admin, oid)["order_line"],
                       ["product_id", "price_unit"])
    assert {line["product_id"][0]: line["price_unit"] for line in lines} == \
        {f["id"]: f["price"] for f in found[:2]}
    draft = tech.get(f"/sales/{oid}").get_data(as_text=True)
    assert "data-quote-estimate" in draft and 'data-symbol="$"' in draft
    assert f'data-price="{lines[0]["price_unit"]:g}"' in draft.replace(".0\"", "\"")


def test_edit_lines_of_a_draft(app, admin):
    tech = as_user(app, "tech1")
    oid = new_quote(tech, admin)
    first, second = order(admin, oid)["order_line"]
    extra = products(tech)[3]
    response = tech.post(f"/sales/{oid}/lines", data={
        "line-0-id": first, "line-0-qty": "5", "line-1-id": second, "line-1-remove": "1",
        "line-2-product": extra["name"], "line-2-product_id": extra["id"], "line-2-qty": "1"})
    assert response.status_code == 302
    lines = admin.read("sale.order.line", order(admin, oid)["order_line"],
                       ["product_uom_qty", "product_id"])
    assert sorted(line["product_uom_qty"] for line in lines) == [1.0, 5.0]
    assert extra["id"] in [line["product_id"][0] for line in lines]


def test_confirm_then_a_refused_confirm(app, admin):
    tech = as_user(app, "tech1")
    oid = new_quote(tech, admin)
    assert tech.post(f"/sales/{oid}/confirm").status_code == 302
    assert order(admin, oid)["state"] == "sale"
    again = tech.post(f"/sales/{oid}/confirm")  # Odoo refuses: shown as it is, page kept
    assert again.status_code == 422
    assert "not in a state requiring confirmation" in again.get_data(as_text=True)


def test_cancel_and_back_to_draft(app, admin):
    tech = as_user(app, "tech1")
    oid = new_quote(tech, admin)
    page = tech.get(f"/sales/{oid}").get_data(as_text=True)
    assert "Cancel this quote…" in page and "Yes, cancel it" in page  # behind a confirmation
    assert tech.post(f"/sales/{oid}/cancel").status_code == 302
    assert order(admin, oid)["state"] == "cancel"
    assert tech.post(f"/sales/{oid}/draft").status_code == 302
    assert order(admin, oid)["state"] == "draft"


def test_send_by_email_follows_the_composer_action(app, admin):
    office = as_user(app, "office")
    oid = new_quote(office, admin)
    response = office.post(f"/sales/{oid}/send")
    assert response.status_code == 302
    assert order(admin, oid)["state"] == "sent"


def test_sign_and_confirm(app, admin):
    tech = as_user(app, "tech1")
    oid = new_quote(tech, admin)
    response = tech.post(f"/api/sales/{oid}/signature",
                         json={"image": data_url(make_png()), "signer_name": "Pat Customer"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["redirect"] == f"/sales/{oid}"
    record = order(admin, oid, ["state", "signed_by", "signed_on", "signature"])
    assert record["state"] == "sale" and record["signed_by"] == "Pat Customer"
    assert record["signed_on"] and record["signature"]
    html = tech.get(f"/sales/{oid}").get_data(as_text=True)
    assert "Signed on site by Pat Customer" in html
    # The page the pad opens says what happened, and calls the order an order.
    assert "Signed by Pat Customer: quote confirmed." in html
    assert "Cancel this quote" not in html
    # The order shows the signature Odoo keeps, with who signed and when.
    assert f'src="/sales/{oid}/signature.png"' in html and "data-signature-caption" in html
    assert re.search(r"Signed by Pat Customer, Today \d\d:\d\d", html)
    image = tech.get(f"/sales/{oid}/signature.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data == make_png() and "private" in image.headers["Cache-Control"]
    unsigned = new_quote(tech, admin)
    assert tech.get(f"/sales/{unsigned}/signature.png").status_code == 404
    assert "signature.png" not in tech.get(f"/sales/{unsigned}").get_data(as_text=True)
    bad = tech.post(f"/api/sales/{oid}/signature", json=[1])
    assert bad.status_code == 400 and bad.get_json()["success"] is False
    late = tech.post(f"/api/sales/{oid}/signature",
                     json={"image": data_url(make_png()), "signer_name": "Pat"})
    assert late.status_code == 422 and "no longer waiting" in late.get_json()["error"]


def customer_with_a_location(admin):
    location = admin.search_read("fsm.location", [], ["owner_id", "partner_id"], limit=1,
                                 order="id")[0]
    return location["owner_id"][0], location


def test_schedule_the_work_of_a_confirmed_order(app, admin):
    office = as_user(app, "office")
    partner, location = customer_with_a_location(admin)
    oid = new_quote(office, admin, partner_id=partner)
    early = office.post(f"/sales/{oid}/job")
    assert early.status_code == 422
    assert "Confirm the quote before scheduling its work." in early.get_data(as_text=True)
    assert "Schedule the work" not in office.get(f"/sales/{oid}").get_data(as_text=True)
    assert office.post(f"/sales/{oid}/confirm").status_code == 302
    page = office.get(f"/sales/{oid}").get_data(as_text=True)
    assert f'action="/sales/{oid}/job"' in page and "Schedule the work" in page
    response = office.post(f"/sales/{oid}/job")
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    target = response.headers["Location"]
    job_id = int(re.search(r"/dispatch/jobs/(\d+)", target).group(1))
    assert f"next=/sales/{oid}" in target.replace("%2F", "/")
    record = order(admin, oid, ["name", "order_line"])
    job = admin.read("fsm.order", [job_id], ["location_id", "description", "name"])[0]
    assert job["location_id"][0] in [loc["id"] for loc in admin.search_read(
        "fsm.location", [("owner_id", "child_of", partner)], ["id"])]
    lines = admin.read("sale.order.line", record["order_line"], ["name", "product_uom_qty"])
    assert f"Work from sales order {record['name']}" in job["description"]
    for line in lines:
        assert f"{line['product_uom_qty']:g} × {line['name']}" in job["description"]
    assigning = office.get(target)  # the assign page, with the message
    assert assigning.status_code == 200
    assert f"Job {job['name']} created from {record['name']}" in assigning.get_data(as_text=True)
    assert f"Job {job['name']} created for this order" in \
        office.get(f"/sales/{oid}").get_data(as_text=True)  # the order's history says so


def test_schedule_the_work_refusals(app, admin):
    tech = as_user(app, "tech1")
    oid = new_quote(tech, admin)
    assert tech.post(f"/sales/{oid}/confirm").status_code == 302
    assert "Schedule the work" not in tech.get(f"/sales/{oid}").get_data(as_text=True)
    refused = tech.post(f"/sales/{oid}/job")
    assert refused.status_code == 422
    assert "The office schedules the work" in refused.get_data(as_text=True)
    # A customer without a service location: said, nothing created.
    office = as_user(app, "office")
    lonely = admin.create("res.partner", {"name": "Nowhere Ltd", "is_company": True})
    oid = new_quote(office, admin, partner_id=lonely)
    office.post(f"/sales/{oid}/confirm")
    before = admin.search_count("fsm.order", [])
    response = office.post(f"/sales/{oid}/job")
    assert response.status_code == 422
    assert "Nowhere Ltd has no service location in Odoo yet" in response.get_data(as_text=True)
    assert admin.search_count("fsm.order", []) == before


def test_user_without_sales_rights(app, admin):
    groups = admin.search_read("res.groups", [], ["id", "name"])
    sales_groups = [g["id"] for g in groups if "Own Documents" in g["name"]
                    or "All Documents" in g["name"] or g["name"] == "Administrator"]
    admin.write("res.users", [uid_of(admin, "tech6")],
                {("group_ids" if admin.version >= 19 else "groups_id"):
                 [(3, gid) for gid in sales_groups],
                 "lang": "en_US"})  # tech6 works in Spanish: this test reads the English words
    tech6 = as_user(app, "tech6")
    home = tech6.get("/jobs/active").get_data(as_text=True)
    assert 'href="/sales"' not in home and "New quote" not in home
    page = tech6.get("/sales")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "Error 403" in html and "Go to my jobs" in html and "Traceback" not in html
    assert tech6.get("/sales/1").status_code == 403
    api = tech6.get("/api/sales/products?q=HVAC")
    assert api.status_code == 403 and api.get_json()["success"] is False


# --- photos and videos -------------------------------------------------------------------------


def stored(app):
    root = app.config["STORAGE_LOCAL_DIR"]
    import pathlib

    return sorted(str(p.relative_to(root)) for p in pathlib.Path(root).rglob("*")
                  if p.is_file() and ".meta" not in p.parts) if pathlib.Path(root).exists() else []


def test_uploads_of_each_kind(app, admin):
    app.config["MAX_VIDEO_BYTES"] = 64 * 1024
    tech = as_user(app, "tech1")
    oid = new_quote(tech, admin)
    photo = tech.post(f"/sales/{oid}/photos", data={"photos": [(io.BytesIO(JPEG), "leak.jpg")]})
    assert photo.status_code == 302
    video = tech.post(f"/api/sales/{oid}/videos", data=MP4,
                      headers={"Content-Type": "video/mp4", "X-File-Name": "noise.mp4"})
    assert video.status_code == 200, video.get_data(as_text=True)
    kept = stored(app)
    assert any(k.startswith(f"quotes/{oid}/photos/") for k in kept)
    assert any(k.startswith(f"quotes/{oid}/videos/") and k.endswith(".mp4") for k in kept)
    html = tech.get(f"/sales/{oid}").get_data(as_text=True)
    assert re.search(rf'<img src="/files/quotes/{oid}/photos/', html)
    assert re.search(rf'<video src="/files/quotes/{oid}/videos/', html)

    fake = tech.post(f"/sales/{oid}/photos",
                     data={"photos": [(io.BytesIO(b"%PDF-1.4 not a photo"), "fake.jpg")]})
    assert fake.status_code == 422
    assert "not a photo Fieldkit accepts" in fake.get_data(as_text=True)
    wrong = tech.post(f"/api/sales/{oid}/videos", data=JPEG,
                      headers={"Content-Type": "video/mp4", "X-File-Name": "x.mp4"})
    assert wrong.status_code == 400 and "not a video" in wrong.get_json()["error"]
    big = MP4 + b"\x00" * (80 * 1024)
    declared = tech.post(f"/api/sales/{oid}/videos", data=big,
                         headers={"Content-Type": "video/mp4", "X-File-Name": "big.mp4"})
    assert declared.status_code == 413 and "too large" in declared.get_json()["error"]
    # Sent chunked (no Content-Length): the limit is found while streaming.
    streamed = tech.post(f"/api/sales/{oid}/videos", input_stream=io.BytesIO(big),
                         headers={"Content-Type": "video/mp4", "X-File-Name": "big.mp4"},
                         environ_overrides={"wsgi.input_terminated": True})
    assert streamed.status_code == 413 and "up to" in streamed.get_json()["error"]
    assert stored(app) == kept  # nothing stored by the refusals
