"""Finishing a signed job attaches the signed report to the order and has Odoo email it to the
customer (issue 24, item 4): the finish message says what Odoo did with the email (queued,
sent, or failed with Odoo's reason), on every version; EMAIL_REPORT_AT_FINISH off attaches
only; an unsigned job gets no report; the board's and the outbox's finish do the same."""
import base64

import pytest

from tests.conftest import clear_config_caches
from tests.integration.test_job_timer import open_job
from tests.integration.test_service_report import signature_png


def sign(client, job):
    signed = client.post(f"/api/jobs/{job}/signature", json={
        "image": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        "signer_name": "Dana Customer"})
    assert signed.status_code == 200, signed.text


def finish(client, job, **headers):
    response = client.post(f"/jobs/{job}/finish", data={"resolution": "Replaced the valve."},
                           headers=headers)
    assert response.status_code == 302, response.text
    return client.get(f"/jobs/{job}").text


def reports_on(emulator, job):
    return [a_id for a_id, a in emulator.state.storage.data["ir.attachment"].items()
            if a.get("res_model") == "fsm.order" and a.get("res_id") == job
            and a.get("name", "").startswith("Service report")]


def mails_with(emulator, attachment_id):
    data = emulator.state.storage.data
    return [m for m in data["mail.mail"].values()
            if attachment_id in (data["mail.message"][m["mail_message_id"]].get("attachment_ids")
                                 or [])]


@pytest.fixture
def on_version(make_emulator, app):
    def start(version):
        handle = make_emulator(version=version)
        app.config["ODOO_URL"] = handle.url
        clear_config_caches()
        return handle
    return start


@pytest.mark.parametrize("version", (15, 16, 17, 18, 19))
def test_finishing_a_signed_job_attaches_and_queues_the_email(on_version, app, login, version):
    emulator = on_version(version)
    emulator.set_mail_server("queue")
    client = app.test_client()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    sign(client, job)
    page = finish(client, job)
    assert "Job finished" in page
    assert "The email to the customer is queued in Odoo" in page
    [attachment] = reports_on(emulator, job)
    [mail] = mails_with(emulator, attachment)
    assert mail["state"] == "outgoing"


@pytest.mark.parametrize("mode, says", (
        ("sent", "Odoo emailed it to the customer."),
        ("refused", "The email to the customer failed: Odoo&#39;s outgoing mail server refused "
                    "it; 111 Connection refused.")))
def test_the_finish_message_says_what_odoo_did(on_version, app, login, mode, says):
    emulator = on_version(17)
    emulator.set_mail_server(mode)
    client = app.test_client()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    sign(client, job)
    page = finish(client, job)
    assert says in page
    assert "sent to the customer" not in page
    assert len(reports_on(emulator, job)) == 1


def test_without_the_email_setting_the_report_is_attached_only(on_version, app, login):
    emulator = on_version(18)
    emulator.set_mail_server("queue")
    app.config["EMAIL_REPORT_AT_FINISH"] = False
    client = app.test_client()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    sign(client, job)
    page = finish(client, job)
    assert "Report attached to the order." in page and "email" not in page.split(
        "Report attached to the order.")[1][:40]
    [attachment] = reports_on(emulator, job)
    assert mails_with(emulator, attachment) == []


def test_an_unsigned_job_gets_no_report(on_version, app, login):
    emulator = on_version(16)
    client = app.test_client()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    page = finish(client, job)
    assert "Job finished" in page and "Report attached" not in page
    assert reports_on(emulator, job) == []


def test_the_outbox_finish_attaches_too(on_version, app, login):
    # The outbox replays the same POST with an Idempotency-Key (static/js/outbox.js).
    emulator = on_version(17)
    emulator.set_mail_server("queue")
    client = app.test_client()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    sign(client, job)
    finish(client, job, **{"Idempotency-Key": "finish-" + str(job)})
    [attachment] = reports_on(emulator, job)
    assert len(mails_with(emulator, attachment)) == 1


def test_the_finish_sends_the_reports_parts_with_the_order(on_version, app, login, round_trips,
                                                         monkeypatch):
    """The finish's own read of the order takes its reference too: the signed report's parts
    (found by it) then go out with the order's read, one round trip, for a job whose
    reference nobody had seen on this server (the job page does not read the parts)."""
    from app.platform.ttl_cache import TTLCache
    from app.services import report
    from app.services.inventory import parts

    monkeypatch.setattr(parts, "_job_names", TTLCache(3600))  # no reference known yet
    emulator = on_version(17)
    client = app.test_client()
    login(client, "tech1")
    job = open_job(emulator, "tech1")
    sign(client, job)
    assert client.get(f"/jobs/{job}").status_code == 200  # what the page knows: cached
    made, rounds = report.report_data, []

    def counted(*args, **kwargs):
        before = round_trips["n"]
        job = made(*args, **kwargs)
        rounds.append(round_trips["n"] - before)
        return job

    monkeypatch.setattr(report, "report_data", counted)
    assert "Job finished" in finish(client, job)
    assert rounds == [1]
    assert reports_on(emulator, job)
