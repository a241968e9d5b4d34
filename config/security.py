"""Site-wide HTTP policy that Django's SecurityMiddleware does not cover:
Permissions-Policy, private caching of signed-in pages, NUL characters in URLs.

It lives beside settings.py because, like the SECURE_* settings it sits next to
there, it is policy that belongs to no area of the domain.
"""

import ipaddress
from collections.abc import Mapping, Sequence
from functools import cache

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": (), "fullscreen": ("self",)}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowlist)})" for feature, allowlist in policy.items())


@cache
def _networks(addresses: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses if address != "*")


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of the proxies (TRUSTED_PROXIES) allowed to name the client."""
    if "*" in settings.TRUSTED_PROXIES:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


class UntrustedProxyHeadersMiddleware:
    """Behind a proxy (BEHIND_PROXY), believe "this came over https" only from the proxy.

    Django reads X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) from whoever sent the
    request; a client that reaches gunicorn directly could claim https and be served
    as if it had. From an address not in TRUSTED_PROXIES the header is dropped, so the
    request is what it is: plain http, redirected to https. The client's own address
    in X-Forwarded-For is checked the same way where it is read (accounts/adapter.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = settings.SECURE_PROXY_SSL_HEADER
        if header and header[0] in request.META and not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            del request.META[header[0]]
        return self.get_response(request)


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
