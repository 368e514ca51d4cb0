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
    # Where customers reach Odoo's portal (its web.base.url), for invoice payment links and
    # their QR codes; ODOO_URL when unset (Fieldkit may reach Odoo on an internal address).
    ODOO_PUBLIC_URL = _env("ODOO_PUBLIC_URL")
    # (connect, read) seconds for page loads, reads and login: a hung Odoo should cost a
    # technician seconds, not half a minute, before the "Odoo is not answering" page.
    ODOO_TIMEOUT = (_env_float("ODOO_CONNECT_TIMEOUT", 5), _env_float("ODOO_READ_TIMEOUT", 8))
    # Read timeout of writes (create, write, message_post, actions): Odoo may legitimately take
    # a while to finish them, and giving up early leaves the user unsure whether it happened.
    ODOO_WRITE_TIMEOUT = _env_float("ODOO_WRITE_TIMEOUT", _env_float("ODOO_TIMEOUT", 20))
    ODOO_MAX_RETRIES = int(_env("ODOO_MAX_RETRIES", 2))
    # Adds `X-Odoo-RPC: <count>; <ms>ms; integration=<n>` and Server-Timing to every response
    # (always on in debug); the count includes the integration user's calls, also given alone.
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
    # Videos are streamed to storage in chunks, so they may pass MAX_CONTENT_LENGTH.
    MAX_VIDEO_BYTES = int(_env("MAX_VIDEO_MB", 100)) * 1024 * 1024
    # Show files referenced without a media tag (jobs' photos and signatures from before tags)
    # when they lie in the record's own folder; see app/platform/media.py.
    MEDIA_ACCEPT_UNTAGGED = _env_bool("MEDIA_ACCEPT_UNTAGGED", True)
    MEDIA_SIGNING_KEY = _env("MEDIA_SIGNING_KEY")
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
    # Failed logins allowed per account (strict) and per client address (generous: an office
    # or a carrier puts many people behind one address) in the window (seconds); and how many
    # logins may be open at Odoo at once, below Odoo's base.login_cooldown_after (10). See
    # app/platform/login_throttle.py.
    LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", 5))
    LOGIN_ADDRESS_MAX_FAILURES = int(_env("LOGIN_ADDRESS_MAX_FAILURES", 100))
    LOGIN_FAILURE_WINDOW = int(_env("LOGIN_FAILURE_WINDOW", 15 * 60))
    LOGIN_ODOO_SLOTS = int(_env("LOGIN_ODOO_SLOTS", 8))
    REDIS_URL = _env("REDIS_URL")
    # Idempotency keys (the offline outbox): answers kept this long, and how long a repeat
    # waits for the first request still running before it gets 409.
    IDEMPOTENCY_TTL = int(_env("IDEMPOTENCY_TTL", 7 * 24 * 3600))
    IDEMPOTENCY_WAIT = _env_float("IDEMPOTENCY_WAIT", 10)
    STORE_PATH = _env("STORE_PATH")
    # Seconds one store operation may take; after a failure a process skips Redis (pages go on
    # without it meanwhile), letting one operation try it again every STORE_RETRY_AFTER
    # seconds until one succeeds (see app/platform/store.py).
    STORE_TIMEOUT = _env_float("STORE_TIMEOUT", 0.5)
    STORE_RETRY_AFTER = _env_float("STORE_RETRY_AFTER", 2)

    # Live updates: seconds between two checks of Odoo for changed jobs, per company (however
    # many pages watch); pages poll about this often.
    LIVE_INTERVAL = int(_env("LIVE_INTERVAL", 3))
    # Integrations (issue 18). The integration user acts in Odoo with an API key where nobody
    # is logged in (RMM webhooks, `flask psa` commands).
    ODOO_INTEGRATION_LOGIN = _env("ODOO_INTEGRATION_LOGIN")
    ODOO_INTEGRATION_KEY = _env("ODOO_INTEGRATION_KEY")
    # Where client assets live: x_client_asset (Studio) or fsm.equipment; ASSET_FIELDS renames
    # single fields (JSON, e.g. {"rmm_id": "x_rmm_id"}).
    ASSET_MODEL = _env("ASSET_MODEL", "x_client_asset")
    ASSET_FIELDS = _env("ASSET_FIELDS", "{}")
    # The RMM: webhooks signed with this secret (POST /webhooks/rmm), its REST API for clients.
    RMM_WEBHOOK_SECRET = _env("RMM_WEBHOOK_SECRET")
    RMM_WEBHOOK_MAX_AGE = int(_env("RMM_WEBHOOK_MAX_AGE", 300))
    RMM_API_URL = _env("RMM_API_URL")
    RMM_API_TOKEN = _env("RMM_API_TOKEN")
    RMM_TIMEOUT = (_env_float("RMM_CONNECT_TIMEOUT", 5), _env_float("RMM_TIMEOUT", 20))
    # Finishing a signed job attaches the signed service report to the order; with this on
    # (the default) Odoo also emails it to the customer (their email in Odoo).
    EMAIL_REPORT_AT_FINISH = _env_bool("EMAIL_REPORT_AT_FINISH", True)
    # Seat billing: the product whose quantity follows the customer's active assets.
    SEAT_PRODUCT_CODE = _env("SEAT_PRODUCT_CODE", "SRV-SEAT")

    # Number of reverse proxies in front of the app (X-Forwarded-For/Proto), 0 for none.
    # SMS through Twilio's REST API when all three are set; otherwise through Odoo's SMS.
    TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN")
    TWILIO_FROM = _env("TWILIO_FROM")

    PROXY_COUNT = int(_env("PROXY_COUNT", 0))
    # Operations (app/routes/ops.py): the deadline of each /readyz check, in seconds.
    HEALTH_TIMEOUT = _env_float("HEALTH_TIMEOUT", 2)
    # /metrics answers the bearer token METRICS_TOKEN, or clients in METRICS_ALLOW (addresses
    # or networks, space-separated: "10.0.0.0/8 127.0.0.1"); with neither it is 404.
    METRICS_TOKEN = _env("METRICS_TOKEN")
    METRICS_ALLOW = _env("METRICS_ALLOW", "")
    # Error tracking (app/platform/error_tracking.py): events go to Sentry only when the DSN is
    # set; the release and environment name them (environment: FIELDKIT_ENV's name by default).
    SENTRY_DSN = _env("SENTRY_DSN")
    SENTRY_RELEASE = _env("SENTRY_RELEASE")
    SENTRY_ENVIRONMENT = _env("SENTRY_ENVIRONMENT")
    SENTRY_TRACES_SAMPLE_RATE = _env_float("SENTRY_TRACES_SAMPLE_RATE", 0)
    LOG_LEVEL = _env("LOG_LEVEL", "INFO").upper()
    # "json": every log line one JSON object (request, Odoo call and audit lines with their
    # fields as keys); anything else: readable lines.
    LOG_FORMAT = _env("LOG_FORMAT", "text").lower()

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
    ODOO_WRITE_TIMEOUT = 5
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
        hint = ""
        if config.get("ENV_NAME") == "production" and not _env("FIELDKIT_ENV"):
            hint = (" FIELDKIT_ENV is not set, so the production settings apply. To run "
                    "locally, set FIELDKIT_ENV=development (e.g. `FIELDKIT_ENV=development "
                    "flask --app app routes`), or start `python run.py`.")
        raise ConfigError(
            f"Missing required setting(s): {', '.join(missing)}. "
            "Set them in the environment or in .env (see .env.example)." + hint
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
