"""python manage.py run_weekly_extracts [--week YYYY-MM-DD] — the Monday run, by hand, in this process."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookofbusiness.extracts import oldest_week_kept, run_week, week_of, write_owner_extracts


class Command(BaseCommand):
    help = "Write and publish the week's Book of Business and Conditional Eligibility extracts that are missing."

    def add_arguments(self, parser):
        parser.add_argument("--week", type=datetime.date.fromisoformat, default=None,
                            help="Any day of the week to extract (its Monday is used); this week by default.")  # fmt: skip

    def handle(self, *args, week=None, **options):
        # The portal's day: Pacific time (tests/test_calendar_edges.py runs it on a Sunday evening, Monday in UTC).
        this_week = week_of(timezone.localdate())
        monday = week_of(week or this_week)
        oldest_kept = oldest_week_kept(today=this_week)
        if monday < oldest_kept:
            raise CommandError(
                f"The week of {monday} is past the retention period: only the last "
                f"{settings.EXTRACT_RETENTION_WEEKS} weeks are kept (from {oldest_kept})."
            )
        started = time.monotonic()
        run = run_week(
            monday, write=lambda scope, batch: write_owner_extracts(scope=scope, owner_ids=batch, week=monday)
        )
        self.stdout.write(
            f"Week of {monday}: {sum(run['results'])} extracts written for {run['agents']} agents and "
            f"{run['agencies']} agencies in {time.monotonic() - started:.1f} s; {run['purged']} old extracts removed."
        )
