"""The job's checklist (issue 31) on the wire formats of 16 and 18 with OCA fieldservice_activity:
a technician without rights on fsm.activity (stock OCA) gets the to-do checklist and odoo-check
names the missing right; after `--fix`, ticks reach Odoo once through the outbox's idempotency
keys (each sent twice), a required step still open makes Odoo refuse "Finish job" with its own
message, and a step's photo goes to the history named after it. Without the add-on, the to-do's
ticks become one history note at finish."""
import logging
import re
import subprocess

import pytest

from app.services import checklists, odoo_check
from tests.integration.test_job_timer_oca import _use as use_addon_server
from tests.integration.test_job_timer_oca import uid_of
from tests.integration.test_jobs import make_png, rpc_count

ADDON = ["fieldservice_activity"]


@pytest.fixture(scope="module")
def servers(emulator_pool):
    taken = {}

    def get(version):
        if version not in taken:
            taken[version] = emulator_pool.take(version=version, addons=ADDON)
        return taken[version]
    yield get
    for handle in taken.values():
        emulator_pool.give_back(handle)


def _use(app, handle):
    """Point the app at `handle` with fresh data (test_job_timer_oca's), checklist caches too."""
    checklists.clear_cache()
    return use_addon_server(app, handle)


def boiler_job(handle, login="tech1"):
    """The technician's order made from the demo's "Boiler service" template."""
    data = handle.state.storage.data
    template = next(t for t, r in data["fsm.template"].items() if r["name"] == "Boiler service")
    partner = data["res.users"][uid_of(handle, login)]["partner_id"]
    person = next(p for p, r in data["fsm.person"].items() if r["partner_id"] == partner)
    return next(o for o, r in sorted(data["fsm.order"].items())
                if r.get("template_id") == template and r.get("person_id") == person)


def activities(handle, job):
    data = handle.state.storage.data["fsm.activity"]
    return [dict(r, id=a) for a, r in sorted(data.items()) if r.get("fsm_order_id") == job]


def notes_of(handle, job):
    return [m.get("body") or "" for m in handle.state.storage.data["mail.message"].values()
            if m.get("model") == "fsm.order" and m.get("res_id") == job]


def grant(handle):
    """odoo-check --fix with the administrator's consent: what it did on fsm.activity."""
    changes = odoo_check.fix(handle.url, "fieldkit", "admin", "admin", grant_activity_rights=True)
    return [c for c in changes if "fsm.activity" in c]


