"""Rebuild the dashboard's daily figures from the subscription history and the readers' dates.

manage.py rollup_figures                    # every day the records go back to
manage.py rollup_figures --since 2026-01-01
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from desk.rollups import first_recorded_day, local_today, rebuild


class Command(BaseCommand):
    help = "Rebuild the dashboard's daily figures (safe to run again: it rewrites those days)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="First day to rebuild, YYYY-MM-DD.")

    def handle(self, *args, since: str | None = None, **options):
        if since:
            try:
                first = date.fromisoformat(since)
            except ValueError:
                raise CommandError(
                    f"--since must be a date like 2026-01-31; got {since!r}."
                ) from None
        else:
            first = first_recorded_day()
        written = rebuild(first=first, last=local_today())
        self.stdout.write(f"Rebuilt the figures of {written} day(s) from {first:%Y-%m-%d}.")
