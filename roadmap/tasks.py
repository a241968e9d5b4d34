"""Background tasks on the roadmap, run by the task worker (settings.PERIODIC_JOBS schedules them)."""

from django.tasks import task

from roadmap.services import link_checks_run


@task
def check_links() -> str:
    """Check every resource's link and record the answers (what `manage.py check_links` does)."""
    return str(link_checks_run())
