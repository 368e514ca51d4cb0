"""Dispatch in Chromium: an office user assigns a job and the technician's open list shows it
within 5 s without a reload (one app instance, and two instances sharing one Redis); the jobs
board moves a card by mouse and by keyboard, and the move stays after a reload."""

import contextlib
import re
import time

import pytest

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from tests.conftest import serving

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}




def log_in(page, base, login):
    page.goto(f"{base}/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', login)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def admin_api(url):
    api = OdooAPI(url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def make_instance(fresh, tmp_path, redis_url=None):
    instance = create_app(TestConfig)
    instance.config.update(ODOO_URL=fresh.url, LIVE_INTERVAL=1,
                           STORAGE_LOCAL_DIR=str(tmp_path / "storage"))
    if redis_url:
        instance.config["REDIS_URL"] = redis_url
    else:
        instance.config["STORE_PATH"] = str(tmp_path / "store.sqlite3")
    return instance


@pytest.mark.parametrize("setup", ["one instance", "two instances, one Redis"])
def test_assignment_reaches_the_technicians_list_without_reload(browser, fresh, tmp_path,
                                                                request, setup):
    redis_url = request.getfixturevalue("redis_url") if "Redis" in setup else None
    office_app = make_instance(fresh, tmp_path, redis_url)
    tech_app = make_instance(fresh, tmp_path, redis_url) if redis_url else office_app
    api = admin_api(fresh.url)
    job = api.search_read("fsm.order", [("person_id", "=", False), ("is_closed", "=", False)],
                          ["name"], limit=1, order="id")[0]
    with serving(office_app) as office_url, serving(tech_app) as tech_url:
        office_ctx = browser.new_context(viewport=DESKTOP)
        tech_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                       has_touch=True)
        try:
            office, tech = office_ctx.new_page(), tech_ctx.new_page()
            log_in(tech, tech_url, "tech1")
            tech.goto(f"{tech_url}/jobs/active")
            assert job["name"] not in tech.content()
            tech.evaluate("window.__sameDocument = true")

            log_in(office, office_url, "office")
            office.goto(f"{office_url}/dispatch")
            office.locator(f'.plan-pool [data-id="{job["id"]}"] a').click()
            office.wait_for_url(re.compile(r"/dispatch/jobs/\d+"))
            office.select_option("#person_id", label="Tom Technician")
            office.get_by_role("button", name="Save").click()
            office.locator(".banner", has_text="assigned to Tom Technician").wait_for()
            # live updates bring it within the wait (a reload would lose __sameDocument)
            tech.locator(f'[data-job-id="{job["id"]}"]').wait_for(timeout=5000)
            assert tech.evaluate("window.__sameDocument") is True  # no reload happened
        finally:
            office_ctx.close()
            tech_ctx.close()


def test_board_drag_by_mouse_and_keyboard_stays_after_reload(browser, fresh, app, live_server):
    app.config["LIVE_INTERVAL"] = 1
    api = admin_api(fresh.url)
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        log_in(page, live_server, "office")
        page.goto(f"{live_server}/jobs/board")
        columns = page.locator("[data-dropzone]")
        kinds = [columns.nth(i).get_attribute("data-kind") for i in range(columns.count())]
        # A column with a movable card and two open columns after it (mouse, then keyboard).
        source = next(i for i in range(columns.count() - 2)
                      if columns.nth(i).locator("[data-draggable][tabindex]").count()
                      and kinds[i + 1] == kinds[i + 2] == "open")
        card = columns.nth(source).locator("[data-draggable][tabindex]").first
        job_id = int(card.get_attribute("data-id"))
        target = columns.nth(source + 1)
        target_stage = int(target.get_attribute("data-value"))
        assert target.get_attribute("data-kind") == "open"

        box, goal = card.bounding_box(), target.bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + 15)
        page.mouse.down()
        page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 30, steps=12)
        page.mouse.up()
        page.locator("[data-announce]", has_text="Stage set to").wait_for(state="attached")
        assert api.read("fsm.order", [job_id], ["stage_id"])[0]["stage_id"][0] == target_stage
        page.reload()
        moved = page.locator(f'[data-dropzone][data-value="{target_stage}"] '
                             f'[data-id="{job_id}"]')
        assert moved.count() == 1

        # The keyboard: pick up, one column to the right, drop.
        next_stage = int(page.locator("[data-dropzone]").nth(source + 2)
                         .get_attribute("data-value"))
        moved.focus()
        page.keyboard.press("Space")
        page.locator("[data-announce]", has_text="picked up").wait_for(state="attached")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "id => document.querySelector(`[data-id=\"${id}\"]`) &&"
            " !document.querySelector(`[data-id=\"${id}\"][aria-busy]`)", arg=str(job_id))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and api.read(
                "fsm.order", [job_id], ["stage_id"])[0]["stage_id"][0] != next_stage:
            time.sleep(0.1)
        assert api.read("fsm.order", [job_id], ["stage_id"])[0]["stage_id"][0] == next_stage
        page.reload()
        assert page.locator(f'[data-dropzone][data-value="{next_stage}"] '
                            f'[data-id="{job_id}"]').count() == 1
    finally:
        context.close()


