"""Waymark's one settings module, configured only by environment variables.

Every variable is listed, with its default, in the README's "Configuration"
section. With no configuration at all, debug is off and start-up stops with a
message asking for SECRET_KEY and ALLOWED_HOSTS; `make run` sets DEBUG=true,
which supplies safe development defaults instead.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_log_level, env_networks, env_str, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored: the development database lives here

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-deploy")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    missing = [
        name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"With DEBUG off, {' and '.join(missing)} must be set in the environment "
            "(for local development run `make run`, which turns DEBUG on)."
        )

SITE_NAME = "Waymark"
# Absolute links in emails are built from this, never from the request's Host header.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "simple_history",
    "django_tasks_db",
    "accounts",
    "roadmap",
    "progress",
    "jobs",
]

MIDDLEWARE = [
    # First: the load balancer's probe answers whatever the Host header (config/health.py).
    "config.health.HealthCheckMiddleware",
    # Before anything asks whether the request came over https (config/security.py).
    "config.security.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML (a phase page shrinks from about 90 KB to 10 KB), with Django's
    # BREACH mitigation (random padding). WhiteNoise serves static files pre-compressed.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    # Refusals (405, a plain-text 400) in the site's own pages (config/errors.py); outside the
    # NUL check, so its 400 gets the page too, and inside CSP and compression, which apply to it.
    "config.errors.RefusalPagesMiddleware",
    "config.security.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Content history (django-simple-history) records who made each change, inline rows included.
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.security.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "roadmap.structure.RequestScopeMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.TimezoneMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
# Connections stay open between requests: a new PostgreSQL connection per request
# (with its password handshake) made authenticated pages several times slower.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL is None:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two writers at once (two tabs, `make run`'s threads, two gunicorn workers) take turns
    # instead of one failing with "database is locked": each transaction takes the write
    # lock when it begins rather than when it first writes (a transaction that read first
    # could not wait for it), waits up to 20 s for it, and readers never block writers (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process, so allauth's rate limits (counted in the
# default cache) hold across gunicorn workers and instances: Redis when REDIS_URL
# is set, the database otherwise. Neither may drop a live counter to make room:
# the database cache only ever deletes expired rows (config/cache.py), and Redis
# must keep its default "noeviction" policy (docs/deploy.md).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.CountersDatabaseCache",
            "LOCATION": "django_cache",
            # Past this many rows, each write first sweeps out the expired ones.
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }

# Background tasks (Django's tasks framework), queued as rows in the database
# (django-tasks-db) and run by `manage.py db_worker`. The site works without a
# worker: queued tasks wait for one (README, "Background jobs").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Jobs the worker runs on a schedule (jobs/schedule.py): a name, a task by dotted
# path, and how often. `manage.py schedule_jobs` starts each one.
# The link checker asks only public addresses: a resource's link (or where it redirects)
# naming the site's own network is reported unreachable, never requested. Tests check
# links against a server of their own on 127.0.0.1, and turn this on.
LINK_CHECK_PRIVATE_ADDRESSES = env_bool("LINK_CHECK_PRIVATE_ADDRESSES", False)
PERIODIC_JOBS = {
    "check-links": {"task": "roadmap.tasks.check_links", "every": timedelta(days=1)},
    "weekly-digest": {
        "task": "progress.mentoring.tasks.send_weekly_digests",
        "every": timedelta(weeks=1),
    },
}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading the session's user with their roles (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dashboard/"  # the learner's dashboard

# django-allauth (new-style settings only): people sign in with their email address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory by default: only then can sign-up answer a taken address exactly as a new
# one (allauth mails the owner "you already have an account" instead), so nobody
# learns from the sign-up form who has an account. "optional" and "none" sign a
# newcomer in at once, which a taken address cannot do, and so reveal it.
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be none, optional or mandatory.")
ACCOUNT_PREVENT_ENUMERATION = True
# Following the link in the browser that signed up signs the newcomer in (allauth
# checks the sign-up is still in that session, so a leaked link signs nobody in).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Links in emails come from SITE_URL, never from the request's Host header.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_SESSION_REMEMBER = None  # ask: "Remember me" on the sign-in form
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# Counted in the shared cache (CACHES), so every worker sees the same attempts.
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per address (5 in 5 minutes) and per client.
    "login_failed": "20/m/ip,5/5m/key",
    # Sign-ups: generous enough for a classroom behind one address.
    "signup": "30/h/ip",
    # Reset emails: per client, and per address so nobody's inbox is flooded.
    "reset_password": "10/h/ip,3/h/key",
}

# Email: Django 6.1 mailers. Printed to the console in development; production
# must name a real server in EMAIL_URL.
EMAIL_URL = env_str("EMAIL_URL", "console://" if DEBUG else None)
if EMAIL_URL is None:
    raise ImproperlyConfigured(
        "With DEBUG off, EMAIL_URL must be set (for example smtp://user:password@host:587?tls=true)."
    )
MAILERS = {"default": mailer_from_url(EMAIL_URL)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Waymark <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en"
# Dates are written one way site-wide, "3 Mar 2026" (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic puts the files WhiteNoise serves (the image builds them in; tests
# that run collectstatic point it elsewhere, so a test run never rewrites the checkout's).
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Compressed, cache-busted files (hashed names, cached for a year) unless
# STATIC_MANIFEST is off, as in tests that do not run collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security. Production values unless DEBUG; each can be overridden.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes /healthz over plain http, behind the TLS terminator
# (HealthCheckMiddleware answers it before SecurityMiddleware; this is belt and braces).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
# Behind the proxy every request comes from it: rate limits must count the client it
# names in X-Forwarded-For (its last entry, the one the proxy added), but only when the
# request really came from the proxy (accounts/adapter.py). FORWARDED_ALLOW_IPS is
# gunicorn's variable for the same addresses, read the same way.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if SECURE_PROXY_SSL_HEADER else 0
TRUSTED_PROXIES = env_networks("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Content Security Policy: nothing from other hosts, scripts only with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Permissions-Policy (config/security.py): the site uses none of these features,
# so no page, and no script that found its way into one, may ask for them.
# Each feature maps to the origins allowed to use it: none.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    (),
)

# Any case: gunicorn (gunicorn.conf.py) reads the same variable and takes "warning".
LOG_LEVEL = env_log_level("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    # Django's default config gives "django" a console handler of its own; route
    # it to stdout once instead of printing every line twice under DEBUG.
    "loggers": {"django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False}},
}
