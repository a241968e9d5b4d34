"""Sign-in for the learner's POST endpoints, whether a plain form or htmx sent the request."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse


def login_required_from(page):
    """Like `login_required`, for views that only take POSTs from a page's forms.

    `page(**view_kwargs)` is the URL of the page the form lives on: after signing
    in the visitor lands there (a POST endpoint would only answer 405 to the
    GET that follows sign-in). An htmx request gets 401 with an HX-Redirect to
    sign in, instead of a redirect htmx would follow and paste into the page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            login = redirect_to_login(page(**kwargs))
            if request.htmx:
                response = HttpResponse(
                    "Sign in to keep track of your progress.",
                    status=401,
                    content_type="text/plain; charset=utf-8",
                )
                response["HX-Redirect"] = login.url
                return response
            return login

        return wrapper

    return decorator
