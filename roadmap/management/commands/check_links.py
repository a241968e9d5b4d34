from django.core.management.base import BaseCommand, CommandError

from roadmap.services import link_checks_run


class Command(BaseCommand):
    help = (
        "Check the link of every resource that has one (HEAD, then GET when refused; permanent redirects "
        "followed and reported as moved) and record, per resource, the status, HTTP code, where it leads, "
        "when it was checked, when it last answered OK and how many checks in a row failed. Writes only "
        "the link checks (never the resources), in one transaction after all the requests; --dry-run "
        "writes nothing. The admin lists the links needing attention."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10, help="Seconds to wait for an answer (10).")
        parser.add_argument("--concurrency", type=int, default=8, help="Hosts asked at once (8).")
        parser.add_argument(
            "--delay", type=float, default=1.0, help="Seconds between two requests to one host (1)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check, but record nothing.")

    def handle(self, *args, timeout, concurrency, delay, dry_run, **options):
        if timeout <= 0 or concurrency < 1 or delay < 0:
            raise CommandError("--timeout must be above 0, --concurrency at least 1, --delay 0 or more.")
        summary = link_checks_run(timeout=timeout, concurrency=concurrency, delay=delay, dry_run=dry_run)
        self.stdout.write(str(summary))
