"""/metrics: who may read it, and series that move with what Fieldkit does, in one process and
added up over gunicorn's workers."""
import glob
import os
import re
import threading

import pytest
import requests

from bench.ops_metrics import scrape, total
from bench.pages import logged_in_session, start_gunicorn

TOKEN = "metrics-test-token"  # noqa: S105


def metrics_of(client, **headers):
    return client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}", **headers})


def parsed(response):
    """{(name, labels): value} as bench.ops_metrics.scrape gives it."""
    from prometheus_client.parser import text_string_to_metric_families

    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


@pytest.fixture
def metrics_app(app):
    app.config["METRICS_TOKEN"] = TOKEN
    return app


def test_metrics_are_off_until_configured(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(metrics_app):
    client = metrics_app.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 401
    assert "fieldkit_" not in wrong.get_data(as_text=True)
    assert metrics_of(client).status_code == 200


def test_metrics_allow_listed_addresses_need_no_token(app):
    app.config["METRICS_ALLOW"] = "10.0.0.0/8"
    client = app.test_client()
    assert client.get("/metrics").status_code == 401  # the test client is 127.0.0.1
    app.config["METRICS_ALLOW"] = "10.0.0.0/8 127.0.0.1"
    assert client.get("/metrics").status_code == 200


def test_a_bad_allow_list_fails_at_start_up():
    from app import create_app
    from app.config import TestConfig

    with pytest.raises(ValueError):
        create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                    "METRICS_ALLOW": "not-an-address"})


def test_a_page_view_moves_request_and_odoo_series(metrics_app, fresh, login):
    client = metrics_app.test_client()
    login(client, "tech1")
    before = parsed(metrics_of(client))
    page = client.get("/jobs/active")
    assert page.status_code == 200
    job_id = re.search(r'href="/jobs/(\d+)"', page.get_data(as_text=True)).group(1)
    assert client.get(f"/jobs/{job_id}").status_code == 200
    after_response = metrics_of(client)
    after = parsed(after_response)

    def moved(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert moved("fieldkit_http_requests_total", endpoint="jobs.active", status="200") == 1
    assert moved("fieldkit_http_request_duration_seconds_count", endpoint="jobs.detail") == 1
    assert moved("fieldkit_odoo_calls_total", model="fsm.order") >= 2
    assert moved("fieldkit_odoo_call_duration_seconds_count", model="fsm.order",
                 method="search_read") >= 1
    # The login counted, and labels never name a record or a user.
    assert total(after, "fieldkit_logins_total", result="success") >= 1
    # Fieldkit's own series (Python's gc series have generation="1"...): no record, no user.
    text = "\n".join(line for line in after_response.get_data(as_text=True).splitlines()
                     if line.startswith("fieldkit_"))
    assert text and f'"{job_id}"' not in text and "tech1" not in text


def test_odoo_errors_are_counted_by_kind(metrics_app, fresh, login):
    client = metrics_app.test_client()
    login(client, "tech1")
    before = parsed(metrics_of(client))
    # Every attempt of the page's reads (sent together, each tried max_retries + 1 times) fails.
    fresh.fail_next(6, mode="502")
    assert client.get("/jobs/active").status_code in (502, 503)
    after = parsed(metrics_of(client))
    assert total(after, "fieldkit_odoo_errors_total", kind="unavailable") - total(
        before, "fieldkit_odoo_errors_total", kind="unavailable") >= 1


def test_wrong_passwords_and_the_store_are_counted(metrics_app, fresh):
    client = metrics_app.test_client()
    before = parsed(metrics_of(client))
    answer = client.post("/login", data={"login": "tech1", "password": "wrong"})
    assert answer.status_code == 200
    after = parsed(metrics_of(client))
    assert total(after, "fieldkit_logins_total", result="wrong_password") - total(
        before, "fieldkit_logins_total", result="wrong_password") == 1
    # The login throttle asked the store.
    assert total(after, "fieldkit_store_operation_duration_seconds_count") > total(
        before, "fieldkit_store_operation_duration_seconds_count")


def test_outbox_outcomes(metrics_app, fresh, login):
    client = metrics_app.test_client()
    login(client, "tech1")
    page = client.get("/jobs/active").get_data(as_text=True)
    job_id = re.search(r'href="/jobs/(\d+)"', page).group(1)
    before = parsed(metrics_of(client))
    headers = {"Idempotency-Key": "metrics-outbox-0001", "Accept": "application/json"}
    first = client.post(f"/jobs/{job_id}/notes", data={"note": "From the outbox"},
                        headers=headers)
    again = client.post(f"/jobs/{job_id}/notes", data={"note": "From the outbox"},
                        headers=headers)
    assert again.headers.get("Idempotent-Replayed") == "true", first.status_code
    bad = client.post(f"/jobs/{job_id}/notes", data={"note": "x"},
                      headers={"Idempotency-Key": "bad key!"})
    assert bad.status_code == 400
    after = parsed(metrics_of(client))
    for outcome in ("applied", "duplicate", "refused"):
        assert total(after, "fieldkit_outbox_requests_total", outcome=outcome) - total(
            before, "fieldkit_outbox_requests_total", outcome=outcome) == 1, outcome


def test_gunicorn_workers_add_up(emulator, tmp_path):
    """Two gunicorn workers (one thread each, so concurrent requests need both): /metrics
    counts every request, whichever worker served it, and the Odoo calls of a page view."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {"FIELDKIT_ENV": "production", "SECRET_KEY": "metrics-test", "ODOO_URL": emulator.url,
           "ODOO_DB": "fieldkit", "SESSION_COOKIE_SECURE": "false", "METRICS_TOKEN": TOKEN,
           "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "STORE_PATH": str(tmp_path / "s.db"),
           "STORAGE_LOCAL_DIR": str(tmp_path / "files")}
    process, url = start_gunicorn("app:create_app()", env)
    try:
        sent = 0
        # Batches of concurrent requests until both workers have written values (each
        # worker's files carry its pid); bounded, so a broken setup fails rather than spins.
        while len(worker_pids(metrics_dir)) < 2 and sent < 400:
            batch = [threading.Thread(target=lambda: requests.get(f"{url}/healthz", timeout=10))
                     for _ in range(8)]
            for thread in batch:
                thread.start()
            for thread in batch:
                thread.join()
            sent += len(batch)
        assert len(worker_pids(metrics_dir)) == 2
        samples = scrape(url, TOKEN)
        assert total(samples, "fieldkit_http_requests_total", endpoint="ops.healthz") == sent

        http, _ = logged_in_session(url)
        before = scrape(url, TOKEN)
        assert http.get(f"{url}/jobs/active").status_code == 200
        after = scrape(url, TOKEN)
        assert total(after, "fieldkit_http_requests_total", endpoint="jobs.active") - total(
            before, "fieldkit_http_requests_total", endpoint="jobs.active") == 1
        assert total(after, "fieldkit_odoo_calls_total") > total(before,
                                                                 "fieldkit_odoo_calls_total")
        assert requests.get(f"{url}/metrics", timeout=10).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=15)


def worker_pids(folder):
    return {re.search(r"_(\d+)\.db$", path).group(1)
            for path in glob.glob(os.path.join(folder, "*.db"))}
