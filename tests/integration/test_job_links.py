"""Subcontractor job links against the emulator: made by the office, worked without an Odoo
account through the integration user (every history entry naming the subcontractor), and
refused when expired, withdrawn (also when replayed after withdrawal), forged, or aimed at
another job."""

import json
import re

import pytest

from app.odoo import integration as integration_module
from app.odoo.client import OdooAPI
from app.platform import chatter
from app.platform.store import get_store
from app.services import job_links
from tests.integration.test_jobs import JPEG, data_url, make_png


@pytest.fixture
def job_id(admin):
    return admin.search_read("fsm.order", [("is_closed", "=", False),
                                           ("date_start", "=", False)], ["name"],
                             limit=1, order="id")[0]["id"]


def make_link(linked_app, login, job_id, name="Bob's Plumbing", days="2"):
    office = linked_app.test_client()
    login(office, "office")
    response = office.post(f"/jobs/{job_id}/links", data={"name": name, "days": days})
    assert response.status_code == 302
    page = office.get(response.location).get_data(as_text=True)
    token = re.search(r"/t/([A-Za-z0-9_.\-]+)", page).group(1)
    return office, token


def history(admin, job_id):
    result = admin.json_route("/mail/thread/messages",
                              {"thread_model": "fsm.order", "thread_id": job_id, "limit": 50})
    return chatter.normalize_messages(result)


def test_subcontractor_works_the_job_and_every_entry_names_them(linked_app, login, admin,
                                                                job_id):
    office, token = make_link(linked_app, login, job_id)
    sub = linked_app.test_client()  # no Odoo account, no login
    page = sub.get(f"/t/{token}")
    assert page.status_code == 200
    assert "Bob&#39;s Plumbing" in page.get_data(as_text=True)
    base = f"/t/{token}/jobs/{job_id}"
    assert sub.post(f"{base}/start").status_code == 302
    assert sub.post(f"{base}/notes", data={"note": "Valve replaced"}).status_code == 302
    photo = sub.post(f"{base}/photos", data={"photos": [(__import__("io").BytesIO(JPEG),
                                                          "valve.jpg")]},
                     content_type="multipart/form-data")
    assert photo.status_code == 302
    signed = sub.post(f"/api/t/{token}/jobs/{job_id}/signature",
                      json={"image": data_url(make_png()), "signer_name": "Ann Customer"})
    assert signed.get_json()["success"] is True
    done = sub.post(f"{base}/finish", data={"resolution": "Replaced the valve."})
    assert done.status_code == 302
    order = admin.read("fsm.order", [job_id], ["is_closed", "date_start", "x_signature_url"])[0]
    assert order["is_closed"] and order["date_start"] and order["x_signature_url"]
    notes = [m for m in history(admin, job_id) if m["has_body"]]
    texts = [m["text"] for m in notes]
    by_sub = [t for t in texts if "Bob" in t]
    for expected in ("Job started by", "Valve replaced", "photo added by",
                     "signature collected by", "Job finished by"):
        assert any(expected in t for t in by_sub), (expected, texts)
    # The office sees the uses on the job page.
    panel = office.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert re.search(r"\d+ uses", panel)


def test_another_jobs_id_in_the_url_is_refused_and_nothing_written(linked_app, login, admin,
                                                                   job_id):
    _, token = make_link(linked_app, login, job_id)
    other = admin.search_read("fsm.order", [("is_closed", "=", False), ("id", "!=", job_id),
                                            ("date_start", "=", False)], ["name"], limit=1)[0]
    sub = linked_app.test_client()
    response = sub.post(f"/t/{token}/jobs/{other['id']}/start")
    assert response.status_code == 403
    assert "only opens the job it was made for" in response.get_data(as_text=True)
    assert admin.read("fsm.order", [other["id"]], ["date_start"])[0]["date_start"] is False


def test_withdrawn_link_is_refused_also_when_replayed(linked_app, login, admin, job_id):
    office, token = make_link(linked_app, login, job_id)
    sub = linked_app.test_client()
    assert sub.get(f"/t/{token}").status_code == 200
    page = office.get(f"/jobs/{job_id}").get_data(as_text=True)
    link_id = re.search(rf"/jobs/{job_id}/links/([^/]+)/revoke", page).group(1)
    assert office.post(f"/jobs/{job_id}/links/{link_id}/revoke").status_code == 302
    gone = sub.get(f"/t/{token}")
    assert gone.status_code == 410 and "withdrawn" in gone.get_data(as_text=True)
    replay = sub.post(f"/t/{token}/jobs/{job_id}/start")
    assert replay.status_code == 410
    assert admin.read("fsm.order", [job_id], ["date_start"])[0]["date_start"] is False


def test_expired_and_forged_links(linked_app, login, job_id):
    _, token = make_link(linked_app, login, job_id)
    sub = linked_app.test_client()
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert sub.get(f"/t/{forged}").status_code == 404
    with linked_app.app_context():
        store = get_store()
        claims = job_links.LINKS._serializer(linked_app.secret_key).loads(token)
        key = f"joblink:{claims['l']}"
        record = json.loads(store.get(key))
        record["expires_at"] = 1_000
        store.set(key, json.dumps(record), 3600)
    expired = sub.get(f"/t/{token}")
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "is empty"),
    ({"days": "45"}, "from 1 to 30"),
    ({"days": "soon"}, "from 1 to 30"),
])
def test_bad_link_requests_are_explained(linked_app, login, job_id, fields, message):
    office = linked_app.test_client()
    login(office, "office")
    data = {"name": "Bob", "days": "2", **fields}
    response = office.post(f"/jobs/{job_id}/links", data=data, follow_redirects=True)
    assert message in response.get_data(as_text=True)


