"""Operations endpoints: /healthz (the process), /readyz (Odoo, the store, S3)."""
import socket

import pytest
from moto import mock_aws

from app.platform import s3_service
from tests.conftest import start_redis


def closed_port_url():
    """An address nothing listens on: Odoo is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def odoo_down(app):
    app.config["ODOO_URL"] = closed_port_url()
    return app


def test_healthz_answers_with_odoo_down(odoo_down):
    response = odoo_down.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "fieldkit_session" not in response.headers.get("Set-Cookie", "")


def test_readyz_is_ready_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"odoo", "store"}  # local files: no S3 to ask
    assert all(part["state"] == "ok" and part["ms"] >= 0 for part in body["checks"].values())


def test_readyz_names_odoo_when_it_is_down(odoo_down):
    response = odoo_down.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["odoo"]["state"] == "unavailable"
    assert body["checks"]["store"]["state"] == "ok"
    # Nothing of the configuration: no address, no exception text.
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_readyz_gives_up_on_a_hanging_odoo_at_its_deadline(app, emulator):
    app.config["HEALTH_TIMEOUT"] = 0.5
    emulator.fail_next(1, mode="hang", hang_seconds=5, path="version_info")
    try:
        response = app.test_client().get("/readyz")
    finally:
        emulator.fail_next(0)
    assert response.status_code == 503
    assert response.get_json()["checks"]["odoo"]["state"] in ("timeout", "unavailable")
    assert response.get_json()["checks"]["odoo"]["ms"] < 5000


def test_readyz_names_the_store_when_redis_is_killed(app, tmp_path):
    process, url = start_redis(tmp_path)
    try:
        app.config.update(REDIS_URL=url, STORE_TIMEOUT=0.5)
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        process.kill()
        process.wait(timeout=5)
        response = client.get("/readyz")
    finally:
        if process.poll() is None:
            process.kill()
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["store"]["state"] in ("unavailable", "timeout")
    assert checks["odoo"]["state"] == "ok"
    assert "redis" not in response.get_data(as_text=True).lower()


@pytest.fixture
def s3_app(app, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        app.config.update(STORAGE_BACKEND="s3", S3_BUCKET="fieldkit-ops", S3_REGION="us-east-1")
        yield app


def test_readyz_asks_s3_when_files_go_there(s3_app):
    client = s3_app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503  # the bucket does not exist yet
    assert response.get_json()["checks"]["s3"]["state"] == "unavailable"
    with s3_app.app_context():
        s3_service.get_storage().client.create_bucket(Bucket="fieldkit-ops")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["s3"]["state"] == "ok"
    assert "fieldkit-ops" not in response.get_data(as_text=True)
