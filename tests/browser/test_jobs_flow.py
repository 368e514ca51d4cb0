"""A technician's job on a phone: open today's first job, start it, note, signature, finish,
and the history shows it all, authored by that technician; the operator's audit trail has one
line per action of the walk, with no secrets in it."""

import logging
import re

import pytest

pytestmark = pytest.mark.browser


def draw_signature(page, canvas):
    box = canvas.bounding_box()
    x0, y0 = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(x0 + i * (box["width"] - 40) / 24, y0 + (18 if i % 2 else -18), steps=2)
    page.mouse.up()


def open_first_job_of_today(page, base, login="tech1"):
    """Log in on the phone page and open the first of today's jobs; returns its URL."""
    page.goto(f"{base}/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', login)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{base}/jobs/active")
    page.locator('[data-group="today"] .job-card__link').first.click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))
    return page.url


def open_group(page, key):
    """Open a group of the job page (About the job, Work, Finish, More) as a person does."""
    group = page.locator(f"#group-{key}")
    if group.get_attribute("open") is None:
        group.locator("> summary").click()


def sign_on_the_pad(page, signer):
    """Type the signer's name, draw a signature and save it; returns when it says saved."""
    pad = page.locator("[data-signature-pad]")
    pad.locator('input[name="signer_name"]').fill(signer)
    canvas = pad.locator("canvas")
    canvas.scroll_into_view_if_needed()
    draw_signature(page, canvas)
    pad.locator('[data-action="save"]').click()
    page.wait_for_function(
        "() => /saved/i.test("
        "document.querySelector('[data-signature-pad] [data-status]').textContent)")


def test_technician_day_on_a_phone(page, live_server, fresh, caplog):
    caplog.set_level(logging.INFO, logger="fieldkit.audit")
    actions = []
    page.on("request", lambda r: actions.append(r.url) if r.method in UNSAFE
            and r.url.startswith(live_server) else None)
    job_url = open_first_job_of_today(page, live_server)
    assert page.viewport_size == {"width": 390, "height": 844}
    me = page.locator(".usermenu__panel strong").first.text_content().strip()

    page.get_by_role("button", name="Start job").click()
    page.locator(".banner", has_text="Job started.").wait_for()

    page.fill("#note-text", "Compressor bearings worn, replaced")
    page.get_by_role("button", name="Post note").click()
    page.locator(".banner", has_text="Note added.").wait_for()

    sign_on_the_pad(page, "Ann Customer")
    # the stored signature is shown at once, loaded from storage, without a reload
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-signature-image]');"
        " return img && img.complete && img.naturalWidth > 0; }")

    page.goto(job_url)
    page.fill("#resolution", "Replaced the compressor bearings; running quietly")
    page.get_by_role("button", name="Finish job").click()
    page.locator(".banner", has_text="Job finished").wait_for()

    history = page.locator(".history__item")
    texts = history.all_text_contents()
    joined = "\n".join(texts)
    assert "Compressor bearings worn, replaced" in joined
    assert "Signed by Ann Customer" in joined
    assert re.search(r"Stage:.*(Completed|Done)", joined, re.S)
    authors = [a.strip() for a in history.locator(".history__author").all_text_contents()]
    markers = ("Compressor bearings", "Signed by Ann", "Completed")
    ours = [
        (author, text)
        for author, text in zip(authors, texts, strict=True)
        if any(m in text for m in markers)
    ]
    assert len(ours) >= 3
    assert all(author == me for author, _ in ours), ours
    assert page.locator("[data-signature-image]").count() == 1
    check_audit_trail(page, caplog, actions, re.search(r"/jobs/(\d+)$", job_url).group(1))


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def check_audit_trail(page, caplog, actions, job_id):
    """One `fieldkit.audit` line per action the page sent (login, start, note, signature,
    finish), naming tech1, the company, the job and the outcome; nothing secret or typed."""
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
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    text = "\n".join(r.getMessage() + repr(r.fields) for r in records)
    for secret in (cookies["fieldkit_session"], csrf, "data:image", "password",
                   "Compressor bearings", "Ann Customer"):
        assert secret not in text
