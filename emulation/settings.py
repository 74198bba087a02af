"""Settings for the emulation project, read from the environment.

Every setting that differs between machines comes from an environment variable
documented in README.md. Defaults are safe for development; production (DEBUG
off) refuses to start without a real SECRET_KEY.
"""

import ipaddress
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean in environment variable *name*; refuse anything unclear."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated list in environment variable *name*."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_trusted_proxies(name: str) -> int | list[str]:
    """Return the proxies in environment variable *name*: a count of hops, or a list of CIDR networks.

    Empty (the default) trusts no proxy: ``X-Forwarded-For`` is then never read.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be a number of proxies or comma-separated networks such as 10.0.0.0/8, not {network!r}."
            ) from None
    return networks


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# seed_demo gives its accounts a published password: only where DEBUG was on at start-up (pytest turns
# DEBUG off for its tests, not this); with DEBUG off it refuses unless --force (then random passwords).
DEMO_PASSWORD_ALLOWED = DEBUG

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "huey.contrib.djhuey",
    # The project's layers, lowest first (pyproject.toml's import contracts enforce the order).
    "core",
    "blocs",
    "accounts",
    "pledges",
    "reviews",
    "board",
    "ops",
]

MIDDLEWARE = [
    "emulation.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "emulation.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "emulation.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Login throttling: after AXES_FAILURE_LIMIT failures, `manage.py axes_reset_username NAME` unlocks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "emulation.urls"
WSGI_APPLICATION = "emulation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite under var/ is the zero-setup default; production uses PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
# Persistent connections (seconds) help production; 0 closes each after the request.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A signing conference on the embedded default: with SQLite's rollback journal, readers and the
    # one writer block each other, and a transaction that starts reading and then writes fails at once
    # with "database is locked". WAL lets readers go on beside the writer; IMMEDIATE takes the write
    # lock when a transaction begins, where the busy timeout can wait for it (seconds, in turn).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file-based test database, so that live-server tests see the same data; one per test
    # process, so that two test runs side by side never share (and destroy) each other's.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The client's address behind the reverse proxy (core.network.client_ip), for the audit trail and the
# login throttle: the proxies whose X-Forwarded-For entries are believed, as a number of proxies in front
# of the application or as their networks. Empty: the header is never read, REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_trusted_proxies("TRUSTED_PROXIES")

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.UserWithUnitBackend"]
# Login throttling (accounts.throttle): failures for one user name from one address lock that pair only,
# so that nobody elsewhere can lock a user out; failures across user names from one address lock the
# address for a shorter while, so that one address cannot try a password on every account.
AXES_HANDLER = "accounts.throttle.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip_for_throttling"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "10"))
AXES_ADDRESS_COOLOFF_MINUTES = float(os.environ.get("AXES_ADDRESS_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A try while locked neither counts nor prolongs the lock: the real user retrying would only lock
# themselves out for longer.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own format modules: Django's locale files override DATE_INPUT_FORMATS.
FORMAT_MODULE_PATH = ["emulation.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/signature_pad", BASE_DIR / "node_modules" / "signature_pad" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
# Signature images and scans: never under a public URL, served by access-checked views.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
    # Hashed, compressed static files served by whitenoise in production (needs collectstatic).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# An S3-compatible object store instead of local folders, so that app servers keep no files.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    s3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION", "us-east-1"),
        "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,  # any URL it makes is signed and short-lived
        "querystring_expire": 300,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**s3, "location": "public"}}
    STORAGES["private"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**s3, "location": "private"}}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (one file per message; tests use it).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "giaouoc@localhost")
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # an invitation stays valid for three days

SESSION_ENGINE = "django.contrib.sessions.backends.db"  # no state on the app server
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# TLS ends at the proxy, which must set X-Forwarded-Proto (and strip it from clients).
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's health check speaks plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is a promise to browsers that is slow to take back: only when asked for.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True": off by choice

# No inline scripts or styles anywhere: everything lives in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Liberation Serif: Times New Roman metrics and every Vietnamese letter (Debian's
# fonts-liberation2). Loaded by file; a system check fails when it is missing.
FONT_DIR = Path(os.environ.get("FONT_DIR", "/usr/share/fonts/truetype/liberation2"))

# The organisation certificate that seals completed pledges (PKCS#12). Without
# one, the set-up makes a self-signed development certificate under var/seal/.
SEAL_PKCS12 = Path(os.environ.get("SEAL_PKCS12", BASE_DIR / "var" / "seal" / "dev-seal.p12"))
SEAL_PASSPHRASE = os.environ.get("SEAL_PASSPHRASE", "development-only")
# PEM files of the roots a seal or a head's digital signature is trusted against.
SEAL_TRUST_ROOTS = env_list("SEAL_TRUST_ROOTS", str(BASE_DIR / "var" / "seal" / "dev-root.pem"))
# Ký số. The province's remote-signing (CSC API) providers, as JSON: {"code": {"name": "…", "url":
# "https://… (the part before /csc/v1)", "api": "v1", "client_id": "…", "client_secret": "…",
# "authorization": "implicit" | "otp" | "push"}}. Client credentials come from the environment (or a
# secrets file the service manager reads into it), never from the database.
CSC_PROVIDERS = json.loads(os.environ.get("CSC_PROVIDERS") or "{}")
# The time-stamping authority (RFC 3161) every ký số signature, the long-term validation data and the
# application's seal get their timestamps from (the official-duty CA's; the test PKI's in development).
# Empty: no timestamps (then no pledge can complete at PAdES B-LTA; the deploy checks warn).
TSA_URL = os.environ.get("TSA_URL", "")
# A signature waiting for the time-stamping authority is tried again after this many seconds.
TSA_RETRY_SECONDS = int(os.environ.get("TSA_RETRY_SECONDS", "30"))
# The archive timestamp of a completed original is renewed this many days before its certificate expires.
ARCHIVE_TIMESTAMP_MARGIN_DAYS = int(os.environ.get("ARCHIVE_TIMESTAMP_MARGIN_DAYS", "180"))
# How long a signing turn is held before it passes to the next in line (seconds).
SIGNING_TURN_SECONDS = int(os.environ.get("SIGNING_TURN_SECONDS", "300"))
# A remote signature (authorisation, confirmation on the phone, signing) gives up after this long.
REMOTE_SIGNING_TIMEOUT = int(os.environ.get("REMOTE_SIGNING_TIMEOUT", "120"))
# Rendering and sealing the signed PDF stops after this long; the PDF then stays pending for a retry.
PDF_TIME_LIMIT = float(os.environ.get("PDF_TIME_LIMIT", "20"))

# The task queue (huey): signed PDFs, previews and page images, every e-mail, the daily jobs. Without
# REDIS_URL an SQLite file under var/ holds it (no server to install; consumers on this machine only);
# with it, Redis does, and any number of consumers (`manage.py run_huey`) may run on any machines.
REDIS_URL = os.environ.get("REDIS_URL", "")
TASK_WORKERS = int(os.environ.get("TASK_WORKERS", "2"))
TASKS_SQLITE_PATH = Path(os.environ.get("TASKS_SQLITE_PATH", BASE_DIR / "var" / "tasks.sqlite3"))
# /healthz fails when no consumer has stored its heartbeat (every minute) for this many seconds.
TASKS_HEARTBEAT_MAX_AGE = int(os.environ.get("TASKS_HEARTBEAT_MAX_AGE", "300"))
_huey_consumer = {
    "workers": TASK_WORKERS,
    "worker_type": "thread",
    "periodic": True,
    "check_worker_health": True,
    "health_check_interval": 10,
}
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "giaouoc", "url": REDIS_URL}
else:
    TASKS_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)  # huey opens the file when it is imported
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "giaouoc", "filename": str(TASKS_SQLITE_PATH)}
# HUEY_IMMEDIATE: tasks run in the caller, at once (unit tests only; nothing is queued).
# No result store: nothing reads a task's return value, and kept results would pile up unread.
HUEY |= {"immediate": env_bool("HUEY_IMMEDIATE", False), "utc": True, "results": False, "consumer": _huey_consumer}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object a line, each with the request id that the response also carries.
    "filters": {"request_id": {"()": "emulation.middleware.RequestIdFilter"}},
    "formatters": {"json": {"()": "emulation.middleware.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if env_bool("LOG_JSON", not DEBUG) else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # pyHanko logs a whole traceback at WARNING for every untrusted certificate uploaded to /verify/.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}
