"""The customer's visit page (/c/<token>, issue 33) against the emulator: made with the job
page, opened without an account, showing the window, the technician's first name and the status
(live), nothing private; the office sees it opened; after the visit the report and a rating that
lands in the job's history; refused when forged, withdrawn, expired or moved."""
import base64
import re
import time
from datetime import timedelta

import pytest

from app.platform import chatter
from app.platform import timezone as tzs
from app.platform.store import get_store
from app.services import customer_links


@pytest.fixture
def job(admin):
    """An open job of tech1's, scheduled, not started."""
    tech1 = admin.search_read("res.users", [("login", "=", "tech1")], ["partner_id"])[0]
    person = admin.search_read("fsm.person", [("partner_id", "=", tech1["partner_id"][0])],
                               ["name"])[0]
    return admin.search_read("fsm.order", [("person_id", "=", person["id"]),
                                           ("is_closed", "=", False),
                                           ("date_start", "=", False),
                                           ("scheduled_date_start", "!=", False)],
                             ["name", "location_id", "person_id"], limit=1, order="id")[0]


def customer_url(linked_app, login, job_id, user="office"):
    staff = linked_app.test_client()
    login(staff, user)
    page = staff.get(f"/jobs/{job_id}").get_data(as_text=True)
    match = re.search(r'data-clink-url[^>]*value="[^"]*(/c/[A-Za-z0-9_.\-]+)"', page) or \
        re.search(r'value="[^"]*(/c/[A-Za-z0-9_.\-]+)"[^>]*data-clink-url', page)
    assert match, "the job page shows the customer's link"
    return staff, match.group(1)


def history(admin, job_id):
    result = admin.json_route("/mail/thread/messages",
                              {"thread_model": "fsm.order", "thread_id": job_id, "limit": 50})
    return [m["body_text"] if "body_text" in m else str(m.get("body"))
            for m in chatter.normalize_messages(result)]


def stage(admin, name):
    return admin.search_read("fsm.stage", [("name", "ilike", name)], ["id"])[0]["id"]


def finish(admin, job_id, *, ended):
    admin.write("fsm.order", [job_id], {
        "date_start": tzs.to_odoo_datetime(ended - timedelta(hours=1)),
        "date_end": tzs.to_odoo_datetime(ended), "resolution": "Replaced the valve"})
    admin.call("fsm.order", "action_complete", [job_id])


def test_the_customer_sees_when_who_and_the_status_and_nothing_private(linked_app, login,
                                                                       admin, job):
    person = admin.read("fsm.person", [job["person_id"][0]], ["name", "phone", "email"])[0]
    admin.message_post("fsm.order", job["id"], "<p>Internal: the gate code is 4711</p>",
                       message_type="comment", subtype_xmlid="mail.mt_note")
    office, url = customer_url(linked_app, login, job["id"])
    customer = linked_app.test_client()  # no account, no login
    response = customer.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Scheduled" in page and person["name"].split()[0] in page
    assert person["name"] not in page  # the first name only
    assert job["name"] in page and "Times in" in page
    for private in (person.get("phone"), person.get("email"), "4711"):
        if private:
            assert private not in page
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Cache-Control"].startswith("private")
    assert "serviceWorker" not in page and "sw.js" not in page

    # The office sees it opened; one note in the history, not one per visit.
    customer.get(url)
    opened = [m for m in history(admin, job["id"]) if "opened their visit page" in m]
    assert len(opened) == 1
    assert "Opened by the customer" in office.get(f"/jobs/{job['id']}").get_data(as_text=True)


def test_the_job_page_reads_the_shared_store_in_three_round_trips(linked_app, login, job,
                                                                   monkeypatch):
    """The customer's link (made or found) and what the office sees of it come from one read
    of its index and one of its record, and the index comes with the viewer's timer and the
    office's subcontractor links in one round trip (store.prefetch): with the check of the
    session's cookie, 3 round trips to Redis (was 8)."""
    customer_url(linked_app, login, job["id"])  # the link is made
    staff = linked_app.test_client()
    login(staff, "office")
    staff.get(f"/jobs/{job['id']}")  # what a first view reads once (the timer's fields)
    with linked_app.app_context():
        store_class = type(get_store())
    trips = []
    real_get, real_get_many = store_class.get, store_class.get_many
    monkeypatch.setattr(store_class, "get",
                        lambda self, key: trips.append(key) or real_get(self, key))
    monkeypatch.setattr(store_class, "get_many",
                        lambda self, keys: trips.append(list(keys)) or real_get_many(self, keys))
    page = staff.get(f"/jobs/{job['id']}").get_data(as_text=True)
    assert "data-clink-url" in page and "Not opened yet." in page
    assert len(trips) == 3, trips
    assert any(isinstance(trip, list) and any(k.startswith("customerlinks:") for k in trip)
               and any(k.startswith("timer:") for k in trip)
               and any(k.startswith("joblinks:") for k in trip) for trip in trips), trips


