"""Import stories from a Ghost or Substack export: a dry run unless --apply is given."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Author, Section
from content_import import services
from content_import.bundle import Bundle
from content_import.models import ContentImport, Source
from content_import.records import BadExport


class Command(BaseCommand):
    help = "Import posts from a Ghost JSON export or a Substack export (zip or folder)."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=[s.value for s in Source])
        parser.add_argument("path", type=Path, help="The export: a file, a zip or a folder.")
        parser.add_argument("--section", required=True, help="The slug of the section.")
        parser.add_argument("--author", help="The slug of the byline for posts without one.")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--apply", action="store_true", help="Import now, in this process.")
        what.add_argument(
            "--background", action="store_true", help="Import in the background task queue."
        )

    def handle(self, *args, source, path, section, author, apply, background, **options):
        section_obj = Section.objects.filter(slug=section).first()
        if section_obj is None:
            raise CommandError(f"There is no section “{section}”.")
        author_obj = None
        if author:
            author_obj = Author.objects.filter(slug=author).first()
            if author_obj is None:
                raise CommandError(f"There is no author “{author}”.")
        try:
            content_import = services.prepare_import(
                source=source,
                bundle=Bundle.from_path(path),
                filename=path.name,
                section=section_obj,
                author=author_obj,
                actor=None,
            )
        except BadExport as error:
            raise CommandError(str(error)) from error
        self._show_plan(content_import)
        if apply:
            done = services.run_now(content_import, actor=None)
            if done.state != ContentImport.State.DONE:
                raise CommandError(f"The import failed: {done.error}")
            self.stdout.write(self.style.SUCCESS(f"Imported: {_counts(done.result)}"))
        elif background:
            services.confirm_import(content_import=content_import, actor=None)
            self.stdout.write(f"Queued as import {content_import.pk}; a worker will run it.")
        else:
            self.stdout.write("Dry run: nothing was changed. Add --apply to import.")

    def _show_plan(self, content_import: ContentImport) -> None:
        for action in content_import.plan:
            line = f"{action['verb']:>9}  {action['kind']:<6} {action['label']}"
            self.stdout.write(line)
            for reason in action["reasons"]:
                self.stdout.write(f"{'':>19}{reason}")
        self.stdout.write(f"In all: {_counts(content_import.totals)}")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing"
