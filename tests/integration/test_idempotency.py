"""Idempotency keys and stale writes against the emulator: a repeated key returns the first
answer and writes once (also concurrently, and across two app instances sharing Redis); an
answer that wrote nothing frees the key; an action made on an older version of the job gets a
409 with what changed. A randomized run of 200 sends with injected Odoo failures, hangs and
lost answers finds no lost and no duplicated note."""

import random
import re
import threading

import pytest
import requests

from app import create_app
from app.config import TestConfig
from app.odoo.client import OdooAPI
from app.platform import chatter
from tests.conftest import serving


@pytest.fixture
def admin(fresh):
    api = OdooAPI(fresh.url, "fieldkit")
    api.authenticate("admin", "admin")
    return api


def own_open_job(admin, login="tech1"):
    partner = admin.search_read("res.users", [("login", "=", login)],
                                ["partner_id"])[0]["partner_id"][0]
    return admin.search_read("fsm.order", [("person_id.partner_id", "=", partner),
                                           ("is_closed", "=", False),
                                           ("date_start", "=", False)],
                             ["write_date"], limit=1, order="id")[0]


def notes(admin, job_id, marker):
    result = admin.json_route("/mail/thread/messages",
                              {"thread_model": "fsm.order", "thread_id": job_id, "limit": 200})
    found = [m for m in chatter.normalize_messages(result) if marker in m["text"]]
    return sorted(found, key=lambda m: m["id"])


@pytest.fixture
def tech1(client, login, fresh):
    login(client, "tech1")
    return client


def test_repeated_key_returns_the_first_answer_and_writes_once(tech1, admin):
    job = own_open_job(admin)
    headers = {"Idempotency-Key": "note-once-0001"}
    first = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "idem once"}, headers=headers)
    again = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "idem once"}, headers=headers)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert len(notes(admin, job["id"], "idem once")) == 1


def test_another_user_with_the_same_key_is_not_given_the_answer(client, login, fresh, admin,
                                                                 app):
    headers = {"Idempotency-Key": "shared-key-0001"}
    login(client, "tech1")
    job1 = own_open_job(admin, "tech1")
    client.post(f"/jobs/{job1['id']}/notes", data={"note": "from tech1"}, headers=headers)
    other = app.test_client()
    login(other, "tech2")
    job2 = own_open_job(admin, "tech2")
    answer = other.post(f"/jobs/{job2['id']}/notes", data={"note": "from tech2"},
                        headers=headers)
    assert "Idempotent-Replayed" not in answer.headers
    assert len(notes(admin, job2["id"], "from tech2")) == 1


@pytest.mark.parametrize("key", ["short", "has spaces in it", "x" * 101, "ümlaut-key-01"])
def test_malformed_keys_are_refused(tech1, admin, key):
    job = own_open_job(admin)
    response = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "never"},
                          headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["error"]
    assert notes(admin, job["id"], "never") == []


def test_an_answer_that_wrote_nothing_frees_the_key(tech1, admin, fresh):
    job = own_open_job(admin)
    headers = {"Idempotency-Key": "after-failure-01"}
    fresh.fail_next(5, "502")
    failed = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "after odoo came back"},
                        headers=headers)
    assert failed.status_code == 503
    fresh.fail_next(0)
    again = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "after odoo came back"},
                       headers=headers)
    assert again.status_code == 302 and "Idempotent-Replayed" not in again.headers
    assert len(notes(admin, job["id"], "after odoo came back")) == 1


def test_a_write_whose_answer_was_lost_keeps_its_key_and_says_it_may_be_saved(tech1, admin,
                                                                              fresh):
    """Odoo applied the note, then the answer was lost (a gateway timeout): "try again" would
    post it twice. The user is told it may be saved, and a repeat of the key gets 409
    `unknown` (the outbox then asks the user to check), never a second note."""
    job = own_open_job(admin)
    headers = {"Idempotency-Key": "lost-answer-001"}
    fresh.fail_next(1, "applied", hang_seconds=0, path="/message_post")
    first = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "answer lost"},
                       headers=headers)
    fresh.fail_next(0)
    assert first.status_code == 503
    page = first.get_data(as_text=True)
    assert "can&#39;t tell whether this change was saved" in page
    assert "Your work is safe" not in page
    again = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "answer lost"},
                       headers=headers)
    assert again.status_code == 409 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["unknown"] is True
    assert len(notes(admin, job["id"], "answer lost")) == 1


