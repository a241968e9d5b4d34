from django.core.management.base import BaseCommand

from jobs.schedule import jobs_schedule


class Command(BaseCommand):
    help = (
        "Make sure every job in settings.PERIODIC_JOBS is queued to run (the first run at once, then "
        "once per interval), repair a job whose queued task was lost, and forget jobs no longer listed. "
        "Writes only the jobs' schedule and queued tasks; safe to repeat. The task worker "
        "(manage.py db_worker) runs them."
    )

    def handle(self, *args, **options):
        lines = jobs_schedule()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Scheduled {len(lines)} periodic job(s).")
