"""The audit trail during a technician's job on a phone: one `fieldkit.audit` line per action
(each state-changing request the browser sends), naming who, the company, the action, the job
and the outcome, with no secrets in it."""
import logging
import re

import pytest

from tests.browser.test_jobs_flow import open_first_job_of_today, sign_on_the_pad

pytestmark = pytest.mark.browser

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def test_one_audit_line_per_action_of_a_job_walk(page, live_server, fresh, caplog):
    caplog.set_level(logging.INFO, logger="fieldkit.audit")
    actions = []
    page.on("request", lambda r: actions.append(r.url) if r.method in UNSAFE
            and r.url.startswith(live_server) else None)

    job_url = open_first_job_of_today(page, live_server)
    job_id = re.search(r"/jobs/(\d+)$", job_url).group(1)
    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started.").wait_for()
    page.fill("#note-text", "Filter replaced")
    page.get_by_role("button", name="Post note").click()
    page.locator(".banner", has_text="Note added.").wait_for()
    sign_on_the_pad(page, "Ann Customer")
    page.goto(job_url)
    page.fill("#resolution", "Done and tested")
    page.get_by_role("button", name="Finish job").click()
    page.locator(".banner", has_text="Job finished").wait_for()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")

    records = [r for r in caplog.records if r.name == "fieldkit.audit"]
    # The outbox may send an action twice (the page and the service worker's Background Sync
    # both flush): the repeat is answered from the kept answer and audited as a duplicate.
    firsts = [r.fields for r in records if r.fields["outcome"] != "duplicate"]
    repeats = [r.fields for r in records if r.fields["outcome"] == "duplicate"]
    assert len(firsts) == len(actions) == 5, (actions, [r.getMessage() for r in records])
    assert {f["idempotency_key"] for f in repeats} <= {f["idempotency_key"] for f in firsts}
    by_action = {fields["action"]: fields for fields in firsts}
    assert by_action["auth.login"]["user"] == "tech1"
    for action in ("jobs.start", "jobs.notes", "jobs.signature", "jobs.finish"):
        fields = by_action[action]
        assert fields["user"] == "tech1" and fields["company_id"]
        assert fields["model"] == "fsm.order" and fields["record"] == job_id, fields
        assert fields["outcome"] == "ok", fields
        assert fields["client"] == "127.0.0.1" and fields["request_id"]
    text = "\n".join(r.getMessage() + repr(r.fields) for r in records)
    for secret in (cookies["fieldkit_session"], csrf, "data:image", "password",
                   "Filter replaced", "Ann Customer"):
        assert secret not in text
