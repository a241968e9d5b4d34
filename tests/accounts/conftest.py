import re

import pytest
from django.core.cache import cache

LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    """allauth counts attempts in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Hashing is deliberately slow; these tests sign up and sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def confirm_address(user) -> None:
    """Give `user` a confirmed primary address, as sign-up followed by the emailed link does.

    Sign-in needs one: email verification is mandatory by default."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def links_in(message) -> list[str]:
    """Every absolute link in an email's plain-text body."""
    return LINK.findall(message.body)


def html_part(message) -> str:
    (html,) = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html
