from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from roadmap.importer import RoadmapImportError, roadmap_import
from roadmap.markdown import MarkdownError, parse
from roadmap.models import Roadmap


class Command(BaseCommand):
    help = (
        "Read the roadmap markdown file PATH (format: docs/roadmap-format.md) and create or update the "
        "roadmap whose key is --key (default: the file name without .md), with its phases, sections, "
        "topic trees, resources, project ideas, timeline, career paths, tools, communities, channels, "
        "principles and human skills. Rows are matched by key: titles, links, order and the other "
        "fields of matching rows are updated in place, new rows are created, and no row is ever "
        "deleted; the keys of rows the file no longer has are listed instead. The whole file is read "
        "and checked first, so an error (reported as FILE:LINE: message) writes nothing. With "
        "--dry-run it prints what would change and writes nothing. With --if-missing it imports only "
        "when no roadmap has that key yet (the release step and `make run`: the seed is loaded once, "
        "and editors' later changes to its rows stay)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The roadmap markdown file.")
        parser.add_argument(
            "--key", help="The roadmap's key, a slug (default: the file name without its extension)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; write nothing.")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Import only when no roadmap has the key yet; otherwise change nothing and say so.",
        )

    def handle(self, *args, path, key, dry_run, if_missing, verbosity, **options):
        key = key or slugify(path.stem)
        if not key or key != slugify(key):
            raise CommandError(f"--key must be a slug such as ai-ml-roadmap-2025, not {key!r}")
        if if_missing and Roadmap.objects.filter(key=key).exists():
            self.stdout.write(
                f"The roadmap {key} is already loaded; nothing imported (--if-missing). "
                "Run without --if-missing to bring the seed's own fields back."
            )
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read it: {error}") from None
        try:
            result = roadmap_import(document=parse(text), key=key, dry_run=dry_run)
        except (MarkdownError, RoadmapImportError) as error:
            raise CommandError(f"{path}:{error.line}: {error.message}") from None
        if dry_run or verbosity > 1:
            for row_key in result.created:
                self.stdout.write(f"create {row_key}")
            for row_key, names in result.updated.items():
                self.stdout.write(f"update {row_key} ({', '.join(names)})")
        self.stdout.write(result.summary())
