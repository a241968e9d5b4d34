from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from progress.mentoring.tasks import send_weekly_digests


class Command(BaseCommand):
    help = (
        "Send the weekly mentor digest: to every active person with the mentor role whose digest "
        "is on (their settings page; on by default) and who got none in the last six days, an "
        "email listing, per active cohort they mentor, new members, projects waiting for review, "
        "learners newly stuck on a topic (21 days in progress), quiet (14 days) or behind their "
        "plan. Mentors with nothing to act on get no email. Marks each digest sent, so running it "
        "twice in a week sends nothing more. The weekly schedule runs this (cron: "
        "`0 7 * * 1 python manage.py send_digests`). It enqueues the task "
        "progress.mentoring.tasks.send_weekly_digests, which the default task backend runs at once. "
        "--dry-run counts who would get one, and sends and marks nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the digests that would go out; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        result = send_weekly_digests.enqueue(dry_run=dry_run)
        if result.status == TaskResultStatus.FAILED:
            raise CommandError(f"The weekly digests failed:\n{result.errors[-1].traceback}")
        if result.status != TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Queued the weekly digests (task {result.id}).")
            return
        counts = result.return_value
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {counts['sent']} digest{'' if counts['sent'] == 1 else 's'}; "
            f"{counts['empty']} mentor{'' if counts['empty'] == 1 else 's'} had nothing to act on; "
            f"{counts['failed']} failed."
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} digest(s) could not be sent; see the log.")
