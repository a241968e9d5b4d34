from django.tasks import TaskContext, task

from jobs.schedule import job_run


@task(takes_context=True)
def run_periodic_job(context: TaskContext, name: str) -> str:
    """One link of a periodic job's chain (jobs.schedule): start the job, queue the next link."""
    return job_run(name=name, task_id=context.task_result.id)
