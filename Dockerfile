# Waymark's production image: gunicorn on $PORT (8000), static files served by
# WhiteNoise from the image, everything else configured by environment variables
# (README, "Configuration"). The image does not migrate on start; run the release
# step once per deploy (README, "Production"):
#   python manage.py migrate && python manage.py createcachetable \
#     && python manage.py import_roadmap fixtures/ai-ml-roadmap-2025.md --if-missing
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=8000

WORKDIR /app

# Only the runtime lockfile: every package pinned and hash-checked, no dev tools.
# Installed before the code is copied, so a code change reuses this layer.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# The code belongs to root and the server runs as waymark, so a compromised
# process cannot rewrite the application. var/ is writable for a SQLite trial run
# without DATABASE_URL; production points DATABASE_URL at PostgreSQL.
RUN useradd --system --user-group --home-dir /app --no-create-home waymark
COPY . .
RUN mkdir -p var && chown waymark:waymark var

# Hashed, compressed static files are built into the image. Settings refuse to
# start with DEBUG off and no SECRET_KEY, ALLOWED_HOSTS or EMAIL_URL, so this one
# step gets throwaway values that exist only while it runs.
RUN DEBUG=false \
    SECRET_KEY=collectstatic-build-step-only-not-a-secret \
    ALLOWED_HOSTS=build.invalid \
    EMAIL_URL=console:// \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    python manage.py collectstatic --no-input --verbosity 1

USER waymark
EXPOSE 8000

# The probe sends the first ALLOWED_HOSTS name as Host (Django answers 400 to
# hosts it does not serve) and plain http (/healthz is exempt from the redirect).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('*.') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', headers={'Host': host}), timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]
