"""Strict readers for configuration from the environment.

A value that cannot be understood stops start-up with a message naming the
variable, instead of silently falling back to a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name}={value!r} is neither true nor false "
        f"(use one of {sorted(TRUE | FALSE)})."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name}={value!r} is not a whole number."
        ) from None


def env_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = env_str(name, required=required)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_log_level(name: str, default: str) -> str:
    """A log level in any case ("warning", as gunicorn takes it, or "WARNING")."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.upper() not in LOG_LEVELS:
        raise ImproperlyConfigured(
            f"The environment variable {name}={value!r} is not a log level "
            f"(use one of {', '.join(level.lower() for level in LOG_LEVELS)})."
        )
    return value.upper()


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of addresses or networks (`10.0.0.0/8`), or `*` for any."""
    import ipaddress

    values = env_list(name, default)
    for value in values:
        if value == "*":
            continue
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"The environment variable {name} holds {value!r}, which is neither an address, "
                "a network (10.0.0.0/8) nor *."
            ) from None
    return values


def mailer_from_url(url: str) -> dict:
    """Turn EMAIL_URL into a Django 6.1 MAILERS entry.

    smtp://user:password@host:587?tls=true   SMTP, optionally with STARTTLS
    smtps://user:password@host:465           SMTP over TLS
    console://                               print messages (development only)
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme == "console":
        # Printed as people read it: UTF-8, links whole (config/mail.py).
        return {"BACKEND": "config.mail.ReadableConsoleBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or console://, not {parts.scheme!r}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL must name a host, as in smtp://user:pass@host:587.")
    query = parse_qs(parts.query)
    tls = query.get("tls", ["false"])[0].lower() in TRUE
    options = {
        "host": parts.hostname,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "smtps",
        "use_tls": tls and parts.scheme == "smtp",
        "timeout": 10,
    }
    if parts.port:
        options["port"] = parts.port
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
