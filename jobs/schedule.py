"""Periodic jobs on Django's tasks framework: a registry in settings, kept going by the task worker.

settings.PERIODIC_JOBS names each job, the task it runs (a `django.tasks`
task, by dotted path) and how often:

    PERIODIC_JOBS = {
        "check-links": {"task": "roadmap.tasks.check_links", "every": timedelta(days=1)},
    }

Nothing but the task worker (`manage.py db_worker`) is needed. Each job is a
chain of `jobs.tasks.run_periodic_job` tasks queued with `run_after`: when one
is due, it queues the job's task to run at once and the next link of the
chain for one interval later, in one transaction (the database backend
queues tasks as rows, so both are queued or neither). `jobs_schedule()`
(`manage.py schedule_jobs`, run by the release step and when the worker
starts) starts the chain of a job that has none, repairs a chain whose next
task was lost, and forgets jobs no longer registered: safe to run any time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.tasks import Task, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.utils.module_loading import import_string

from jobs.models import PeriodicJob

ALIVE = {TaskResultStatus.READY, TaskResultStatus.RUNNING}


@dataclass(frozen=True)
class Job:
    name: str
    task: Task
    every: timedelta


def registered() -> dict[str, Job]:
    """The jobs settings.PERIODIC_JOBS names, checked."""
    jobs = {}
    for name, spec in getattr(settings, "PERIODIC_JOBS", {}).items():
        task = import_string(spec["task"])
        every = spec["every"]
        if not isinstance(task, Task):
            raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: {spec['task']} is not a task (use @task).")
        if not isinstance(every, timedelta) or every <= timedelta(0):
            raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: 'every' must be a positive timedelta.")
        jobs[name] = Job(name=name, task=task, every=every)
    return jobs


def _chain_task():
    from jobs.tasks import run_periodic_job

    return run_periodic_job


def _is_alive(task_id: str) -> bool:
    if not task_id:
        return False
    try:
        return _chain_task().get_result(task_id).status in ALIVE
    except TaskResultDoesNotExist:
        return False


def _queue_chain(row: PeriodicJob, at: datetime) -> None:
    result = _chain_task().using(run_after=at).enqueue(row.name)
    row.pending_task_id = result.id


def jobs_schedule(*, now: datetime | None = None) -> list[str]:
    """Make sure every registered job has a live chain; forget unregistered ones. One line per job."""
    now = now or timezone.now()
    jobs = registered()
    lines = []
    with transaction.atomic():
        forgotten = PeriodicJob.objects.exclude(name__in=jobs).delete()[0]
        if forgotten:
            lines.append(f"forgot {forgotten} job(s) no longer in PERIODIC_JOBS")
        for job in jobs.values():
            # Locked, so two starts at once (two workers) queue one chain, not two.
            row = PeriodicJob.objects.select_for_update().filter(name=job.name).first()
            if row is None:
                row = PeriodicJob(name=job.name, next_run_at=now)  # first run: at once
            elif _is_alive(row.pending_task_id):
                lines.append(f"{job.name}: every {job.every}, next at {row.next_run_at:%Y-%m-%d %H:%M} UTC")
                continue
            _queue_chain(row, max(row.next_run_at, now))
            row.save()
            lines.append(f"{job.name}: every {job.every}, queued for {row.next_run_at:%Y-%m-%d %H:%M} UTC")
    return lines


def job_run(*, name: str, task_id: str, now: datetime | None = None) -> str:
    """Run the job `name` now if `task_id` is its chain's pending task: queue its task, and the next run."""
    now = now or timezone.now()
    job = registered().get(name)
    with transaction.atomic():
        row = PeriodicJob.objects.select_for_update().filter(name=name).first()
        if job is None or row is None:
            return f"{name}: not a periodic job any more; nothing done"
        if row.pending_task_id != task_id:
            return f"{name}: another task runs this job; nothing done"
        # The next run keeps the job's rhythm, skipping the runs missed while nothing ran.
        missed = max(0, (now - row.next_run_at) // job.every)
        row.next_run_at += job.every * (missed + 1)
        row.last_started_at = now
        row.last_task_id = job.task.enqueue().id
        _queue_chain(row, row.next_run_at)
        row.save()
    return f"{name}: started task {row.last_task_id}; next run at {row.next_run_at:%Y-%m-%d %H:%M} UTC"
