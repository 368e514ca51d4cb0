"""The job timer with OCA's field-service add-ons (issue 19 item 1), on the wire formats of the
versions each exists for: fieldservice_account_analytic on 16 (the line names the order and Odoo
takes the location's analytic account), fieldservice_timesheet on 18 (the line names the order
and goes on its project; the order lists its lines, the job page shows their total). Refusals
fall back to a note with Odoo's reason. Also the finish check "signature collected" (a value
written into x_signature_url that Fieldkit did not bind to the job is no signature)."""
import pytest

from app.services import jobs as jobs_service
from app.services import timer
from odoo_emulator.models.oca_fieldservice import NO_LOCATION_ACCOUNT
from odoo_emulator.models.timesheet import NO_EMPLOYEE
from tests.integration.test_job_timer import open_job, press
from tests.integration.test_jobs import data_url, make_png, rpc_count


@pytest.fixture(scope="module")
def analytic16(emulator_pool):
    with emulator_pool.lease(version=16, addons=["fieldservice_account_analytic"]) as handle:
        yield handle


@pytest.fixture(scope="module")
def timesheet18(emulator_pool):
    with emulator_pool.lease(version=18, addons=["fieldservice_timesheet"]) as handle:
        yield handle


def _use(app, handle):
    handle.reset()
    timer.clear_cache()
    jobs_service.clear_stage_cache()
    app.config["ODOO_URL"] = handle.url
    return handle


def uid_of(handle, login):
    return next(u for u, r in handle.state.storage.data["res.users"].items()
                if r["login"] == login)


def notes_of(handle, job):
    return " ".join(m.get("body") or "" for m in handle.state.storage.data["mail.message"].values()
                    if m.get("model") == "fsm.order" and m.get("res_id") == job)


def run_timer(client, job, clock, minutes):
    assert press(client, job, "start").status_code == 302
    clock["t"] += minutes * 60
    assert press(client, job, "stop").status_code == 302


def test_16_account_analytic_links_the_order_and_takes_the_locations_account(
        app, client, login, analytic16, clock):
    odoo = _use(app, analytic16)
    data = odoo.state.storage.data
    login(client, "tech1")
    job = open_job(odoo, "tech1")
    run_timer(client, job, clock, 45)
    assert "0 h 45 min written to the timesheet" in client.get(f"/jobs/{job}").text
    (line,) = data["account.analytic.line"].values()
    location = data["fsm.location"][data["fsm.order"][job]["location_id"]]
    tech1 = uid_of(odoo, "tech1")
    assert line["fsm_order_id"] == job and line["unit_amount"] == 0.75
    assert line["account_id"] == location["analytic_account_id"]
    assert line["user_id"] == tech1 and line["create_uid"] == tech1
    assert not line.get("project_id")      # no fieldservice_project: a plain analytic line


def test_16_a_location_without_analytic_account_falls_back_to_a_note(
        app, client, login, analytic16, clock):
    odoo = _use(app, analytic16)
    data = odoo.state.storage.data
    login(client, "tech1")
    job = open_job(odoo, "tech1")
    odoo.state.env(1, su=True)["fsm.location"]._write_one(
        data["fsm.order"][job]["location_id"], {"analytic_account_id": False})
    run_timer(client, job, clock, 20)
    page = client.get(f"/jobs/{job}").text
    assert "0 h 20 min noted on the job" in page
    assert NO_LOCATION_ACCOUNT.replace("'", "&#39;") in page
    assert not data["account.analytic.line"]
    assert "Time worked on site: 0 h 20 min" in notes_of(odoo, job)
    assert "No analytic account set" in notes_of(odoo, job)


def test_18_timesheet_line_names_the_order_and_the_page_shows_the_total(
        app, client, login, timesheet18, clock):
    odoo = _use(app, timesheet18)
    data = odoo.state.storage.data
    login(client, "tech1")
    job = open_job(odoo, "tech1")
    run_timer(client, job, clock, 45)
    run_timer(client, job, clock, 30)
    lines = data["account.analytic.line"]
    first, second = (lines[rid] for rid in sorted(lines))
    tech1 = uid_of(odoo, "tech1")
    for line in (first, second):
        assert line["fsm_order_id"] == job and line["project_id"] == data["fsm.order"][job][
            "project_id"]
        assert line["user_id"] == tech1 and line["create_uid"] == tech1 and line["employee_id"]
    assert (first["unit_amount"], second["unit_amount"]) == (0.75, 0.5)
    client.get("/jobs/active")   # warms the stage cache, as a technician's day does
    client.get(f"/jobs/{job}")   # and the checklist add-on's detection (once per server)
    page = client.get(f"/jobs/{job}")
    assert "Logged on this job in Odoo: <strong>1 h 15 min</strong>" in page.text
    assert rpc_count(page) <= 2   # the lines' hours come in the order's own read (web_read)


def test_18_without_an_employee_the_time_is_a_note_with_odoos_reason(
        app, client, login, timesheet18, clock):
    odoo = _use(app, timesheet18)
    login(client, "tech2")
    job = open_job(odoo, "tech2")
    run_timer(client, job, clock, 90)
    page = client.get(f"/jobs/{job}").text
    assert "1 h 30 min noted on the job" in page and NO_EMPLOYEE in page
    assert not odoo.state.storage.data["account.analytic.line"]
    assert "Logged on this job in Odoo: <strong>0 h 00 min</strong>" in page
    assert NO_EMPLOYEE in notes_of(odoo, job)


def test_a_forged_signature_neither_passes_the_check_nor_finishes_the_job(
        app, client, login, timesheet18):
    """Review defect: the check only tested that x_signature_url was set."""
    odoo = _use(app, timesheet18)
    mine, theirs = open_job(odoo, "tech1"), open_job(odoo, "tech2")
    odoo.state.env(1, su=True)["fsm.order"]._write_one(mine, {"require_signature": True})
    login(client, "tech2")
    client.post(f"/api/jobs/{theirs}/signature", json={"image": data_url(make_png())})
    theirs_ref = odoo.state.storage.data["fsm.order"][theirs]["x_signature_url"]
    assert theirs_ref
    client.post("/logout")
    login(client, "tech1")
    for forged in (theirs_ref, "https://example.com/sig.png"):
        odoo.state.env(1, su=True)["fsm.order"]._write_one(mine, {"x_signature_url": forged})
        page = client.get(f"/jobs/{mine}").text
        assert "(collect it below first)" in page
        refused = client.post(f"/jobs/{mine}/finish", data={"resolution": "Fixed."})
        assert refused.status_code == 422 and "requires the customer" in refused.text
    signed = client.post(f"/api/jobs/{mine}/signature", json={"image": data_url(make_png())})
    assert signed.status_code == 200
    assert "(collect it below first)" not in client.get(f"/jobs/{mine}").text
    assert client.post(f"/jobs/{mine}/finish", data={"resolution": "Fixed."}).status_code == 302
