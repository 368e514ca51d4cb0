"""The audit trail's fields for what is not a smooth walk: refusals, failures, repeats,
logout, and requests that are not actions."""
import logging
import re

import pytest


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="fieldkit.audit")

    def lines():
        return [r.fields for r in caplog.records if r.name == "fieldkit.audit"]
    return lines


def first_job(client):
    page = client.get("/jobs/active").get_data(as_text=True)
    return int(re.search(r'href="/jobs/(\d+)"', page).group(1))


def test_reads_are_not_actions(client, login, audit, fresh):
    login(client, "tech1")
    before = len(audit())
    client.get("/jobs/active")
    assert len(audit()) == before


def test_an_odoo_write_is_the_record(client, login, audit, fresh):
    login(client, "tech1")
    job = first_job(client)
    client.post(f"/jobs/{job}/notes", data={"note": "Checked"},
                headers={"Idempotency-Key": "audit-key-000001"})
    line = audit()[-1]
    assert (line["action"], line["model"], line["record"], line["outcome"]) == (
        "jobs.notes", "fsm.order", str(job), "ok")
    assert line["idempotency_key"] == "audit-key-000001"
    assert line["user"] == "tech1" and line["company_id"] == 1


def test_a_refused_csrf_and_an_anonymous_post(client, login, audit, fresh):
    login(client, "tech1")
    job = first_job(client)
    assert client.post(f"/jobs/{job}/notes", data={"note": "x"}, csrf=False).status_code == 400
    line = audit()[-1]
    assert (line["action"], line["outcome"], line["status"], line["model"]) == (
        "jobs.notes", "refused", 400, "")
    assert line["record"] == str(job)  # from the URL: nothing was written


def test_odoo_down_is_a_failure(client, login, audit, fresh):
    login(client, "tech1")
    job = first_job(client)
    fresh.fail_next(5, mode="502")
    response = client.post(f"/jobs/{job}/start")
    fresh.fail_next(0)
    line = audit()[-1]
    assert line["action"] == "jobs.start"
    assert line["outcome"] == "failed", (response.status_code, line)


def test_logout_names_who_left(client, login, audit, fresh):
    login(client, "tech1")
    client.post("/logout")
    line = audit()[-1]
    assert (line["action"], line["user"], line["outcome"]) == ("auth.logout", "tech1", "ok")


def test_a_wrong_password_is_audited_without_the_login_typed(client, audit, fresh):
    client.post("/login", data={"login": "tech1", "password": "not-the-password"})
    line = audit()[-1]
    assert (line["action"], line["user"], line["status"], line["outcome"]) == (
        "auth.login", "", 200, "refused")
    assert "tech1" not in repr(line) and "not-the-password" not in repr(line)
