"""A task for the scheduling tests to run periodically (settings.PERIODIC_JOBS names it by path)."""

from django.tasks import task


@task
def say_hello() -> str:
    return "hello"
