"""Start-up behaviour of config/settings.py, each case in a fresh interpreter.

Settings are read once per process, so every case loads them in a subprocess
with exactly the environment it names, nothing inherited from the test run.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import mailer_from_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "SECRET_KEY": "settings-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "waymark.example.com",
    "EMAIL_URL": "smtp://mail.example.com:587?tls=true",
}

REPORT = """
import json, django
django.setup()
from django.conf import settings as s
db, cache = s.DATABASES["default"], s.CACHES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "db_engine": db["ENGINE"], "db_name": str(db["NAME"]), "db_host": db.get("HOST"),
    "CONN_MAX_AGE": db["CONN_MAX_AGE"], "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "cache_backend": cache["BACKEND"], "cache_location": cache["LOCATION"],
    "mailer": s.MAILERS["default"]["BACKEND"],
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "SITE_URL": s.SITE_URL,
    "log_level": s.LOGGING["root"]["level"],
}))
"""


def _start(**env: str) -> subprocess.CompletedProcess:
    """Load the settings with only these variables (plus PATH) in the environment."""
    return subprocess.run(
        [sys.executable, "-c", REPORT],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(**env: str) -> dict:
    result = _start(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _refusal(**env: str) -> str:
    """The last line of the traceback when start-up is refused."""
    result = _start(**env)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_it_stops_on_a_boolean_that_is_neither_true_nor_false():
    message = _refusal(**PRODUCTION, DEBUG="maybe")

    assert "DEBUG='maybe' is neither true nor false" in message


def test_it_names_the_boolean_that_it_cannot_read():
    message = _refusal(**PRODUCTION, SECURE_SSL_REDIRECT="sometimes")

    assert "SECURE_SSL_REDIRECT='sometimes'" in message


@pytest.mark.parametrize("spelling", ["true", "True", "1", "yes", "on"])
def test_it_accepts_the_usual_spellings_of_true(spelling):
    assert _settings(DEBUG=spelling)["DEBUG"] is True


@pytest.mark.parametrize("spelling", ["false", "FALSE", "0", "no", "off"])
def test_it_accepts_the_usual_spellings_of_false(spelling):
    assert _settings(**PRODUCTION, DEBUG=spelling)["DEBUG"] is False


def test_it_stops_on_a_number_that_is_not_a_whole_number():
    message = _refusal(**PRODUCTION, CONN_MAX_AGE="ten minutes")

    assert "CONN_MAX_AGE='ten minutes' is not a whole number" in message


def test_it_refuses_to_start_with_no_configuration_at_all():
    message = _refusal()

    assert "With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set" in message


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]

    message = _refusal(**env, DEBUG="false")

    assert "With DEBUG off, SECRET_KEY must be set" in message


def test_it_refuses_to_start_in_production_without_allowed_hosts():
    message = _refusal(**{**PRODUCTION, "ALLOWED_HOSTS": ""})

    assert "With DEBUG off, ALLOWED_HOSTS must be set" in message


def test_it_refuses_to_start_in_production_without_an_email_server():
    env = {**PRODUCTION}
    del env["EMAIL_URL"]

    message = _refusal(**env)

    assert "With DEBUG off, EMAIL_URL must be set" in message


def test_it_refuses_an_unknown_email_verification_mode():
    message = _refusal(**PRODUCTION, ACCOUNT_EMAIL_VERIFICATION="sometimes")

    assert "ACCOUNT_EMAIL_VERIFICATION must be none, optional or mandatory" in message


def test_it_starts_in_development_with_nothing_but_debug():
    settings = _settings(DEBUG="true")

    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert settings["mailer"] == "config.mail.ReadableConsoleBackend"
    assert settings["staticfiles"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_it_is_secure_by_default_in_production():
    settings = _settings(**PRODUCTION)

    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["waymark.example.com"]
    assert settings["mailer"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] is None


def test_it_trusts_the_proxys_scheme_header_only_behind_a_proxy():
    settings = _settings(**PRODUCTION, BEHIND_PROXY="true")

    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_it_names_a_trusted_proxy_address_it_cannot_read():
    message = _refusal(**PRODUCTION, FORWARDED_ALLOW_IPS="127.0.0.1,the-proxy")

    assert "FORWARDED_ALLOW_IPS holds 'the-proxy'" in message


def test_it_reads_lists_separated_by_commas():
    settings = _settings(
        **{**PRODUCTION, "ALLOWED_HOSTS": " waymark.example.com, www.waymark.example.com ,"},
        CSRF_TRUSTED_ORIGINS="https://waymark.example.com",
    )

    assert settings["ALLOWED_HOSTS"] == ["waymark.example.com", "www.waymark.example.com"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://waymark.example.com"]


def test_it_selects_postgresql_from_database_url():
    settings = _settings(**PRODUCTION, DATABASE_URL="postgres://waymark:secret@db.internal:5432/waymark")

    assert settings["db_engine"] == "django.db.backends.postgresql"
    assert settings["db_name"] == "waymark"
    assert settings["db_host"] == "db.internal"
    assert settings["CONN_MAX_AGE"] == 600
    assert settings["CONN_HEALTH_CHECKS"] is True


def test_it_keeps_connections_as_long_as_conn_max_age_says():
    settings = _settings(**PRODUCTION, DATABASE_URL="postgres://db.internal/waymark", CONN_MAX_AGE="0")

    assert settings["CONN_MAX_AGE"] == 0


def test_it_uses_sqlite_in_var_without_database_url():
    settings = _settings(**PRODUCTION)

    assert settings["db_engine"] == "django.db.backends.sqlite3"
    assert settings["db_name"] == str(ROOT / "var" / "db.sqlite3")


def test_it_shares_a_redis_cache_when_redis_url_is_set():
    settings = _settings(**PRODUCTION, REDIS_URL="redis://cache.internal:6379/1")

    assert settings["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["cache_location"] == "redis://cache.internal:6379/1"


def test_it_shares_a_database_cache_without_redis_url():
    settings = _settings(**PRODUCTION)

    assert settings["cache_backend"] == "config.cache.CountersDatabaseCache"
    assert settings["cache_location"] == "django_cache"


@pytest.mark.parametrize("spelling", ["warning", "WARNING", "Warning", " warning "])
def test_it_reads_the_log_level_in_any_case(spelling):
    assert _settings(**PRODUCTION, LOG_LEVEL=spelling)["log_level"] == "WARNING"


def test_it_logs_at_info_by_default():
    assert _settings(**PRODUCTION)["log_level"] == "INFO"


def test_it_names_the_log_level_it_does_not_know():
    message = _refusal(**PRODUCTION, LOG_LEVEL="loud")

    assert "LOG_LEVEL='loud' is not a log level" in message


def test_it_drops_a_trailing_slash_from_site_url():
    assert _settings(**PRODUCTION, SITE_URL="https://waymark.example.com/")["SITE_URL"] == (
        "https://waymark.example.com"
    )


def test_it_reads_an_smtp_url_with_starttls():
    mailer = mailer_from_url("smtp://me%40example.com:p%2Fss@mail.example.com:587?tls=true")

    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.com",
            "port": 587,
            "username": "me@example.com",
            "password": "p/ss",
            "use_ssl": False,
            "use_tls": True,
            "timeout": 10,
        },
    }


def test_it_reads_an_smtp_url_without_tls_or_credentials():
    options = mailer_from_url("smtp://localhost:25")["OPTIONS"]

    assert options["use_tls"] is False
    assert options["use_ssl"] is False
    assert options["username"] is None
    assert options["password"] is None


def test_it_reads_an_smtps_url_as_implicit_tls():
    options = mailer_from_url("smtps://user:pass@mail.example.com:465")["OPTIONS"]

    assert options["use_ssl"] is True
    assert options["use_tls"] is False
    assert options["port"] == 465


def test_it_reads_a_console_url():
    assert mailer_from_url("console://") == {"BACKEND": "config.mail.ReadableConsoleBackend"}


def test_it_refuses_an_email_url_of_another_scheme():
    with pytest.raises(
        ImproperlyConfigured, match="EMAIL_URL must start with smtp://, smtps:// or console://"
    ):
        mailer_from_url("sendgrid://key@api")


def test_it_refuses_an_smtp_url_without_a_host():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must name a host"):
        mailer_from_url("smtp://:587")