def test_a_write_past_the_timeout_is_reported_as_maybe_saved(tech1, admin, fresh, app):
    """Odoo slower than the write timeout: Fieldkit gives up, Odoo carries on and saves."""
    job = own_open_job(admin)
    app.config.update(ODOO_WRITE_TIMEOUT=0.5)
    fresh.state.latency_ms = 900
    try:
        first = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "slow odoo saved it"},
                           headers={"Idempotency-Key": "slow-write-0001"})
    finally:
        fresh.state.latency_ms = 0
    assert first.status_code == 503
    assert "can&#39;t tell whether" in first.get_data(as_text=True)
    again = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "slow odoo saved it"},
                       headers={"Idempotency-Key": "slow-write-0001"})
    assert again.status_code == 409 and again.get_json()["unknown"] is True


def test_a_read_that_times_out_still_frees_the_key(tech1, admin, fresh):
    """Only a lost answer to a write is "maybe saved"; a 502 or a hung read wrote nothing."""
    job = own_open_job(admin)
    headers = {"Idempotency-Key": "hung-read-0001"}
    fresh.fail_next(10, "hang", hang_seconds=0, path="/search_read")  # past the read retries
    first = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "after a hung read"},
                       headers=headers)
    fresh.fail_next(0)
    assert first.status_code == 503 and "Your work is safe" in first.get_data(as_text=True)
    again = tech1.post(f"/jobs/{job['id']}/notes", data={"note": "after a hung read"},
                       headers=headers)
    assert again.status_code == 302 and "Idempotent-Replayed" not in again.headers
    assert len(notes(admin, job["id"], "after a hung read")) == 1


def logged_in(url, login):
    http = requests.Session()
    page = http.get(f"{url}/login", timeout=10).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    http.post(f"{url}/login", data={"login": login, "password": login},
              headers={"X-CSRFToken": token}, timeout=10)
    page = http.get(f"{url}/jobs/active", timeout=10).text
    http.headers["X-CSRFToken"] = re.search(r'name="csrf-token" content="([^"]+)"',
                                            page).group(1)
    return http


def test_concurrent_repeats_write_once(make_emulator, app):
    slow = make_emulator(version=17, latency_ms=150)
    app.config["ODOO_URL"] = slow.url
    admin = OdooAPI(slow.url, "fieldkit")
    admin.authenticate("admin", "admin")
    job = own_open_job(admin)
    with serving(app) as url:
        http = logged_in(url, "tech1")
        answers = []

        def send():
            answers.append(http.post(f"{url}/jobs/{job['id']}/notes",
                                     data={"note": "sent three times at once"},
                                     headers={"Idempotency-Key": "concurrent-0001"},
                                     allow_redirects=False, timeout=30).status_code)

        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(status in (302, 409) for status in answers), answers
    assert 302 in answers
    assert len(notes(admin, job["id"], "sent three times at once")) == 1


def two_apps(fresh, redis_url, tmp_path):
    apps = []
    for n in range(2):
        instance = create_app(TestConfig)
        instance.config.update(ODOO_URL=fresh.url, REDIS_URL=redis_url,
                               STORAGE_LOCAL_DIR=str(tmp_path / f"storage{n}"))
        apps.append(instance)
    return apps


def test_a_key_is_known_to_every_instance_sharing_redis(fresh, admin, redis_url, tmp_path):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    first_app, second_app = two_apps(fresh, redis_url, tmp_path)
    job = own_open_job(admin)
    with serving(first_app) as first_url, serving(second_app) as second_url:
        http = logged_in(first_url, "tech1")
        headers = {"Idempotency-Key": "two-instances-01"}
        one = http.post(f"{first_url}/jobs/{job['id']}/notes", data={"note": "via A then B"},
                        headers=headers, allow_redirects=False, timeout=10)
        # The same browser session (cookie) on the other instance: same user, same key.
        two = http.post(f"{second_url}/jobs/{job['id']}/notes", data={"note": "via A then B"},
                        headers=headers, allow_redirects=False, timeout=10)
    assert one.status_code == two.status_code == 302
    assert two.headers["Idempotent-Replayed"] == "true"
    assert len(notes(admin, job["id"], "via A then B")) == 1


