"""Configuration: fail fast in production, safe cookie defaults, CSP origins for storage."""
import pytest

from app import create_app
from app.config import Config, ConfigError, DevelopmentConfig, TestConfig, storage_origins


class Production(Config):
    SECRET_KEY = None
    ODOO_URL = None


def test_production_refuses_to_start_without_secret_key_and_odoo_url():
    with pytest.raises(ConfigError) as caught:
        create_app(Production)
    assert "SECRET_KEY" in str(caught.value) and "ODOO_URL" in str(caught.value)


def test_production_starts_with_its_settings():
    class Complete(Production):
        SECRET_KEY = "x" * 32
        ODOO_URL = "https://odoo.example.com"

    app = create_app(Complete)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 24 * 3600
    assert "Strict-Transport-Security" in app.test_client().get("/login").headers


def test_odoo_url_must_be_http():
    class Bad(TestConfig):
        ODOO_URL = "odoo.example.com"

    with pytest.raises(ConfigError):
        create_app(Bad)


def test_a_mapping_overrides_the_environment_config(monkeypatch):
    monkeypatch.setenv("FIELDKIT_ENV", "testing")
    app = create_app({"ODOO_DB": "other"})
    assert app.config["ODOO_DB"] == "other" and app.testing


def test_unknown_environment_name(monkeypatch):
    monkeypatch.setenv("FIELDKIT_ENV", "staging")
    with pytest.raises(ConfigError):
        create_app()


def test_development_defaults_need_nothing():
    app = create_app(DevelopmentConfig)
    assert app.config["SECRET_KEY"] and app.config["ODOO_URL"]


@pytest.mark.parametrize("settings, expected", [
    ({}, []),
    ({"S3_BUCKET": "files", "S3_REGION": "eu-west-1"},
     ["https://files.s3.amazonaws.com", "https://files.s3.eu-west-1.amazonaws.com"]),
    ({"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": "https://minio.example:9000/",
      "S3_BUCKET": "b"}, ["https://minio.example:9000", "https://b.minio.example:9000"]),
    ({"STORAGE_BACKEND": "local", "S3_BUCKET": "files", "CSP_EXTRA_SOURCES": "https://cdn.x"},
     ["https://cdn.x"]),
])
def test_storage_origins_for_the_csp(settings, expected):
    assert storage_origins(settings) == expected


def test_csp_allows_the_bucket_for_images():
    class WithS3(TestConfig):
        STORAGE_BACKEND = "s3"
        S3_BUCKET = "files"

    csp = create_app(WithS3).test_client().get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' https://files.s3.amazonaws.com" in csp


def test_missing_settings_without_fieldkit_env_say_how_to_run_locally(monkeypatch):
    monkeypatch.delenv("FIELDKIT_ENV", raising=False)
    with pytest.raises(ConfigError, match="FIELDKIT_ENV=development"):
        create_app(Production)
    monkeypatch.setenv("FIELDKIT_ENV", "production")  # chosen on purpose: no hint needed
    with pytest.raises(ConfigError) as caught:
        create_app(Production)
    assert "FIELDKIT_ENV" not in str(caught.value)


def test_secure_cookie_over_plain_http_is_explained(caplog):
    class Complete(Production):
        SECRET_KEY = "x" * 32
        ODOO_URL = "https://odoo.example.com"
        ODOO_DB = "fieldkit"

    app = create_app(Complete)
    assert "PROXY_COUNT=0" in caplog.text  # said at start
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "came over plain HTTP" in page and "FIELDKIT_ENV=development" in page
    refused = client.post("/login", data={"login": "tech1", "password": "x"})
    assert "came over plain HTTP" in refused.get_data(as_text=True)
    over_https = client.get("/login", base_url="https://fieldkit.example.com")
    assert "plain HTTP" not in over_https.get_data(as_text=True)