def test_the_status_follows_the_job_live(linked_app, login, admin, job):
    _, url = customer_url(linked_app, login, job["id"], user="tech1")
    customer = linked_app.test_client()
    first = customer.get(f"{url}/status")
    assert first.status_code == 200 and first.get_json()["status"] == "scheduled"
    etag = first.headers["ETag"]
    assert customer.get(f"{url}/status", headers={"If-None-Match": etag}).status_code == 304
    tech = linked_app.test_client()
    login(tech, "tech1")
    assert tech.post(f"/jobs/{job['id']}/stage",
                     data={"stage_id": stage(admin, "En Route"), "eta": "20"}).status_code == 302
    # Every open page shares one answer for STATUS_SECONDS: wait for the next one.
    deadline = time.monotonic() + 30
    moved = customer.get(f"{url}/status", headers={"If-None-Match": etag})
    while moved.status_code == 304 and time.monotonic() < deadline:
        time.sleep(0.2)
        moved = customer.get(f"{url}/status", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.get_json()["label"] == "On the way"
    assert re.fullmatch(r"around \d{1,2}:\d{2}", moved.get_json()["eta"])
    assert "Arriving around" in customer.get(url).get_data(as_text=True)
    assert "version" not in moved.get_json()


def test_after_the_visit_the_report_and_a_rating_that_reaches_odoo(linked_app, login, admin,
                                                                   job):
    _, url = customer_url(linked_app, login, job["id"])
    customer = linked_app.test_client()
    early = customer.get(f"{url}/report.pdf")
    assert early.status_code == 409 and "once the visit is done" in early.get_data(as_text=True)
    finish(admin, job["id"], ended=tzs.now_utc())
    page = customer.get(url).get_data(as_text=True)
    assert "Done" in page and "How did we do?" in page
    pdf = customer.get(f"{url}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = customer.post(f"{url}/rating", data={"score": "9", "comment": "Quick and tidy"})
    assert bad.status_code == 422
    assert "Choose from 1 to 5" in bad.get_data(as_text=True)
    assert "Quick and tidy" in bad.get_data(as_text=True)  # what they typed is kept
    good = customer.post(f"{url}/rating", data={"score": "4", "comment": "Quick and tidy"})
    assert good.status_code == 302
    notes = [m for m in history(admin, job["id"]) if "Customer rating: 4 of 5" in m]
    assert len(notes) == 1 and "Quick and tidy" in notes[0]
    again = customer.post(f"{url}/rating", data={"score": "5"})
    assert again.status_code == 422 and "already" in again.get_data(as_text=True)
    assert len([m for m in history(admin, job["id"]) if "Customer rating" in m]) == 1
    # No invoice yet: said so, not a 500.
    assert customer.get(f"{url}/invoice").status_code == 404


def test_forged_withdrawn_expired_and_moved_links_show_nothing(linked_app, login, admin, job):
    office, url = customer_url(linked_app, login, job["id"])
    customer = linked_app.test_client()
    forged = customer.get(url[:-3] + ("abc" if not url.endswith("abc") else "xyz"))
    assert forged.status_code == 404 and job["name"] not in forged.get_data(as_text=True)
    assert customer.get("/c/not-a-token").status_code == 404

    # Another job's link shows that job only.
    other = admin.search_read("fsm.order", [("id", "!=", job["id"]), ("is_closed", "=", False)],
                              ["name"], limit=1)[0]
    _, other_url = customer_url(linked_app, login, other["id"])
    assert job["name"] not in customer.get(other_url).get_data(as_text=True)

    # Withdrawn by the office: 410, and the job page offers a new one.
    assert office.post(f"/jobs/{job['id']}/customer-link/revoke").status_code == 302
    gone = customer.get(url)
    assert gone.status_code == 410 and job["name"] not in gone.get_data(as_text=True)
    _, new_url = customer_url(linked_app, login, job["id"])
    assert new_url != url and customer.get(new_url).status_code == 200

    # Done more than DAYS_AFTER_DONE days ago: expired.
    finish(admin, job["id"],
           ended=tzs.now_utc() - timedelta(days=customer_links.DAYS_AFTER_DONE + 1))
    assert customer.get(new_url).status_code == 410

    # Moved to another place: the link ends for good.
    _, other_link = customer_url(linked_app, login, other["id"])
    place = admin.search_read("fsm.location", [("id", "!=", other_location(admin, other))],
                              ["id"], limit=1)[0]["id"]
    admin.write("fsm.order", [other["id"]], {"location_id": place})
    ended = customer.get(other_link)
    assert ended.status_code == 410 and "changed address" in ended.get_data(as_text=True)


def other_location(admin, order):
    return admin.read("fsm.order", [order["id"]], ["location_id"])[0]["location_id"][0]


def test_the_on_my_way_text_carries_the_link(linked_app, login, job):
    tech = linked_app.test_client()
    login(tech, "tech1")
    page = tech.get(f"/jobs/{job['id']}").get_data(as_text=True)
    link = re.search(r'data-link="([^"]+/c/[^"]+)"', page)
    assert link, "the SMS sheet hands the customer's link to sms.js"


def test_a_quote_written_for_the_job_is_signed_on_odoos_own_page(linked_app, login, admin,
                                                                 job):
    _, url = customer_url(linked_app, login, job["id"])
    customer = linked_app.test_client()
    customer.get(url)  # the configuration caches (stages, company) are filled once
    warm = customer.get(url)
    assert int(warm.headers["X-Odoo-RPC"].split(";")[0]) <= 2  # the integration user's
    assert "Review and sign" not in warm.get_data(as_text=True)
    assert customer.get(f"{url}/quote").status_code == 404
    partner = admin.read("fsm.location", [job["location_id"][0]], ["partner_id"])[0]
    order = admin.create("sale.order", {"partner_id": partner["partner_id"][0],
                                        "origin": job["name"]})
    page = customer.get(url)
    assert "Review and sign the quotation" in page.get_data(as_text=True)
    assert int(page.headers["X-Odoo-RPC"].split(";")[0]) <= 2
    portal = customer.get(f"{url}/quote")
    assert portal.status_code == 302
    assert f"/my/orders/{order}?access_token=" in portal.headers["Location"]
    token = admin.read("sale.order", [order], ["access_token"])[0]["access_token"]
    assert token and portal.headers["Location"].endswith(token)


def test_without_an_integration_user_the_page_says_so(app, login, job):
    _, url = customer_url(app, login, job["id"])
    response = app.test_client().get(url)
    assert response.status_code == 503
    assert "integration user, which is not set up" in response.get_data(as_text=True)


def test_the_customers_report_is_the_attached_one_read_with_the_job(linked_app, login, admin,
                                                                     job, round_trips):
    """The report attached last is read with the job (one round trip of 2 calls, the
    integration user's); none attached: a fresh preview after it."""
    office, url = customer_url(linked_app, login, job["id"])
    customer = linked_app.test_client()
    finish(admin, job["id"], ended=tzs.now_utc())
    assert customer.get(url).status_code == 200  # the company and the stages are cached
    round_trips["n"] = 0
    preview = customer.get(f"{url}/report.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    assert round_trips["n"] <= 3
    assert office.post(f"/jobs/{job['id']}/report").status_code == 302  # attached
    attached = admin.search_read("ir.attachment", [("res_model", "=", "fsm.order"),
                                                   ("res_id", "=", job["id"])],
                                 ["name", "datas"], order="id desc", limit=1)[0]
    round_trips["n"] = 0
    pdf = customer.get(f"{url}/report.pdf")
    assert pdf.status_code == 200
    assert base64.b64encode(pdf.data).decode() == attached["datas"]
    assert attached["name"] in pdf.headers["Content-Disposition"]
    assert round_trips["n"] == 1
    assert pdf.headers["X-Odoo-RPC"].split(";")[2].strip() == "integration=2"
