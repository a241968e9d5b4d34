"""Where each periodic job stands: when it runs next, and the queued task that will run it."""

from django.db import models


class PeriodicJob(models.Model):
    """One job of settings.PERIODIC_JOBS, as `jobs.schedule` keeps it going.

    Each job is a chain: a queued `run_periodic_job` task (`pending_task_id`),
    due at `next_run_at`, which starts the job's own task and queues the next
    link of the chain. Only the task named here may run the job, so a chain
    queued twice by mistake runs it once.
    """

    name = models.SlugField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    pending_task_id = models.CharField(max_length=64, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    # The job's own task of the last run: its outcome is in the task results (admin).
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
