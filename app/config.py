"""Configuration, read from the environment only (python-dotenv loads `.env` first).

`FIELDKIT_ENV` picks the class: `production` (the default, so a forgotten variable fails
closed), `development` or `testing`. Every setting is documented in `.env.example`.
"""
import os
from datetime import timedelta
from urllib.parse import urlsplit

from dotenv import load_dotenv

load_dotenv()


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name, default=False):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _env_float(name, default):
    return float(_env(name, default))


class ConfigError(RuntimeError):
    """A setting is missing or invalid; raised at start-up, never at request time."""


class Config:
    ENV_NAME = "production"
    SECRET_KEY = _env("SECRET_KEY")

    ODOO_URL = _env("ODOO_URL")
    ODOO_DB = _env("ODOO_DB")
    # (connect, read) seconds: connecting should be quick; Odoo may take a while to answer.
    ODOO_TIMEOUT = (_env_float("ODOO_CONNECT_TIMEOUT", 5), _env_float("ODOO_TIMEOUT", 20))
    ODOO_MAX_RETRIES = int(_env("ODOO_MAX_RETRIES", 2))
    # Adds `X-Odoo-RPC: <count>; <ms>` to every response (always on in debug).
    ODOO_RPC_HEADER = _env_bool("ODOO_RPC_HEADER")

    DEFAULT_TZ = _env("DEFAULT_TZ", "UTC")

    # "local" (files under instance/storage) or "s3"; unset: s3 when S3_BUCKET is set.
    STORAGE_BACKEND = _env("STORAGE_BACKEND")
    STORAGE_LOCAL_DIR = _env("STORAGE_LOCAL_DIR")
    S3_BUCKET = _env("S3_BUCKET")
    S3_REGION = _env("S3_REGION", _env("AWS_DEFAULT_REGION", "us-east-1"))
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
    S3_ACCESS_KEY_ID = _env("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = _env("S3_SECRET_ACCESS_KEY")
    S3_ADDRESSING_STYLE = _env("S3_ADDRESSING_STYLE")
    S3_PRESIGN_SECONDS = int(_env("S3_PRESIGN_SECONDS", 3600))
    S3_CONNECT_TIMEOUT = _env_float("S3_CONNECT_TIMEOUT", 3)
    S3_READ_TIMEOUT = _env_float("S3_READ_TIMEOUT", 10)
    MAX_CONTENT_LENGTH = int(_env("MAX_UPLOAD_MB", 16)) * 1024 * 1024
    # Extra origins allowed for images (e.g. a CDN in front of the bucket), space-separated.
    CSP_EXTRA_SOURCES = _env("CSP_EXTRA_SOURCES", "")

    PERMANENT_SESSION_LIFETIME = timedelta(hours=24)
    SESSION_COOKIE_NAME = "fieldkit_session"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # The token lives as long as the session: a technician may keep a form open for hours.
    WTF_CSRF_TIME_LIMIT = None

    # State shared by every process (throttles, idempotency keys, rate limits): Redis when
    # REDIS_URL is set (several hosts), else a SQLite file (default:
    # instance/fieldkit-store.sqlite3).
    REDIS_URL = _env("REDIS_URL")
    STORE_PATH = _env("STORE_PATH")
    STORE_TIMEOUT = _env_float("STORE_TIMEOUT", 2)

    # Live updates: seconds between two checks of Odoo for changed jobs, per company (however
    # many pages watch); pages poll about this often.
    LIVE_INTERVAL = int(_env("LIVE_INTERVAL", 3))

    # Number of reverse proxies in front of the app (X-Forwarded-For/Proto), 0 for none.
    PROXY_COUNT = int(_env("PROXY_COUNT", 0))
    LOG_LEVEL = _env("LOG_LEVEL", "INFO").upper()

    REQUIRED = ("SECRET_KEY", "ODOO_URL")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-a-secret")  # noqa: S105 (development only)
    ODOO_URL = _env("ODOO_URL", "http://127.0.0.1:8069")
    ODOO_DB = _env("ODOO_DB", "fieldkit")
    ODOO_RPC_HEADER = True
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    DEFAULT_TZ = _env("DEFAULT_TZ", "America/New_York")


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 (tests only)
    ODOO_URL = "http://odoo.test"
    ODOO_DB = "fieldkit"
    ODOO_TIMEOUT = (2, 5)
    ODOO_RPC_HEADER = True
    SESSION_COOKIE_SECURE = False
    STORAGE_BACKEND = "local"
    DEFAULT_TZ = "America/New_York"


CONFIGS = {"production": Config, "development": DevelopmentConfig, "testing": TestConfig}


def config_from_env():
    """The config class named by FIELDKIT_ENV.

    :raises ConfigError: for an unknown name.
    """
    name = _env("FIELDKIT_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"FIELDKIT_ENV={name!r} is not one of {', '.join(CONFIGS)}"
        ) from None


def validate(config):
    """Fail fast at start-up on settings the app cannot run without.

    :raises ConfigError: naming every missing setting.
    """
    if config.get("TESTING") or config.get("ENV_NAME") == "development":
        required = ()
    else:
        required = config.get("REQUIRED", ())
    missing = [name for name in required if not config.get(name)]
    if missing:
        raise ConfigError(
            f"Missing required setting(s): {', '.join(missing)}. "
            "Set them in the environment or in .env (see .env.example)."
        )
    if config.get("ODOO_URL"):
        parts = urlsplit(config["ODOO_URL"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"ODOO_URL must be an http(s) URL, got {config['ODOO_URL']!r}")


def storage_origins(config):
    """Origins the browser may load stored files from, for the Content-Security-Policy."""
    origins = config.get("CSP_EXTRA_SOURCES", "").split()
    backend = config.get("STORAGE_BACKEND") or ("s3" if config.get("S3_BUCKET") else "local")
    if backend == "s3":
        endpoint = config.get("S3_ENDPOINT_URL")
        if endpoint:
            parts = urlsplit(endpoint)
            origins.append(f"{parts.scheme}://{parts.netloc}")
            # Virtual-hosted-style URLs put the bucket in front of the endpoint's host.
            if config.get("S3_BUCKET"):
                origins.append(f"{parts.scheme}://{config['S3_BUCKET']}.{parts.netloc}")
        elif config.get("S3_BUCKET"):
            bucket, region = config["S3_BUCKET"], config.get("S3_REGION") or "us-east-1"
            origins += [
                f"https://{bucket}.s3.amazonaws.com",
                f"https://{bucket}.s3.{region}.amazonaws.com",
            ]
    return origins
