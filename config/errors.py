"""What a request answers when the code under it raised or refused: a database outage is not a
bug (503, below), and a refusal gets the site's page (RefusalPagesMiddleware, at the end).

During a PostgreSQL restart or failover every query fails with a connection
error, and Django would answer 500, "Something went wrong on our side". The
right answer is 503 with Retry-After: the visitor (and htmx, and any proxy)
learns that nothing was saved and that trying again shortly will work. Only
errors of reaching the database count: an IntegrityError or a DataError is a
bug in the request's handling and stays a 500.

Django calls the 500 handler from inside the `except` that caught the error,
wherever it was raised (a view, a middleware reading the session), so the
error in hand is the one to judge. The page renders without the database:
no context processors, no request.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

# Seconds: long enough for a restart or a failover, short enough to keep people.
RETRY_AFTER = 15


def is_database_unavailable(error: BaseException | None) -> bool:
    """A connection that failed or was lost, not a query the database refused."""
    return isinstance(error, OperationalError | InterfaceError)


@requires_csrf_token
def server_error(request):
    """handler500: 503 with Retry-After for a database outage, Django's own 500 otherwise."""
    if not is_database_unavailable(sys.exception()):
        return django_server_error(request)
    response = HttpResponseServerError(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class RefusalPagesMiddleware:
    """Answer a refusal with the site's own page, as 403, 404 and 500 already are.

    Django has no handler for 405: `require_POST` and its kind answer with an
    empty body, which a browser shows as a blank page. A view that refuses a
    malformed request (a status it does not know, an expired undo) answers 400
    with its reason as plain text, for htmx to show beside the control; a
    plain form post gets that reason in the site's 400 page instead. htmx
    requests keep the short answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (400, 405) or request.headers.get("HX-Request") == "true":
            return response
        if response.status_code == 405 and not response.content:
            page = loader.render_to_string("405.html", request=request)
        elif response.status_code == 400 and response.get("Content-Type", "").startswith("text/plain"):
            reason = response.content.decode(response.charset, errors="replace")
            page = loader.render_to_string("400.html", {"reason": reason}, request=request)
        else:
            return response
        # The same response, so what the middleware inside gave it (caching, cookies) stays.
        response.content = page
        response["Content-Type"] = "text/html; charset=utf-8"
        if "Content-Length" in response:  # set by CommonMiddleware for the empty body
            response["Content-Length"] = str(len(response.content))
        return response