def test_technicians_cannot_make_links(linked_app, login, job_id):
    tech = linked_app.test_client()
    login(tech, "tech1")
    assert tech.post(f"/jobs/{job_id}/links", data={"name": "Bob"}).status_code == 403


# --- links end with the job (issue 25, item 6) ------------------------------------------------

def person_other_than(admin, job_id):
    current = admin.read("fsm.order", [job_id], ["person_id"])[0]["person_id"]
    current_id = current[0] if current else 0
    return admin.search_read("fsm.person", [("id", "!=", current_id)], ["name"], limit=1)[0]["id"]


def test_a_reassigned_job_ends_its_link(linked_app, login, admin, job_id):
    office, token = make_link(linked_app, login, job_id)
    admin.write("fsm.order", [job_id], {"person_id": person_other_than(admin, job_id)})
    sub = linked_app.test_client()
    page = sub.get(f"/t/{token}")
    assert page.status_code == 410
    assert "given to someone else" in page.get_data(as_text=True)
    before = len(history(admin, job_id))
    refused = sub.post(f"/t/{token}/jobs/{job_id}/notes", data={"note": "Too late"})
    assert refused.status_code == 410
    assert len(history(admin, job_id)) == before
    assert "ended" in office.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_a_done_job_s_link_only_shows_it(linked_app, login, admin, job_id):
    _, token = make_link(linked_app, login, job_id)
    sub = linked_app.test_client()
    base = f"/t/{token}/jobs/{job_id}"
    assert sub.post(f"{base}/start").status_code == 302
    assert sub.post(f"{base}/finish", data={"resolution": "Done."}).status_code == 302
    page = sub.get(f"/t/{token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "This job is done" in text and f'action="{base}/notes"' not in text
    before = len(history(admin, job_id))
    for action, data in (("notes", {"note": "After the end"}), ("start", {}),
                         ("finish", {"resolution": "again"})):
        refused = sub.post(f"{base}/{action}", data=data)
        assert refused.status_code == 410, action
    photo = sub.post(f"{base}/photos", data={"photos": [(__import__("io").BytesIO(JPEG),
                                                          "late.jpg")]},
                     content_type="multipart/form-data")
    assert photo.status_code == 410
    signed = sub.post(f"/api/t/{token}/jobs/{job_id}/signature",
                      json={"image": data_url(make_png()), "signer_name": "Late"})
    assert signed.status_code == 410 and signed.get_json()["success"] is False
    assert len(history(admin, job_id)) == before


def test_a_link_to_a_job_the_integration_user_cannot_see_is_refused_with_the_reason(
        linked_app, login, admin):
    """The integration user belongs to the main company only (as the demo data has it)."""
    west_user = OdooAPI(admin.base_url, "fieldkit")
    west_user.authenticate("office2co", "office2co")
    west = west_user.search_read("res.company", [("name", "=", "Fieldkit Services West")],
                                 ["id"])[0]["id"]
    west_user.context = dict(west_user.context, allowed_company_ids=[west])
    job = west_user.search_read("fsm.order", [("company_id", "=", west),
                                              ("is_closed", "=", False)], ["id"],
                                limit=1)[0]["id"]
    office = linked_app.test_client()
    login(office, "office2co")
    with office.session_transaction() as session:
        main = session["company_ids"][0]
    office.post("/company", data={"company_id": str(west), "company_ids": [str(main)]})
    response = office.post(f"/jobs/{job}/links", data={"name": "West Sub", "days": "2"})
    assert response.status_code == 302
    page = office.get(response.location).get_data(as_text=True)
    assert "integration user" in page and "/t/" not in page


def rpc_figures(response):
    """(all calls, the integration user's) from X-Odoo-RPC: "5; 12.3ms; integration=4"."""
    header = response.headers["X-Odoo-RPC"]
    return int(header.split(";")[0]), int(header.rsplit("integration=", 1)[1])


def test_the_integration_users_calls_are_counted_and_its_session_reused(linked_app, login,
                                                                         job_id):
    """The subcontractor's page is read by the integration user: its calls count in the
    request's figures (they were 0), and the second visit logs in no more (one session)."""
    _, token = make_link(linked_app, login, job_id)
    integration_module._sessions.clear()  # making the link checked the integration user
    sub = linked_app.test_client()
    first = sub.get(f"/t/{token}")
    calls, integration = rpc_figures(first)
    assert first.status_code == 200 and integration > 0 and calls == integration
    assert "odoo-integration;" in first.headers["Server-Timing"]
    again = sub.get(f"/t/{token}")
    calls_again, integration_again = rpc_figures(again)
    assert calls_again <= 2 and integration_again <= integration  # no version_info, no login
    from app.odoo.integration import _sessions

    _sessions.clear()  # a restarted worker: its memory empty, the shared store filled
    restarted = sub.get(f"/t/{token}")
    assert restarted.status_code == 200 and rpc_figures(restarted)[1] == integration_again
