"""The load balancer's probe, answered before anything looks at the Host header.

A load balancer often names an instance by its address (`Host: 10.0.0.7:8000`),
which is not one of ALLOWED_HOSTS; Django would answer 400 and the balancer
would take a healthy instance out of service. The probe's answer says nothing
but "ok" or "database unavailable", so it is given whatever the Host.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PATH = "/healthz"


@never_cache
@require_safe
def healthz(request):
    """Answer a load balancer's probe: 200 while the database answers, 503 when it does not.

    Reached over plain http too (HealthCheckMiddleware runs before the https
    redirect), and never cached, so a probe always sees the current state.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


class HealthCheckMiddleware:
    """Answer /healthz first in the chain: no Host check, no redirect, no session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
