"""What makes a configuration unsafe to serve on the internet, as Django deploy checks.

One list for ``manage.py check --deploy``, ``manage.py check_production`` and the WSGI
start-up (``emulation/wsgi.py`` refuses to serve with DEBUG off while any of these fail).
"""

from pathlib import Path

from django.conf import settings
from django.core import checks


def _error(number: int, message: str) -> checks.Error:
    return checks.Error(message, id=f"ops.E{number:03d}")


@checks.register(checks.Tags.security, deploy=True)
def debug_off(app_configs, **kwargs):
    return [_error(1, "DEBUG is on: set DEBUG=false.")] if settings.DEBUG else []


@checks.register(checks.Tags.security, deploy=True)
def secret_key_strong(app_configs, **kwargs):
    key = settings.SECRET_KEY
    if key.startswith("django-insecure") or len(key) < 50 or len(set(key)) < 5:
        return [_error(2, "SECRET_KEY is the development key or too weak: set 50+ random characters.")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def hosts_listed(app_configs, **kwargs):
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        return [_error(3, "ALLOWED_HOSTS is empty or '*': list the server's host names.")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def site_url_https(app_configs, **kwargs):
    if not settings.SITE_URL.startswith("https://"):
        return [_error(4, "SITE_URL is not an https:// address: e-mails and QR codes would point at plain HTTP.")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def organisation_seal(app_configs, **kwargs):
    seal = Path(settings.SEAL_PKCS12)
    if not seal.is_file():
        return [_error(5, f"The seal certificate {seal} does not exist: set SEAL_PKCS12 and SEAL_PASSPHRASE.")]
    if seal.name == "dev-seal.p12" or _is_development_seal():
        return [
            _error(
                6, "The seal certificate is the self-signed development one: configure the organisation's certificate."
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def csrf_origins_https(app_configs, **kwargs):
    plain = [origin for origin in settings.CSRF_TRUSTED_ORIGINS if not origin.lower().startswith("https://")]
    if plain:
        return [
            _error(
                8,
                f"CSRF_TRUSTED_ORIGINS lists origins that are not https:// ({', '.join(plain)}): "
                "a form posted over plain HTTP can be read and changed on the way; list https:// origins only.",
            )
        ]
    return []


@checks.register(checks.Tags.database, deploy=True)
def database_server(app_configs, **kwargs):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return [_error(7, "The database is SQLite: set DATABASE_URL to PostgreSQL.")]
    return []


def _is_development_seal() -> bool:
    from core.pdf import DEVELOPMENT_SEAL, load_sealer

    try:
        subject = load_sealer().signing_cert.subject.human_friendly
    except Exception:  # an unreadable seal is reported when a document is sealed, with its own message
        return False
    return DEVELOPMENT_SEAL in subject


def production_problems() -> list[str]:
    """Return the messages of every failing deploy check of this project (empty when it is safe)."""
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security, checks.Tags.database])
    return [message.msg for message in found if message.level >= checks.ERROR]


@checks.register(checks.Tags.security, deploy=True)
def tasks_queued(app_configs, **kwargs):
    # Immediate mode runs every task inside the request that queued it: PDFs rendered and e-mail sent
    # while the user waits, and a failing mail server failing the page.
    if settings.HUEY.get("immediate"):
        return [_error(20, "HUEY_IMMEDIATE is on: tasks would run inside requests; unset it and run the consumer.")]
    return []