@pytest.mark.parametrize("version", [16, 18])
def test_the_report_of_a_technician_refused_the_steps_is_made_without_them(
        app, client, login, servers, version, caplog):
    """18: the order's web_read that nests the steps (and the report's history, site and
    customer) is refused; the order is read again without its nest and the rest after."""
    handle = _use(app, servers(version))
    job = boiler_job(handle)
    login(client, "tech1")
    caplog.set_level(logging.INFO, logger="app.services.jobs")
    response = client.get(f"/jobs/{job}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert ("read without" in caplog.text) == (version >= 17)


@pytest.mark.parametrize("version", [16, 18])
def test_technician_without_rights_gets_the_todo_checklist_and_odoo_check_names_the_right(
        app, client, login, servers, version):
    handle = _use(app, servers(version))
    job = boiler_job(handle)
    login(client, "tech1")
    page = client.get(f"/jobs/{job}")
    assert page.status_code == 200
    assert 'data-checklist="todo"' in page.text and "Inspect the unit" in page.text
    assert "/checklist/" not in page.text.split('id="checklist"')[1].split("</section>")[0] \
        .replace("/checklist/photo", "")   # no tick forms: only the photo form
    assert rpc_count(client.get(f"/jobs/{job}")) == 2   # the refusal is remembered
    report = odoo_check.check(handle.url, "fieldkit", "tech1", "tech1")
    finding = next(f for f in report.findings if f.subject == "checklist access")
    assert finding.status == "missing" and "fsm.activity" in finding.detail
    assert not report.ok
    # Odoo refuses the technician to complete any order (it reads the activities): said so
    finished = client.post(f"/jobs/{job}/finish", data={"resolution": "Serviced."})
    assert finished.status_code == 422 and "odoo-check --fix" in finished.text
    # the administrator is asked first: without consent nothing is granted
    assert odoo_check.activity_rights_needed(handle.url, "fieldkit", "admin", "admin")
    assert "fsm.activity" not in " ".join(odoo_check.fix(handle.url, "fieldkit", "admin",
                                                         "admin"))


@pytest.mark.parametrize("version", [16, 18])
def test_after_fix_ticks_reach_odoo_once_in_order_and_required_steps_block_finishing(
        app, client, login, servers, version):
    handle = _use(app, servers(version))
    changes = grant(handle)
    assert len(changes) == 3 and any("read and write on fsm.activity" in c for c in changes)
    assert grant(handle) == []   # nothing twice
    assert not odoo_check.activity_rights_needed(handle.url, "fieldkit", "admin", "admin")
    check = odoo_check.check(handle.url, "fieldkit", "tech1", "tech1")
    assert next(f for f in check.findings if f.subject == "checklist access").status == "ok"
    job = boiler_job(handle)
    steps = activities(handle, job)
    assert [s.get("sequence", 0) for s in steps] == [0] * 5   # not copied from the template
    login(client, "tech1")
    page = client.get(f"/jobs/{job}")
    assert page.status_code == 200 and 'data-checklist="activities"' in page.text
    assert "0/5 steps done" in page.text
    # warm caches: the activities come with the order, nested in web_read (18) or read in
    # parallel with it (16): one round trip, then the history
    assert rpc_count(client.get(f"/jobs/{job}")) == (3 if version <= 16 else 2)
    required = [s for s in steps if s["required"]]
    for step in required:   # the finish section links each required step still open
        assert f'href="/jobs/{job}#step-{step["id"]}"' in page.text
    # three ticks, each sent twice with the outbox's key: applied once, in order
    for n, step in enumerate(steps[:3]):
        headers = {"Idempotency-Key": f"tick-{version}-{n:04d}"}
        first = client.post(f"/jobs/{job}/checklist/{step['id']}", data={"do": "done"},
                            headers=headers)
        again = client.post(f"/jobs/{job}/checklist/{step['id']}", data={"do": "done"},
                            headers=headers)
        assert first.status_code == again.status_code == 302
        assert again.headers["Idempotent-Replayed"] == "true"
    done = activities(handle, job)[:3]
    tech = uid_of(handle, "tech1")
    assert [(s["state"], s["completed_by"]) for s in done] == [("done", tech)] * 3
    assert [s["completed_on"] for s in done] == sorted(s["completed_on"] for s in done)
    assert "3/5 steps done" in client.get(f"/jobs/{job}").text
    # a done step can't be changed from Fieldkit
    refused = client.post(f"/jobs/{job}/checklist/{steps[0]['id']}", data={"do": "cancel"})
    assert refused.status_code == 422 and "can no longer be changed" in refused.text
    # a step of another order is refused, never ticked
    other = next(a for a, r in handle.state.storage.data["fsm.activity"].items()
                 if r.get("fsm_order_id") and r["fsm_order_id"] != job)
    assert client.post(f"/jobs/{job}/checklist/{other}", data={"do": "done"}).status_code == 422
    # the last required step is still open: Odoo's own refusal, spaces normalised
    left = next(s for s in activities(handle, job) if s["required"] and s["state"] == "todo")
    finished = client.post(f"/jobs/{job}/finish", data={"resolution": "Serviced."})
    assert finished.status_code == 422
    assert (f"You must complete activity &#39;{left['name']}&#39; before completing this "
            "order.") in finished.text
    assert "Serviced." in finished.text   # what was typed is kept
    assert client.post(f"/jobs/{job}/checklist/{left['id']}", data={"do": "done"}).status_code \
        == 302
    assert client.post(f"/jobs/{job}/finish", data={"resolution": "Serviced."}).status_code == 302
    closed = handle.state.storage.data["fsm.order"][job]["stage_id"]
    assert handle.state.storage.data["fsm.stage"][closed]["is_closed"]


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True, timeout=30)
    return " ".join(done.stdout.decode().split())


