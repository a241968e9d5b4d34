"""What the site's navigation offers the person looking at it.

The links are decided here, in Python, so templates never test roles themselves.
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

# Pages other apps provide, and who sees a link to each. A link appears only
# once its URL name resolves, so the navigation never points at a page that
# does not exist yet (the progress app provides dashboard and cohorts).
ROLE_LINKS = (
    # (label, URL name, who may reach it)
    ("Dashboard", "progress:dashboard", lambda user: True),  # every signed-in person is a learner
    ("Plan", "progress:plan", lambda user: True),
    ("Notes", "progress:notes", lambda user: True),
    ("Cohorts", "cohorts:mentor_home", lambda user: user.is_mentor),
    # Mentors reach their own memberships from their cohorts page, which saves
    # them this query on every page.
    ("My cohort", "cohorts:mine", lambda user: not user.is_mentor and _in_a_cohort(user)),
    ("Admin", "admin:index", lambda user: user.is_editor),
)

# Pages where a reminder to verify the email address would only repeat the page.
NO_VERIFY_PROMPT_ON = {"account_email", "account_confirm_email", "account_email_verification_sent"}


def _in_a_cohort(user) -> bool:
    # Read with the user by accounts.backends; asked here for a user loaded otherwise.
    known = getattr(user, "in_a_cohort", None)
    return user.cohort_memberships.exists() if known is None else known


def _user(request):
    """The signed-in person, or None: error pages (a 400 for an unknown host) are
    rendered before AuthenticationMiddleware has set `request.user`."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _links_for(request) -> list[dict]:
    user = _user(request)
    if user is None:
        return []
    links = []
    for label, url_name, may_see in ROLE_LINKS:
        if not may_see(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return links


def _unverified_email(request) -> str:
    """The address to remind the person to verify, or "" when there is nothing to ask."""
    user = _user(request)
    if user is None or allauth_settings.EMAIL_VERIFICATION == "none":
        return ""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in NO_VERIFY_PROMPT_ON:
        return ""
    if getattr(user, "email_verified", None) is not None:  # read with the user by accounts.backends
        return "" if user.email_verified else user.email
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))
    if any(verified for _email, verified, _primary in addresses):
        return ""
    primary = [email for email, _verified, is_primary in addresses if is_primary]
    return primary[0] if primary else user.email


def navigation(request) -> dict:
    # Lazy, so a page that renders without the navigation pays no query for it.
    return {
        "nav_links": SimpleLazyObject(lambda: _links_for(request)),
        "unverified_email": SimpleLazyObject(lambda: _unverified_email(request)),
    }
