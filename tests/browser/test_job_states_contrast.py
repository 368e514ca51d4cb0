"""Text contrast of every look a job card can have (issue 10, defect 4): done and cancelled
today, urgent, overdue, started, open. `.job-card--closed` once faded cards with opacity .7,
dropping their text to about 3.1:1 (Lighthouse accessibility 96 on the list)."""
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

# The contrast of each visible text of an element, ancestors' opacity applied (contrast.js).
CONTRASTS = (Path(__file__).parent / "contrast.js").read_text()


def card_states(page):
    return page.eval_on_selector_all(".job-card", """cards => cards.map((c) => ({
        id: c.dataset.jobId,
        closed: c.classList.contains('job-card--closed'),
        stage: c.querySelector('.job-stage').dataset.stageState,
        urgent: /Urgent|High/.test(c.textContent),
        group: c.closest('[data-group]').dataset.group}))""")


def test_every_job_state_keeps_text_contrast(page, live_server, login_page):
    login_page(page, live_server, "tech1")
    states = card_states(page)
    seen = {s["stage"] for s in states} | {"urgent" for s in states if s["urgent"]} \
        | {"overdue" for s in states if s["group"] == "overdue"}
    # The demo data shows every look a card can have on a technician's list.
    assert {"done", "cancelled", "urgent", "overdue"} <= seen, seen
    low = []
    for card in page.query_selector_all(".job-card"):
        for item in card.evaluate(CONTRASTS):
            if item["ratio"] < 4.5:
                low.append((card.get_attribute("data-job-id"), item))
    assert not low, low


@pytest.fixture
def login_page():
    def do(page, base, user):
        page.goto(f"{base}/login")
        page.get_by_label("Login").fill(user)
        page.get_by_label("Password").fill(user)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/jobs/active")
    return do