def test_a_steps_photo_goes_to_the_history_named_after_it(app, client, login, servers):
    handle = _use(app, servers(18))
    grant(handle)
    job = boiler_job(handle)
    step = activities(handle, job)[4]
    login(client, "tech1")
    sent = client.post(f"/jobs/{job}/checklist/photo",
                       data={"step": f"a{step['id']}",
                             "photos": [(__import__("io").BytesIO(make_png()), "plate.png")]},
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    assert any(f"for “{step['name']}”" in body for body in notes_of(handle, job))
    page = client.get(f"/jobs/{job}").text
    item = page.split(f'id="step-{step["id"]}"')[1].split("</li>")[0]
    assert f'alt="Photo of {step["name"]}"' in item
    bad = client.post(f"/jobs/{job}/checklist/photo", data={"step": "a999999", "photos": [
        (__import__("io").BytesIO(make_png()), "x.png")]}, content_type="multipart/form-data")
    assert bad.status_code == 422
    # the service report lists every step with its state, time and photo
    first = activities(handle, job)[0]
    client.post(f"/jobs/{job}/checklist/{first['id']}", data={"do": "done"})
    client.post(f"/jobs/{job}/checklist/{activities(handle, job)[2]['id']}", data={"do": "cancel"})
    text = pdf_text(client.get(f"/jobs/{job}/report.pdf").data)
    assert "Checklist" in text
    assert re.search(rf"{first['name']} \(required\): Done, .+ by Tom Technician", text)
    assert "Clean the burner: Cancelled" in text
    assert "Test the gas pressure (required): To do" in text
    assert f"{step['name']}: To do (1 photo)" in text


@pytest.mark.parametrize("version", [16, 18])
def test_office_sees_the_progress_on_the_job_and_in_the_table(app, client, login, servers,
                                                               version):
    handle = _use(app, servers(version))
    job = boiler_job(handle)
    office = handle.state.env(uid_of(handle, "office"))
    first, second, third = activities(handle, job)[:3]
    office["fsm.activity"].action_done([first["id"]])
    office["fsm.activity"].action_done([second["id"]])
    office["fsm.activity"].action_cancel([third["id"]])
    handle.state.storage.commit()
    login(client, "office")
    page = client.get(f"/jobs/{job}")
    assert page.status_code == 200 and "2/4 steps done" in page.text   # the skipped one out
    name = handle.state.storage.data["fsm.order"][job]["name"]
    client.get(f"/jobs?q={name}")   # the configuration caches (stages, technicians)
    table = client.get(f"/jobs?q={name}")
    # the steps come with the orders: one web_search_read (orders, count and nested steps) on
    # 18; on 16 the same with a read_group of the activities' states beside it
    assert table.status_code == 200 and rpc_count(table) == (2 if version <= 16 else 1)
    row = table.text.split(f">{name}</a>")[1].split("</tr>")[0]
    assert "2/4 steps done" in row
    other = client.get("/jobs?status=open")
    assert other.status_code == 200 and rpc_count(other) <= 2 and "0/5 steps done" in other.text


def test_without_the_addon_the_todo_ticks_become_one_note_at_finish(app, client, login, fresh):
    checklists.clear_cache()
    data = fresh.state.storage.data
    partner = data["res.users"][uid_of(fresh, "tech1")]["partner_id"]
    person = next(p for p, r in data["fsm.person"].items() if r["partner_id"] == partner)
    closed = {s for s, r in data["fsm.stage"].items() if r.get("is_closed")}
    job = min(o for o, r in data["fsm.order"].items()
              if r.get("person_id") == person and r.get("stage_id") not in closed)
    login(client, "tech1")
    client.get(f"/jobs/{job}")   # cold: the stages and the add-on's detection once
    page = client.get(f"/jobs/{job}")
    assert 'data-checklist="todo"' in page.text and rpc_count(page) == 2
    assert re.search(r'data-todo-step="2"', page.text)
    finished = client.post(f"/jobs/{job}/finish", data={"resolution": "All good.",
                                                        "checklist": "0,2,77,x"})
    assert finished.status_code == 302
    note = next(b for b in notes_of(fresh, job) if "Checklist:" in b)
    assert ("Checklist: 2 of 3 done: ✓ Check in with the customer; ✓ Photograph the work; "
            "✗ Inspect the unit") in note
    text = pdf_text(client.get(f"/jobs/{job}/report.pdf").data)
    assert ("Checklist Check in with the customer: done Photograph the work: done "
            "Inspect the unit: not done") in text


def test_planning_shows_the_templates_steps(app, client, login, servers):
    handle = _use(app, servers(18))
    job = boiler_job(handle)
    login(client, "office")
    client.get(f"/jobs/{job}")   # a job page finds the add-on (planning never detects it)
    assign = client.get(f"/dispatch/jobs/{job}")
    assert assign.status_code == 200
    section = assign.text.split('id="steps-title"')[1].split("</section>")[0]
    assert "Boiler service" in section and section.count("<li>") == 5
    assert section.count("Required") == 3
    data = handle.state.storage.data
    safety = next(t for t, r in data["fsm.template"].items() if r["name"] == "Safety inspection")
    env = handle.state.env(uid_of(handle, "admin"), su=True)
    env["fsm.order"].create({"location_id": min(data["fsm.location"]), "template_id": safety})
    handle.state.storage.commit()
    plan = client.get("/dispatch")
    assert plan.status_code == 200
    # the unassigned pool's card names the template and its steps
    assert "Safety inspection: 4 steps, 2 required" in plan.text
    # every card's title lists them (the day timeline's cards are small)
    assert "Boiler service: Check the flue and ventilation, Test the gas pressure" in plan.text
