"""Background work of mentoring, as Django tasks (`django.tasks`).

Without a TASKS setting Django runs a task at once, in the process that
enqueues it (ImmediateBackend); with a queue backend a worker runs it. Either
way `manage.py send_digests` is what the weekly schedule calls.
"""

from django.tasks import task
from django.utils import timezone

from progress.mentoring.digest import digest_send


@task
def send_weekly_digests(dry_run: bool = False) -> dict:
    """This week's digest to every mentor with something to act on: {sent, empty, failed}."""
    return digest_send(now=timezone.now(), dry_run=dry_run)
