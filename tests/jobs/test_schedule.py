"""Periodic jobs on the tasks framework, run by django-tasks-db's own worker (`db_worker --batch`).

No mock: the tests queue tasks in the database and let the real worker run
what is due, then look at the task results and the schedule. The worker
commits and checks its connection as in production, so these tests run
outside a test transaction (`transaction=True`).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import PeriodicJob
from jobs.schedule import jobs_schedule, registered

HELLO = "tests.jobs.tasks.say_hello"
CHAIN = "jobs.tasks.run_periodic_job"


@pytest.fixture
def hello_job(settings):
    settings.PERIODIC_JOBS = {"hello": {"task": HELLO, "every": timedelta(hours=6)}}


# serialized_rollback: the rows the data migrations made (groups, permissions) come back
# after each test, as for every other test outside a transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _work():
    """Run every task that is due, as the worker does, then stop."""
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0, stdout=StringIO()
    )


def _results(path):
    return DBTaskResult.objects.filter(task_path=path)


def test_it_registers_the_daily_link_check():
    jobs = registered()
    assert jobs["check-links"].every == timedelta(days=1)
    assert jobs["check-links"].task.module_path == "roadmap.tasks.check_links"


def test_it_runs_a_job_at_once_then_once_per_interval(hello_job):
    out = StringIO()
    call_command("schedule_jobs", stdout=out)
    assert "hello: every 6:00:00, queued for" in out.getvalue()

    _work()

    (run,) = _results(HELLO)
    assert run.status == TaskResultStatus.SUCCESSFUL
    assert run.return_value == "hello"
    job = PeriodicJob.objects.get()
    assert job.last_task_id == str(run.id)
    # The next link of the chain waits for its time; nothing else is due.
    pending = _results(CHAIN).get(status=TaskResultStatus.READY)
    assert str(pending.id) == job.pending_task_id
    assert pending.run_after == job.next_run_at
    assert timedelta(hours=5) < job.next_run_at - timezone.now() <= timedelta(hours=6)
    _work()
    assert _results(HELLO).count() == 1

    # Six hours later (made due now), it runs again, and queues the one after.
    DBTaskResult.objects.filter(pk=pending.pk).update(run_after=timezone.now())
    _work()
    assert _results(HELLO).filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert _results(CHAIN).filter(status=TaskResultStatus.READY).count() == 1


def test_scheduling_again_queues_nothing_more(hello_job):
    call_command("schedule_jobs", stdout=StringIO())
    out = StringIO()
    call_command("schedule_jobs", stdout=out)
    assert "next at" in out.getvalue()
    assert _results(CHAIN).count() == 1


def test_a_chain_queued_twice_runs_the_job_once(hello_job):
    from jobs.tasks import run_periodic_job

    call_command("schedule_jobs", stdout=StringIO())
    run_periodic_job.enqueue("hello")  # a stray duplicate

    _work()

    assert _results(HELLO).count() == 1
    assert _results(CHAIN).filter(status=TaskResultStatus.READY).count() == 1


def test_it_repairs_a_chain_whose_task_was_lost(hello_job):
    call_command("schedule_jobs", stdout=StringIO())
    _results(CHAIN).delete()  # pruned, or the database restored from before

    jobs_schedule()
    _work()

    assert _results(HELLO).count() == 1


def test_it_forgets_a_job_no_longer_listed(hello_job, settings):
    call_command("schedule_jobs", stdout=StringIO())
    settings.PERIODIC_JOBS = {}

    assert jobs_schedule() == ["forgot 1 job(s) no longer in PERIODIC_JOBS"]
    _work()  # its queued link finds no job: nothing runs

    assert not PeriodicJob.objects.exists()
    assert not _results(HELLO).exists()


def test_it_refuses_a_job_that_is_not_a_task(settings):
    settings.PERIODIC_JOBS = {"bad": {"task": "jobs.schedule.registered", "every": timedelta(days=1)}}
    with pytest.raises(ImproperlyConfigured, match="is not a task"):
        registered()


def test_the_worker_checks_links_on_schedule(roadmap, link_server):
    from roadmap.models import LinkCheck, Resource

    Resource.objects.exclude(url="").update(url=link_server.url("/missing"))
    call_command("schedule_jobs", stdout=StringIO())

    _work()

    (run,) = _results("roadmap.tasks.check_links")
    assert run.status == TaskResultStatus.SUCCESSFUL, run.traceback
    assert "broken" in run.return_value
    assert LinkCheck.objects.filter(status="broken").count() == Resource.objects.exclude(url="").count()
