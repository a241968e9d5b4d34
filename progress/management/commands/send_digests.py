from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from progress.mentoring.digest import digest_send


class Command(BaseCommand):
    help = (
        "Send the weekly mentor digest: to every active person with the mentor role whose digest "
        "is on (their settings page; on by default) and who got none in the last six days, an "
        "email listing, per active cohort they mentor, new members, projects waiting for review, "
        "learners newly stuck on a topic (21 days in progress), quiet (14 days) or behind their "
        "plan. Mentors with nothing to act on get no email. Marks each digest sent, so running it "
        "twice in a week sends nothing more. It runs here, at once; the worker's weekly job "
        '(PERIODIC_JOBS "weekly-digest") runs the same thing as the task '
        "progress.mentoring.tasks.send_weekly_digests. "
        "--dry-run counts who would get one, and sends and marks nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the digests that would go out; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = digest_send(now=timezone.now(), dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {counts['sent']} digest{'' if counts['sent'] == 1 else 's'}; "
            f"{counts['empty']} mentor{'' if counts['empty'] == 1 else 's'} had nothing to act on; "
            f"{counts['failed']} failed."
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} digest(s) could not be sent; see the log.")
