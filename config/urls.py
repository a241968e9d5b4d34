import logging

from django.contrib import admin
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Answer a load balancer's probe: 200 while the database answers, 503 when it does not.

    Reached over plain http too (SECURE_REDIRECT_EXEMPT), and never cached, so a
    probe always sees the current state.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Waymark's own account pages first; allauth's flows (sign-in, sign-up, ...) after.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("progress.urls")),
    path("", include("progress.cohort_urls")),
    path("", include("roadmap.urls")),
]
