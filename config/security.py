"""The one response header Django's SecurityMiddleware cannot send: Permissions-Policy.

It lives beside settings.py because, like the SECURE_* settings it sits next to
there, it is site-wide HTTP policy that belongs to no area of the domain.
"""

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.http import HttpResponseBadRequest


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": (), "fullscreen": ("self",)}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowlist)})" for feature, allowlist in policy.items())


class PermissionsPolicyMiddleware:
    """Tell browsers which powerful features no page of the site (nor anything injected into one) may use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        header = permissions_policy_header(settings.PERMISSIONS_POLICY)
        if header:
            response.headers.setdefault("Permissions-Policy", header)
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to an address whose path or query holds a NUL character.

    PostgreSQL text cannot contain NUL, so such a value reaching a lookup (an
    invite token, an admin search) would fail as a 500. Forms already refuse
    NUL; this covers what arrives in URLs, before any view sees it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "This address contains a NUL character, which no page of this site accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
