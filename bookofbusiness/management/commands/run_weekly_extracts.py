"""python manage.py run_weekly_extracts [--week YYYY-MM-DD] — the Monday run, by hand, in this process."""

import datetime
import time

from django.core.management.base import BaseCommand

from bookofbusiness.extracts import owner_batches, owners_for_week, purge_old_extracts, week_of, write_owner_extracts


class Command(BaseCommand):
    help = "Write and publish the week's Book of Business and Conditional Eligibility extracts that are missing."

    def add_arguments(self, parser):
        parser.add_argument("--week", type=datetime.date.fromisoformat, default=None,
                            help="Any day of the week to extract (its Monday is used); this week by default.")  # fmt: skip

    def handle(self, *args, week=None, **options):
        monday = week_of(week or datetime.date.today())
        started = time.monotonic()
        agents, agencies = owners_for_week()
        written = 0
        for scope, batch in owner_batches(agents, agencies):
            written += write_owner_extracts(scope=scope, owner_ids=batch, week=monday)
        purged = purge_old_extracts()
        self.stdout.write(
            f"Week of {monday}: {written} extracts written for {len(agents)} agents and {len(agencies)} agencies "
            f"in {time.monotonic() - started:.1f} s; {purged} old extracts removed."
        )