@contextlib.contextmanager
def logged_in_page(browser, base, path, login, **context_options):
    """A page of `path` in a browser context of its own, logged in as `login`, closed
    afterwards."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        log_in(page, base, login)
        page.goto(f"{base}{path}")
        yield page
    finally:
        context.close()


def office_page(browser, base, path):
    """A desktop page of `path`, logged in as the office user, closed afterwards."""
    return logged_in_page(browser, base, path, "office", viewport=DESKTOP)


def phone_page(browser, base, path, login):
    """A phone's page (390x844, touch) of `path`, logged in as `login`, closed afterwards."""
    return logged_in_page(browser, base, path, login, viewport=PHONE, is_mobile=True,
                          has_touch=True)


def zone_of(page, job_id):
    """Where a card is: its zone's data-value and its index among that zone's cards."""
    return page.evaluate("""id => { const card = document.querySelector(`[data-id="${id}"]`);
        const zone = card.closest('[data-dropzone]');
        return [zone.getAttribute('data-value'),
                [...zone.querySelectorAll('[data-draggable]')].indexOf(card)]; }""", job_id)


def test_dispatch_timeline_drag_and_keyboard_cancel(browser, fresh, live_server):
    """Dispatch's day view: cards sit on the timeline (a grid placed by the server); the
    keyboard carries a card to a lane and Escape, or leaving the card, puts it back without a
    write; a mouse drop on a lane assigns the job at the time where the card's left edge lies."""
    api = admin_api(fresh.url)
    with office_page(browser, live_server, "/dispatch") as page:
        assert page.locator(".dispatch-lanes.is-timeline").count() == 1
        placed = page.locator(".lane__cell .plan-card")
        assert placed.count() > 0  # on a grid of quarter hours (css/timeline.css), no script
        assert placed.first.evaluate("el => getComputedStyle(el).gridColumnStart") != "auto"

        card = page.locator(".plan-pool [data-draggable][tabindex]").first
        job_id = card.get_attribute("data-id")
        home = zone_of(page, job_id)
        assert home[0] == ""  # the unassigned pool
        written = api.read("fsm.order", [int(job_id)], ["person_id", "scheduled_date_start"])
        for leave in ("Escape", "Tab"):
            card.focus()
            page.keyboard.press("Space")
            page.keyboard.press("ArrowRight")
            assert zone_of(page, job_id)[0] != ""  # the card travels with the arrow key
            page.keyboard.press(leave)
            page.locator("[data-announce]", has_text="Move cancelled").wait_for(state="attached")
            page.wait_for_function("() => !document.querySelector('[data-picked]')")
            assert zone_of(page, job_id) == home
            page.locator("[data-announce]").evaluate("el => { el.textContent = ''; }")
        assert api.read("fsm.order", [int(job_id)],
                        ["person_id", "scheduled_date_start"]) == written

        # The mouse: the card held 20 px from its left edge, dropped with that edge two hours
        # into the day shown on the first technician's lane.
        lane = page.locator(".lane[data-lane]").first
        person = int(lane.get_attribute("data-lane"))
        cell = lane.locator("[data-dropzone]")
        span_start = float(cell.get_attribute("data-span-start"))
        span_end = float(cell.get_attribute("data-span-end"))
        box, goal = card.bounding_box(), cell.bounding_box()
        x = goal["x"] + goal["width"] * 2 / (span_end - span_start) + 20 + 1
        page.mouse.move(box["x"] + 20, box["y"] + 15)
        page.mouse.down()
        page.mouse.move(x, goal["y"] + goal["height"] / 2, steps=10)
        page.mouse.up()
        announced = page.locator("[data-announce]", has_text="assigned to")
        announced.wait_for(state="attached")
        minutes = int(round(span_start * 60)) + 120
        assert f"{minutes // 60:02d}:{minutes % 60:02d}" in announced.text_content()
        assert api.read("fsm.order", [int(job_id)], ["person_id"])[0]["person_id"][0] == person
        assert page.url.endswith("/dispatch")  # the drag did not open the card's page


def test_board_refusal_and_question_put_the_card_back(browser, fresh, live_server):
    """The jobs board's completed column asks for the resolution: backing out of the question
    cancels, an empty answer is refused and the card goes back with the reason on it."""
    with office_page(browser, live_server, "/jobs/board") as page:
        zones = page.locator("[data-dropzone]")
        done = zones.evaluate_all("els => els.map(z => z.dataset.kind)").index("completed")
        source = next(i for i in range(done)
                      if zones.nth(i).locator("[data-draggable][tabindex]").count())
        card = zones.nth(source).locator("[data-draggable][tabindex]").first
        job_id = card.get_attribute("data-id")
        home = zone_of(page, job_id)
        for answer, said in ((None, "Move cancelled"), ("", "Not moved")):
            page.once("dialog", lambda d, a=answer: d.dismiss() if a is None else d.accept(a))
            card.focus()
            page.keyboard.press("Space")
            for _ in range(done - source):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
            page.locator("[data-announce]", has_text=said).wait_for(state="attached")
            page.wait_for_function(
                "id => !document.querySelector(`[data-id=\"${id}\"][aria-busy]`)", arg=job_id)
            assert zone_of(page, job_id) == home
        assert "resolution" in card.locator(".plan-card__error").text_content()
        assert card.locator(".plan-card__error").is_visible()


