"""The application's URLs plus /__bench__/bare, the yardstick of `make bench`.

The bare view goes through the whole middleware stack (session, authentication,
CSRF, security headers...) and reads the signed-in user, then answers a few
bytes of text: what any signed-in page costs before it does its own work. Each
page's throughput is reported as a ratio to it, measured in the same run, so the
ratios hold on a busy or a faster machine where plain requests per second do not.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as application_urlpatterns


def bare(request):
    """200 and a short text for a signed-in user, 403 for anyone else.

    403 rather than a redirect to sign in: wrk counts it as an error, so a
    session cookie that stopped working cannot pass for a fast page.
    """
    if not request.user.is_authenticated:
        return HttpResponse("not signed in", status=403, content_type="text/plain")
    return HttpResponse(f"signed in as {request.user.pk}", content_type="text/plain")


urlpatterns = [path("__bench__/bare", bare, name="bench_bare"), *application_urlpatterns]