def test_an_action_on_an_older_version_of_the_job_shows_what_changed(tech1, admin):
    job = own_open_job(admin)
    page = tech1.get(f"/jobs/{job['id']}").get_data(as_text=True)
    seen = re.search(r'data-job-version="([^"]*)"', page).group(1)
    assert seen == job["write_date"]
    admin.write("fsm.order", [job["id"]], {"priority": "3", "scheduled_duration": 4.0})
    changed = admin.read("fsm.order", [job["id"]], ["write_date"])[0]["write_date"]
    if changed == seen:  # same second: make the versions differ for the test
        seen = "2000-01-01 00:00:00"
    stale = tech1.post(f"/jobs/{job['id']}/start", headers={"X-Fk-Job-Version": seen,
                                                             "Idempotency-Key": "stale-start-1",
                                                             "Accept": "application/json"})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["conflict"] is True and "changed in Odoo" in body["error"]
    assert {"Changed", "Stage", "Technician"} <= set(body["changes"])
    assert admin.read("fsm.order", [job["id"]], ["date_start"])[0]["date_start"] is False
    # "Send anyway": the same key again, without a version: it is not the kept 409.
    anyway = tech1.post(f"/jobs/{job['id']}/start", headers={"Idempotency-Key": "stale-start-1"})
    assert anyway.status_code == 302
    assert admin.read("fsm.order", [job["id"]], ["date_start"])[0]["date_start"]


def test_randomized_sends_with_failures_and_lost_answers(fresh, admin, redis_url, tmp_path):
    """200 notes, each sent as the outbox does (retry until done, same key), to one of two
    instances sharing Redis at random, with Odoo failing (502), hanging (504), the note's
    write applied or not with its answer lost (504 from the gateway), or Fieldkit's answer
    lost on the way back. A "maybe saved" (409 unknown) is handled as the user does: look at
    the job, and send again under a new key only if the note is not there. Every note arrives
    exactly once, in order."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    rng = random.Random(20261201)
    apps = two_apps(fresh, redis_url, tmp_path)
    for instance in apps:
        instance.config["ODOO_MAX_RETRIES"] = 0
    job = own_open_job(admin)
    with serving(apps[0]) as first_url, serving(apps[1]) as second_url:
        urls = [first_url, second_url]
        http = logged_in(first_url, "tech1")
        faults = {"502": 0, "hang": 0, "lost": 0, "applied": 0, "write-hang": 0, "unknown": 0}
        for n in range(200):
            key = f"random-note-{n:04d}"
            done = False
            for attempt in range(20):
                roll = rng.random()
                if roll < 0.15:
                    fresh.fail_next(1, "502")
                    faults["502"] += 1
                elif roll < 0.2:
                    fresh.fail_next(1, "hang", hang_seconds=0.05)
                    faults["hang"] += 1
                elif roll < 0.23:
                    fresh.fail_next(1, "applied", hang_seconds=0, path="/message_post")
                    faults["applied"] += 1
                elif roll < 0.26:
                    fresh.fail_next(1, "hang", hang_seconds=0, path="/message_post")
                    faults["write-hang"] += 1
                answer = http.post(f"{rng.choice(urls)}/jobs/{job['id']}/notes",
                                   data={"note": f"randomized note {n:04d}"},
                                   headers={"Idempotency-Key": key},
                                   allow_redirects=False, timeout=30)
                fresh.fail_next(0)
                assert answer.status_code < 500 or answer.status_code == 503, answer.status_code
                if answer.status_code == 409 and answer.json().get("unknown"):
                    faults["unknown"] += 1
                    if notes(admin, job["id"], f"randomized note {n:04d}"):
                        done = True
                        break
                    key = f"random-note-{n:04d}-{attempt}"  # "Send again": a new key
                    continue
                if answer.status_code == 302 and rng.random() < 0.25:
                    faults["lost"] += 1  # the answer never reached the phone: send again
                    continue
                if answer.status_code == 302:
                    done = True
                    break
            assert done, f"note {n} never went through"
    found = notes(admin, job["id"], "randomized note")
    texts = [re.search(r"randomized note (\d{4})", m["text"]).group(1) for m in found]
    assert texts == [f"{n:04d}" for n in range(200)], "lost, duplicated or out of order"
    assert all(faults.values()), faults  # every kind of trouble happened at least once
