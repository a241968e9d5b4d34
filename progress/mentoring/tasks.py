"""Background work of mentoring, as Django tasks (`django.tasks`), run by the worker.

The weekly digest is a periodic job (settings.PERIODIC_JOBS "weekly-digest");
`manage.py send_digests` runs the same digest at once, by hand.
"""

from django.tasks import task
from django.utils import timezone

from progress.mentoring.digest import digest_send


@task
def send_weekly_digests(dry_run: bool = False) -> dict:
    """This week's digest to every mentor with something to act on: {sent, empty, failed}."""
    return digest_send(now=timezone.now(), dry_run=dry_run)
