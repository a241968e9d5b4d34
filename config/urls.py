from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Waymark's own account pages first; allauth's flows (sign-in, sign-up, ...) after.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("progress.urls")),
    path("", include("progress.mentoring.urls")),
    path("", include("roadmap.urls")),
]

# A database outage answers 503 with Retry-After instead of a 500 (config/errors.py).
handler500 = "config.errors.server_error"
