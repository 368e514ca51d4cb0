"""The files blueprint: signed, expiring downloads from LocalStorage."""
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from app.platform import i18n
from app.platform.s3_service import get_storage
from app.routes.files import bp

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_app(tmp_path, **config):
    app = Flask("files_test", instance_path=str(tmp_path / "instance"))
    app.config.update(SECRET_KEY="test-secret", TESTING=True, **config)
    app.register_blueprint(bp)
    i18n.init_app(app)  # the refusals are written for people, through gettext
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def store(app, key, data=PNG, content_type="image/png", expires=None):
    with app.test_request_context():
        storage = get_storage()
        storage.put_object(key, data, content_type)
        return storage.presigned_url(key, expires)


def test_valid_link_serves_file(app, client):
    url = store(app, "signatures/fsm_12_1700000000.png")
    assert url.startswith("/files/signatures/fsm_12_1700000000.png?expires=")

    response = client.get(url)

    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache = response.headers["Cache-Control"]
    assert cache.startswith("private, max-age=")
    assert 3590 <= int(cache.split("=")[1]) <= 3600
    assert "public" not in cache


def test_content_type_is_the_stored_one_not_the_extension(app, client):
    url = store(app, "jobs/1/photos/abc/photo.png", b"\xff\xd8\xffjpeg", "image/jpeg")
    assert client.get(url).mimetype == "image/jpeg"


def test_cache_lifetime_follows_expiry(app, client):
    url = store(app, "a/b.png", expires=120)
    max_age = int(client.get(url).headers["Cache-Control"].split("=")[1])
    assert 110 <= max_age <= 120


def test_expired_link_forbidden(app, client):
    url = store(app, "a/b.png", expires=60)
    with app.app_context():
        get_storage().clock = lambda: time.time() + 61
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("mangle", [
    lambda path, q: (path, {**q, "sig": "0" * 64}),
    lambda path, q: (path, {**q, "expires": str(int(q["expires"]) + 3600)}),
    lambda path, q: (path, {k: v for k, v in q.items() if k != "sig"}),
    lambda path, q: (path, {k: v for k, v in q.items() if k != "expires"}),
    lambda path, q: (path, {**q, "expires": "tomorrow"}),
    lambda path, q: (path.replace("b.png", "c.png"), q),
    lambda path, q: (path, {}),
])
def test_tampered_link_forbidden(app, client, mangle):
    url = store(app, "a/b.png")
    store(app, "a/c.png")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path, query = mangle(parts.path, query)

    assert client.get(path, query_string=query).status_code == 403


def test_link_signed_by_another_secret_forbidden(tmp_path, app, client):
    other = make_app(tmp_path / "other")
    other.config["SECRET_KEY"] = "another-secret"
    url = store(other, "a/b.png")
    store(app, "a/b.png")
    assert client.get(url).status_code == 403


def test_missing_file_not_found(app, client):
    url = store(app, "a/b.png")
    with app.app_context():
        get_storage().delete("a/b.png")
    assert client.get(url).status_code == 404


def test_signed_traversal_key_not_served(tmp_path, app, client):
    (tmp_path / "instance").mkdir(exist_ok=True)
    (tmp_path / "instance" / "secret.txt").write_text("top secret")
    with app.app_context():
        storage = get_storage()
        expires_at = int(time.time()) + 60
        sig = storage.sign("../secret.txt", expires_at)
    response = client.get(f"/files/../secret.txt?expires={expires_at}&sig={sig}")
    assert response.status_code in (403, 404)
    assert b"top secret" not in response.data
    response = client.get(f"/files/%2E%2E/secret.txt?expires={expires_at}&sig={sig}")
    assert response.status_code in (403, 404)
    assert b"top secret" not in response.data


def test_metadata_folder_not_served(app, client):
    store(app, "a/b.png")
    with app.app_context():
        storage = get_storage()
        expires_at = int(time.time()) + 60
        sig = storage.sign(".meta/a/b.png.json", expires_at)
    url = f"/files/.meta/a/b.png.json?expires={expires_at}&sig={sig}"
    assert client.get(url).status_code == 404


def test_not_served_when_storage_is_s3(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    app = make_app(tmp_path, STORAGE_BACKEND="s3", S3_BUCKET="b", S3_REGION="us-east-1")
    assert app.test_client().get("/files/a/b.png?expires=9999999999&sig=x").status_code == 404