def test_dispatch_timeline_reads_at_a_desk(browser, fresh, live_server):
    """At 1366x900: no two cards of a lane overlap (overlapping jobs sit in rows), each shows
    its reference, the legend explains the borders and the first lane starts above the fold."""
    with office_page(browser, live_server, "/dispatch") as page:
        page.wait_for_selector(".dispatch-lanes.is-timeline")
        lanes = page.locator(".lane[data-lane]").evaluate_all("""lanes => lanes.map(lane =>
            [...lane.querySelectorAll('.lane__cell .plan-card')].map(card => {
                const r = card.getBoundingClientRect();
                const ref = card.querySelector('.plan-card__ref');
                return {name: card.dataset.name, x: r.x, y: r.y, w: r.width, h: r.height,
                        ref: ref ? ref.innerText.trim() : '',
                        refFits: ref ? ref.scrollWidth <= ref.clientWidth + 1 : false}; }))""")
        cards = [c for lane in lanes for c in lane]
        assert len(cards) > 10
        for lane in lanes:
            for i, a in enumerate(lane):
                for b in lane[i + 1:]:
                    apart = (a["x"] + a["w"] <= b["x"] + 0.5 or b["x"] + b["w"] <= a["x"] + 0.5
                             or a["y"] + a["h"] <= b["y"] + 0.5 or b["y"] + b["h"] <= a["y"] + 0.5)
                    assert apart, f"{a['name']} and {b['name']} are drawn on top of each other"
        for c in cards:
            assert c["ref"] == c["name"] and c["refFits"], f"{c['name']}: no readable reference"
        assert page.locator(".plan-legend").is_visible()
        assert "Overlaps" in page.locator(".plan-legend").inner_text()
        first_lane = page.locator(".lane[data-lane]").first.bounding_box()
        assert first_lane["y"] < 900 - 100  # the schedule starts on the first screen
        # Unassigned jobs say their day: a job of another day must not look like today's.
        pool_when = page.locator(".plan-pool .plan-card__when").all_inner_texts()
        assert pool_when and all(re.match(r"(Today|Tomorrow|Yesterday|\w{3} \d{1,2} \w{3}) ", w)
                                 for w in pool_when)


def test_vertical_drag_keeps_the_time_and_offers_undo(browser, fresh, live_server):
    """A card dragged straight down to the next technician keeps its start; the page says what
    changed ("FO045 → Name, 14:00") and Undo puts the job back."""
    api = admin_api(fresh.url)
    with office_page(browser, live_server, "/dispatch") as page:
        page.wait_for_selector(".dispatch-lanes.is-timeline")
        lanes = page.locator(".lane[data-lane]")
        source, target = lanes.nth(0), lanes.nth(1)
        card = source.locator(".lane__cell .plan-card[tabindex]").last
        job_id = int(card.get_attribute("data-id"))
        name, start = card.get_attribute("data-name"), card.get_attribute("data-start")[11:16]
        before = api.read("fsm.order", [job_id], ["person_id", "scheduled_date_start"])[0]
        person = int(target.get_attribute("data-lane"))
        box = card.bounding_box()
        goal = target.locator(".lane__cell").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        # Straight down, with the small sideways wobble of a hand.
        page.mouse.move(x + 3, (y + goal["y"] + 20) / 2, steps=6)
        ghost_when = page.locator(".drag-ghost [data-when]").inner_text()
        assert "•" not in page.locator(".drag-ghost").inner_text()
        page.mouse.move(x + 5, goal["y"] + 20, steps=6)
        page.mouse.up()
        toast = page.locator("[data-move-toast]")
        toast.locator("[data-move-text]", has_text="→").wait_for()
        after = api.read("fsm.order", [job_id], ["person_id", "scheduled_date_start"])[0]
        assert after["person_id"][0] == person
        assert after["scheduled_date_start"] == before["scheduled_date_start"]
        technician = target.locator(".lane__name").inner_text().splitlines()[0]
        assert toast.inner_text().startswith(f"{name} → {technician}, {start}")
        assert ghost_when.startswith(start)

        toast.get_by_role("button", name="Undo").click()
        toast.locator("[data-move-text]", has_text="Undone").wait_for()
        undone = api.read("fsm.order", [job_id], ["person_id", "scheduled_date_start"])[0]
        assert undone["person_id"] == before["person_id"]
        assert undone["scheduled_date_start"] == before["scheduled_date_start"]
