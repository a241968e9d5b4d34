"""Site-wide HTTP policy that Django's SecurityMiddleware does not cover:
Permissions-Policy, private caching of signed-in pages, NUL characters in URLs.

It lives beside settings.py because, like the SECURE_* settings it sits next to
there, it is policy that belongs to no area of the domain.
"""

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control


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


class PrivatePagesMiddleware:
    """Mark every response to a signed-in person `Cache-Control: private, no-store`.

    Their pages and exports (dashboard, notes, a cohort's CSV) are theirs alone:
    no shared cache may keep them, and the browser may not write them to disk
    where the next person at a shared computer finds them. One place rather than
    a decorator per view, so a new page cannot forget it. Anonymous pages, and
    static files (answered before this by WhiteNoise), keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # patch_cache_control drops "public" when "private" is set.
            patch_cache_control(response, private=True, no_store=True)
        return response
