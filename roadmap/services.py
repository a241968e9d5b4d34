"""Writes on the roadmap beyond one row: recording link checks, adopting a moved link."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from roadmap import linkcheck
from roadmap.models import LinkCheck, Resource

FAILED = {LinkCheck.Status.BROKEN, LinkCheck.Status.UNREACHABLE}


def user_agent() -> str:
    return f"{settings.SITE_NAME} link checker (+{settings.SITE_URL})"


@dataclass
class LinkCheckSummary:
    links: int = 0
    resources: int = 0
    statuses: Counter = field(default_factory=Counter)
    dry_run: bool = False

    def __str__(self):
        verb = "Would record" if self.dry_run else "Checked"
        counts = ", ".join(f"{self.statuses[status]} {status}" for status in LinkCheck.Status.values)
        return f"{verb} {self.links} links of {self.resources} resources: {counts}."


def link_checks_run(
    *,
    timeout: float = 10,
    concurrency: int = 8,
    delay: float = 1.0,
    dry_run: bool = False,
    now: datetime | None = None,
) -> LinkCheckSummary:
    """Check every resource's link and record what each answered (one LinkCheck per resource).

    The requests happen before any write, outside a transaction; the results
    are written in one transaction, one statement. A link used by several
    resources is asked once.
    """
    resources = list(Resource.objects.exclude(url="").values_list("pk", "url"))
    outcomes = linkcheck.check_all(
        (url for _pk, url in resources),
        timeout=timeout,
        user_agent=user_agent(),
        concurrency=concurrency,
        delay=delay,
        allow_private=settings.LINK_CHECK_PRIVATE_ADDRESSES,
    )
    now = now or timezone.now()
    summary = LinkCheckSummary(links=len(outcomes), resources=len(resources), dry_run=dry_run)
    summary.statuses.update(outcome.status for outcome in outcomes.values())
    if dry_run:
        return summary
    with transaction.atomic():
        before = LinkCheck.objects.select_for_update().in_bulk([pk for pk, _url in resources])
        checks = []
        for pk, url in resources:
            outcome, previous = outcomes[url], before.get(pk)
            same_link = previous is not None and previous.url == url
            failed = outcome.status in FAILED
            checks.append(
                LinkCheck(
                    resource_id=pk,
                    url=url,
                    status=outcome.status,
                    http_code=outcome.http_code,
                    final_url=outcome.final_url[:2000],
                    error=outcome.error[:200],
                    checked_at=now,
                    last_ok_at=(previous.last_ok_at if same_link else None) if failed else now,
                    failures=((previous.failures if same_link else 0) + 1) if failed else 0,
                )
            )
        LinkCheck.objects.bulk_create(
            checks,
            update_conflicts=True,
            unique_fields=["resource"],
            update_fields=[
                "url",
                "status",
                "http_code",
                "final_url",
                "error",
                "checked_at",
                "last_ok_at",
                "failures",
            ],
        )
    return summary


def resource_adopt_redirect(*, check: LinkCheck) -> bool:
    """Point the resource at where its link moved for good. False when the check says no such thing.

    The resource's save is an ordinary content change: it shows in the history
    and on the public pages at once.
    """
    resource = check.resource
    if check.status != LinkCheck.Status.MOVED or not check.final_url or check.url != resource.url:
        return False
    with transaction.atomic():
        resource.url = check.final_url
        resource.full_clean(validate_unique=False, validate_constraints=False)
        resource.save(update_fields=["url"])
        # The target answered OK through the redirect: that is now the link's own answer.
        check.url, check.final_url, check.status = resource.url, "", LinkCheck.Status.OK
        check.save(update_fields=["url", "final_url", "status"])
    return True
