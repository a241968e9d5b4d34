"""allauth, adjusted for Waymark: links in emails come from SITE_URL, wording is the site's own,
and sign-in limits count what an attacker cannot vary.

allauth builds absolute links with `request.build_absolute_uri()`, which trusts
the Host header of whoever asked for the email. Anyone could then request a
password reset for someone else with a forged Host and receive a link to their
own server; so every link we mail is built from `settings.SITE_URL` instead.
For the same reason the per-account limit is keyed by SITE_URL, and the
per-client limit reads X-Forwarded-For only from a trusted proxy.
"""

import ipaddress
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from config.security import is_trusted_proxy


def site_url(path: str) -> str:
    """The absolute URL of `path` on the configured site, whatever host the request named."""
    return settings.SITE_URL + path


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed attempts to sign in. Please wait a few minutes before you try again, "
            "or reset your password."
        ),
    }

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's URL has two parts, but hands us one opaque "uid-key" string,
        # so reverse with placeholders and substitute (as allauth itself does).
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        context = {
            "signup_url": site_url(reverse("account_signup")),
            "password_reset_url": site_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            # allauth's own templates (notifications) read the request's site;
            # give them the configured one.
            "current_site": SimpleNamespace(
                name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        if "signup_url" in context:
            # The "unknown account" mail links to sign-up, built by allauth from the request.
            context["signup_url"] = site_url(reverse("account_signup"))
        super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the per-account limit by the request's host, so every
        # spelling of a host Django accepts ("localhost", "LOCALHOST:1",
        # "localhost.") gave five more guesses. The site has one address.
        login = credentials.get("email", credentials.get("username", "")).strip().lower()
        return f"{urlsplit(settings.SITE_URL).netloc.lower()}:{login}"

    def get_client_ip(self, request) -> str:
        # allauth trusts X-Forwarded-For from anyone once a proxy is configured, so a
        # client reaching gunicorn directly could pose as a new address each time.
        remote = request.META.get("REMOTE_ADDR", "")
        if is_trusted_proxy(remote):
            return super().get_client_ip(request)
        try:
            return str(ipaddress.ip_address(remote))
        except ValueError:
            raise PermissionDenied("Unable to determine the client's address.") from None

    def get_login_redirect_url(self, request) -> str:
        # A mentor comes to follow their cohorts; a learner to their dashboard
        # (LOGIN_REDIRECT_URL). A `next` address, when there is one, wins over both.
        if request.user.is_mentor:
            return reverse("cohorts:mentor_home")
        return super().get_login_redirect_url(request)

    def get_password_change_redirect_url(self, request) -> str:
        # A password change signs the person out everywhere (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE),
        # so the next step is to sign in with the new password.
        return reverse("account_login")

    def format_email_subject(self, subject: str) -> str:
        return f"{subject} · {settings.SITE_NAME}"
