"""The job timer (issue 19): start, pause, resume, stop across a reload and an app restart (the
shared store holds it, not the phone), and the time written to Odoo as the technician: a
timesheet line on the order's project (tech1 has an employee), else a note (tech2 has none)."""
import pytest

from app import create_app
from app.config import TestConfig
from app.services import timer


@pytest.fixture(scope="module")
def project_emulator(emulator_pool):
    """Odoo with OCA fieldservice_project: orders belong to a project."""
    with emulator_pool.lease(version=16, fieldservice_project=True) as handle:
        yield handle


@pytest.fixture
def fresh(app, project_emulator):
    project_emulator.reset()
    timer.clear_cache()
    app.config["ODOO_URL"] = project_emulator.url
    return project_emulator


def open_job(emulator, login):
    data = emulator.state.storage.data
    uid = next(u for u, r in data["res.users"].items() if r["login"] == login)
    partner = data["res.users"][uid]["partner_id"]
    person = next(p for p, r in data["fsm.person"].items() if r["partner_id"] == partner)
    closed = {s for s, r in data["fsm.stage"].items() if r.get("is_closed")}
    return min(o for o, r in data["fsm.order"].items()
               if r.get("person_id") == person and r.get("stage_id") not in closed)


def press(client, job, action):
    return client.post(f"/jobs/{job}/timer", data={"do": action})


def test_timer_survives_reload_and_restart_and_logs_a_timesheet(app, client, login, fresh,
                                                                  clock):
    login(client, "tech1")
    job = open_job(fresh, "tech1")
    page = client.get(f"/jobs/{job}")
    # One clock (issue 27): no timer of its own on a job not started; starting the job starts it
    assert 'value="start"' not in page.text and "Starts when you start the job" in page.text
    started = client.post(f"/jobs/{job}/start")
    assert started.status_code == 302
    assert "Job started. Timer started." in client.get(f"/jobs/{job}").text
    clock["t"] += 1800
    assert "Timer running: 0:30:00" in client.get("/jobs/active").text   # on the job list
    page = client.get(f"/jobs/{job}")   # a reload: the server's time, running
    assert "0:30:00" in page.text and "data-timer-running" in page.text
    assert press(client, job, "pause").status_code == 302
    clock["t"] += 600                   # paused time does not count
    # An app restart: a new app on the same store file and the same browser session.
    restarted = create_app(TestConfig)
    restarted.config.update(app.config)
    restarted.test_client_class = type(client)
    again = restarted.test_client()
    again.set_cookie(app.config["SESSION_COOKIE_NAME"],
                     client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    page = again.get(f"/jobs/{job}")
    assert "0:30:00" in page.text and 'value="resume"' in page.text
    assert press(again, job, "resume").status_code == 302
    clock["t"] += 900
    assert press(again, job, "pause").status_code == 302
    assert press(again, job, "pause").status_code == 422   # not running
    assert press(again, job, "resume").status_code == 302
    stopped = press(again, job, "stop")
    assert stopped.status_code == 302
    assert "0 h 45 min written to the timesheet" in again.get(f"/jobs/{job}").text
    lines = list(fresh.state.storage.data["account.analytic.line"].values())
    assert len(lines) == 1
    tech1 = next(u for u, r in fresh.state.storage.data["res.users"].items()
                 if r["login"] == "tech1")
    assert lines[0]["unit_amount"] == 0.75 and lines[0]["user_id"] == tech1
    assert lines[0]["create_uid"] == tech1 and lines[0]["employee_id"]
    assert lines[0]["project_id"] == fresh.state.storage.data["fsm.order"][job]["project_id"]
    assert 'value="start"' in again.get(f"/jobs/{job}").text   # idle again (the job is started)


def test_without_timesheets_the_time_is_a_note_and_finish_stops_the_timer(client, login, fresh,
                                                                         clock):
    login(client, "tech2")              # no employee: Odoo refuses their timesheet lines
    job = open_job(fresh, "tech2")
    press(client, job, "start")
    clock["t"] += 3 * 3600 + 7 * 60
    done = client.post(f"/jobs/{job}/finish", data={"resolution": "Replaced the filter."})
    assert done.status_code == 302
    page = client.get(f"/jobs/{job}")
    assert "3 h 07 min noted on the job" in page.text
    assert not fresh.state.storage.data["account.analytic.line"]
    notes = [m for m in fresh.state.storage.data["mail.message"].values()
             if m.get("model") == "fsm.order" and m.get("res_id") == job]
    assert any("Time worked on site: 3 h 07 min" in (m.get("body") or "") for m in notes)
    assert "Stop and log time" not in page.text


def test_timer_refusals(client, login, fresh, clock):
    login(client, "tech1")
    job = open_job(fresh, "tech1")
    assert press(client, job, "stop").status_code == 422
    assert press(client, job, "dance").status_code == 422
    press(client, job, "start")
    refused = press(client, job, "start")
    assert refused.status_code == 422 and "already running" in refused.text
    other = open_job(fresh, "tech2")
    assert press(client, other, "start").status_code == 403


def test_without_fieldservice_project_the_time_is_a_note(client, login, emulator, clock):
    emulator.reset()
    timer.clear_cache()
    login(client, "tech1")             # has an employee, but the order has no project
    job = open_job(emulator, "tech1")
    press(client, job, "start")
    clock["t"] += 20 * 60
    press(client, job, "stop")
    assert "0 h 20 min noted on the job" in client.get(f"/jobs/{job}").text
    assert not emulator.state.storage.data["account.analytic.line"]


def test_the_timer_never_runs_on_a_job_not_started(client, login, fresh, clock):
    """An old page (or a queued offline press) starting the timer starts the job with it."""
    login(client, "tech1")
    job = open_job(fresh, "tech1")
    order = fresh.state.storage.data["fsm.order"][job]
    assert not order.get("date_start")
    assert press(client, job, "start").status_code == 302
    assert fresh.state.storage.data["fsm.order"][job].get("date_start")
    page = client.get(f"/jobs/{job}").text
    assert "Job started. Timer started." in page and "data-timer-running" in page
    client.post(f"/jobs/{job}/finish", data={"resolution": "Done."})
    assert "data-timer-running" not in client.get(f"/jobs/{job}").text  # finishing stops it
