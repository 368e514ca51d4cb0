"""Regression tests of issue 9 against the emulator: JSON bodies of the wrong shape, text over
the size limit, the offline page's title."""
import re

import pytest

from app.odoo.client import OdooAPI
from app.services import jobs as jobs_service
from app.validation import MAX_TEXT_CHARS


@pytest.fixture
def fresh(emulator):
    """The shared emulator as it is: these tests write nothing another test relies on."""
    jobs_service.clear_stage_cache()
    return emulator


@pytest.fixture
def tech1(client, login, fresh):
    login(client, "tech1")
    return client


@pytest.fixture
def own_job(admin):
    partner = admin.search_read("res.users", [("login", "=", "tech1")], ["partner_id"])
    partner_id = partner[0]["partner_id"][0]
    rows = admin.search_read("fsm.order", [("person_id.partner_id", "=", partner_id),
                                           ("is_closed", "=", False)], ["id"], limit=1)
    return rows[0]["id"]


def message_count(admin, job):
    return admin.search_count("mail.message", [("model", "=", "fsm.order"), ("res_id", "=", job)])


@pytest.mark.parametrize("body", [[{}], 1, "s", None, {"x": 1}, {"image": 1},
                                  {"image": "data:image/png;base64,AA", "signer_name": {"x": 1}},
                                  {"image": "data:image/png;base64,AA", "signer_name": "n" * 121}])
def test_signature_refuses_bodies_of_the_wrong_shape_with_400_json(tech1, admin, own_job, body):
    before = message_count(admin, own_job)
    response = tech1.post(f"/api/jobs/{own_job}/signature", json=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["success"] is False and payload["error"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert message_count(admin, own_job) == before


def test_signature_refuses_a_body_that_is_not_json(tech1, own_job):
    response = tech1.post(f"/api/jobs/{own_job}/signature", data="image=x",
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]


@pytest.mark.parametrize("url, field", [("notes", "note"), ("finish", "resolution")])
def test_text_over_the_limit_is_refused_and_kept(tech1, admin, own_job, url, field):
    before = message_count(admin, own_job)
    text = "é" * (MAX_TEXT_CHARS + 1)
    response = tech1.post(f"/jobs/{own_job}/{url}", data={field: text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "too long: 20,001 characters, at most 20,000" in html
    assert text in html  # what was typed stays in the form
    assert message_count(admin, own_job) == before
    assert not admin.read("fsm.order", [own_job], ["is_closed"])[0]["is_closed"]


def test_text_at_the_limit_is_accepted(tech1, own_job):
    response = tech1.post(f"/jobs/{own_job}/notes", data={"note": "x" * MAX_TEXT_CHARS})
    assert response.status_code == 302


def test_offline_page_names_fieldkit_once(client):
    html = client.get("/offline").get_data(as_text=True)
    assert "<title>Offline · Fieldkit</title>" in html


# --- a hung Odoo (item 5) -----------------------------------------------------------------------

@pytest.fixture
def read_timeouts(app):
    """The read timeout each Odoo call of the request waited (no clock: under load a
    wall-time bound flakes), with reads 0.5 s and writes 3 s."""
    app.config.update(ODOO_TIMEOUT=(1, 0.5), ODOO_WRITE_TIMEOUT=3)
    real_send = OdooAPI._send
    seen = []

    def spy(self, path, params, timeout=None, **kwargs):
        seen.append((timeout or self.timeout)[1])
        return real_send(self, path, params, timeout, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OdooAPI, "_send", spy)
        yield seen


def test_a_hung_odoo_fails_page_loads_at_the_read_timeout_and_says_odoo_is_not_answering(
        emulator, client, login, own_job, read_timeouts):
    login(client, "tech1")
    read_timeouts.clear()
    emulator.fail_next(1, mode="hang", hang_seconds=1.5)
    response = client.get(f"/jobs/{own_job}")
    assert response.status_code == 503
    assert read_timeouts and set(read_timeouts) == {0.5}  # the read timeout, not the write one
    html = response.get_data(as_text=True)
    assert "Odoo is not answering" in html and "signal" not in html


def test_a_slow_write_gets_the_longer_timeout(app, emulator, client, login, own_job):
    login(client, "tech1")
    app.config.update(ODOO_TIMEOUT=(1, 0.5), ODOO_WRITE_TIMEOUT=5)
    real_send = OdooAPI._send
    slow = []

    def odoo_slow_on_writes(self, path, params, timeout=None, **kwargs):
        if not path.endswith("/message_post"):
            return real_send(self, path, params, timeout, **kwargs)
        emulator.state.latency_ms = 1000  # longer than the read timeout
        try:
            slow.append(path)
            return real_send(self, path, params, timeout, **kwargs)
        finally:
            emulator.state.latency_ms = 0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OdooAPI, "_send", odoo_slow_on_writes)
        response = client.post(f"/jobs/{own_job}/notes", data={"note": "slow"})
    assert response.status_code == 302 and slow


def test_login_gives_up_at_the_read_timeout(emulator, client, read_timeouts):
    emulator.fail_next(1, mode="hang", hang_seconds=1.5)
    response = client.post("/login", data={"login": "tech1", "password": "tech1"})
    assert read_timeouts == [0.5]  # one call, waited as a read, given up
    assert "Odoo is not answering" in response.get_data(as_text=True)


def test_a_multipart_field_name_werkzeug_cannot_read_is_a_400_not_a_500(client):
    """Found by the fuzzer: a name with a line break became the key None, and Flask-WTF's
    CSRF check crashed on it before any view ran."""
    boundary = "fuzz"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"\n\"\r\n\r\n\r\n"
            f"--{boundary}--\r\n")
    for path in ("/login", "/jobs/1/notes", "/api/jobs/1/signature"):
        response = client.post(path, data=body.encode(),
                               content_type=f"multipart/form-data; boundary={boundary}")
        assert response.status_code == 400, path


# --- stage buttons (item 10) --------------------------------------------------------------------

def test_an_assigned_job_offers_the_way_forward_and_other_stages_behind_change_stage(
        tech1, admin, own_job):
    stages = {s["name"]: s["id"] for s in admin.search_read(
        "fsm.stage", [("stage_type", "=", "order")], ["name"])}
    admin.write("fsm.order", [own_job], {"stage_id": stages["Assigned"], "date_start": False})
    html = tech1.get(f"/jobs/{own_job}").get_data(as_text=True)
    assert "Move to Scheduled" not in html
    buttons = re.findall(r'<button[^>]*>([^<]+)</button>', html)
    assert "On my way" in buttons and "Start job" in buttons
    # The other stages sit behind one "Change stage" control (in the page's More group).
    change = re.search(r'<h3 id="stage-title">Change stage</h3>(.*?)</section>', html, re.S)
    assert change, "no Change stage control"
    offered = re.findall(r'<option value="\d+">([^<]+)</option>', change.group(1))
    assert "Scheduled" in offered and "Requested" in offered  # later and earlier ones
    assert "Assigned" not in offered and "Completed" not in offered
    response = tech1.post(f"/jobs/{own_job}/stage", data={"stage_id": stages["Scheduled"]})
    assert response.status_code == 302
    assert admin.read("fsm.order", [own_job], ["stage_id"])[0]["stage_id"][0] == \
        stages["Scheduled"]
