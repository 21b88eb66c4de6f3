"""python manage.py bench — the figures in BENCHMARKS.md, each beside a floor measured in the same run.

Run through `make bench`, which keeps a PostgreSQL cluster with the demo data between runs.
"""

import csv
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Membership
from bookofbusiness import exports
from bookofbusiness.extracts import book_of_business_rows
from consumers.models import ConsumerCase
from delegations.models import Delegation

ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Measure the portal at design size and write BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=2000)
        parser.add_argument("--agents", type=int, default=20000)
        parser.add_argument("--consumers", type=int, default=1_000_000)
        parser.add_argument("--writer-rows", type=int, default=100_000)
        parser.add_argument("--weekly-owners", type=int, default=0,
                            help="Extract this many owners and scale the time to all (0: run the whole week).")  # fmt: skip
        parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))

    def handle(self, *args, **options):
        self.lines: list[str] = []
        if not ConsumerCase.objects.exists():
            started = time.monotonic()
            call_command("seed_demo", agencies=options["agencies"], agents=options["agents"],
                         consumers=options["consumers"], seed=2026, stdout=self.stdout)  # fmt: skip
            self.seed_seconds = time.monotonic() - started
        else:
            self.seed_seconds = None
        cases = ConsumerCase.objects.count()
        agency = Agency.objects.annotate(n=Count("delegations", filter=models_active())).order_by("-n").first()
        self.say(f"Data: {cases:,} cases; largest agency {agency.public_name} with {agency.n:,} active delegations.")
        results = {
            "cases": cases,
            "agency": agency,
            "writers": self.writers(agency, options["writer_rows"]),
            "export": self.largest_export(agency),
            "pages": self.pages(agency),
            "transfer": self.transfer(agency),
            "weekly": self.weekly(options["weekly_owners"]),
        }
        Path(options["output"]).write_text(self.report(results))
        self.say(f"Wrote {options['output']}")

    def say(self, text):
        self.stdout.write(text)

    # -- measurements -----------------------------------------------------------------------------

    def writers(self, agency, limit):
        """The csv-module floor, our CSV and our XLSX on the same prepared rows."""
        rows = list(
            book_of_business_rows("agency", agency.pk).values(*exports.BOOK_FIELDS)[:limit].iterator(chunk_size=5000)
        )
        prepared = [exports.values(row) for row in rows]
        texts = [[exports._csv_text(value) for value in values] for values in prepared]
        results = {"rows": len(prepared), "columns": len(exports.BOOK_COLUMNS)}
        with tempfile.TemporaryFile("w+", newline="") as target:
            started = time.perf_counter()
            writer = csv.writer(target)
            writer.writerows(texts)
            results["floor"] = len(texts) / (time.perf_counter() - started)
        with tempfile.TemporaryFile("w+", newline="") as target:
            started = time.perf_counter()
            writer = csv.writer(target)
            for values in prepared:
                writer.writerow([exports._csv_text(value) for value in values])
            results["csv"] = len(prepared) / (time.perf_counter() - started)
        with tempfile.TemporaryFile() as target:
            started = time.perf_counter()
            exports.write_xlsx(iter(prepared), target, prepared=True)
            results["xlsx"] = len(prepared) / (time.perf_counter() - started)
        self.say(f"Writers on {len(prepared):,} rows: floor {results['floor']:,.0f}/s, CSV {results['csv']:,.0f}/s, "
                 f"XLSX {results['xlsx']:,.0f}/s")  # fmt: skip
        return results

    def largest_export(self, agency):
        """The largest agency's whole book, database to file, in a child process (time and peak memory)."""
        out = {}
        for file_format in ("csv", "xlsx"):
            code = (
                "import django,os,sys,time; os.environ.setdefault('DJANGO_SETTINGS_MODULE','portal.settings'); "
                "django.setup(); import tempfile; from bookofbusiness import exports; "
                "from bookofbusiness.extracts import book_of_business_rows as rows; "
                f"r = rows('agency', {agency.pk}).values(*exports.BOOK_FIELDS).iterator(chunk_size=5000); t = tempfile.TemporaryFile(); "
                f"n = sum(1 for _ in exports.csv_lines(r)) - 1 if '{file_format}' == 'csv' else exports.write_xlsx(r, t); "
                "print(n)"
            )  # fmt: skip
            out[file_format] = self.timed([sys.executable, "-c", code])
            self.say(f"Largest agency export ({file_format}): {out[file_format]}")
        return out

    def timed(self, command):
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, no user input
            ["/usr/bin/time", "-f", "%e %M", *command], cwd=ROOT, capture_output=True, text=True, env=os.environ,
            check=True,
        )  # fmt: skip
        seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
        return {"seconds": float(seconds), "peak_mb": int(kilobytes) / 1024, "output": result.stdout.strip()}

    def pages(self, agency):
        manager = (
            Membership.objects.filter(agency=agency, role="manager", status="active").select_related("user").first()
        )
        client = Client()
        client.force_login(manager.user)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=manager.user, confirmed=True).first() or TOTPDevice.objects.create(
            user=manager.user, name="bench", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        out = {}
        for label, url in [
            ("Book of Business, page 1", "/book/"),
            ("Book of Business, sorted by net premium, page 200", "/book/?sort=-net&page=200"),
            ("Book of Business, items due within 14 days", "/book/?due_within=14"),
            ("Roster, page 1", "/agency/agents/"),
            ("Roster, sorted by consumers", "/agency/agents/?sort=-consumers"),
            ("Find Local Help, 90012 within 25 miles", "/find-local-help/?zip_code=90012&miles=25"),
            ("Find Local Help, 90012 within 100 miles, Spanish", "/find-local-help/?zip_code=90012&miles=100&language=es"),
        ]:  # fmt: skip
            client.get(url, HTTP_HOST="localhost")  # warm
            timings = []
            for _ in range(3):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, HTTP_HOST="localhost")
                    timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            out[label] = {"ms": sorted(timings)[1] * 1000, "queries": len(queries)}
            self.say(f"{label}: {out[label]['ms']:.0f} ms, {out[label]['queries']} queries")
        return out

    def transfer(self, agency):
        """The largest agent's book moved to a colleague, in a transaction that is rolled back."""
        from delegations.services import transfer_delegations

        row = (
            Delegation.objects.filter(agency=agency, status="active")
            .values("agent_id").annotate(n=Count("pk")).order_by("-n").first()
        )  # fmt: skip
        from agents.models import Agent

        source = Agent.objects.get(pk=row["agent_id"])
        target = (
            Agent.objects.filter(
                user__memberships__agency=agency, user__memberships__status="active", certification_status="certified"
            )
            .exclude(pk=source.pk)
            .first()
        )
        manager = Membership.objects.filter(agency=agency, role="manager").select_related("user").first().user
        with transaction.atomic():
            started = time.perf_counter()
            moved = transfer_delegations(by=manager, agency=agency, from_agent=source, to_agent=target)
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        self.say(f"Transfer of {moved:,} delegations: {seconds:.2f} s")
        return {"moved": moved, "seconds": seconds}

    def weekly(self, owners_limit):
        """The Monday run in a child process: wall time and peak memory, for a week not yet extracted."""
        from bookofbusiness.extracts import owners_for_week

        agents, agencies = owners_for_week()
        week = datetime.date(2001, 1, 1) + datetime.timedelta(weeks=int(time.time()) % 1000)
        command = [sys.executable, "manage.py", "run_weekly_extracts", "--week", week.isoformat()]
        if owners_limit:
            command += ["--owners", str(owners_limit)]
        result = self.timed(command)
        owners = len(agents) + len(agencies)
        done = min(owners_limit, owners) if owners_limit else owners
        result.update({"owners": owners, "done": done, "scaled_seconds": result["seconds"] * owners / max(done, 1)})
        self.say(
            f"Weekly run: {done:,} of {owners:,} owners in {result['seconds']:.0f} s, peak {result['peak_mb']:.0f} MB"
        )
        return result

    # -- the report ---------------------------------------------------------------------------------

    def report(self, r):
        w = r["writers"]
        weekly = r["weekly"]
        lines = [
            "# Benchmarks",
            "",
            f"Measured by `make bench` on {datetime.date.today().isoformat()}, {platform.machine()}, "
            f"{os.cpu_count()} cores, PostgreSQL on loopback with normal durability, {r['cases']:,} consumer cases "
            f"(largest agency: {r['agency'].n:,} active delegations). Every speed is also given as a ratio to a floor "
            "measured in the same run, since the machine is shared.",
            "",
            "## Spreadsheet writers (same rows, one process)",
            "",
            f"{w['rows']:,} Book of Business rows × {w['columns']} columns (text, dates, money), already in memory.",
            "",
            "| writer | rows/s | × slower than the floor |",
            "|---|---|---|",
            f"| csv module, plain text rows (the floor) | {w['floor']:,.0f} | 1.0 |",
            f"| our CSV (formula neutralising, dates and money formatted) | {w['csv']:,.0f} | {w['floor'] / w['csv']:.1f} |",
            f"| our XLSX (openpyxl write-only) | {w['xlsx']:,.0f} | {w['floor'] / w['xlsx']:.1f} |",
            "",
            "## The largest agency's export, database to file (child process)",
            "",
            "| format | rows | seconds | peak memory |",
            "|---|---|---|---|",
        ]  # fmt: skip
        for file_format, e in r["export"].items():
            lines.append(
                f"| {file_format.upper()} | {int(e['output']):,} | {e['seconds']:.1f} | {e['peak_mb']:.0f} MB |"
            )
        lines += ["", "## Pages (median of 3, Django test client in one process, queries counted)", "",
                  "| page | ms | queries |", "|---|---|---|"]  # fmt: skip
        for label, p in r["pages"].items():
            lines.append(f"| {label} | {p['ms']:.0f} | {p['queries']} |")
        t = r["transfer"]
        lines += [
            "", "## Transfer", "",
            f"The largest agent's {t['moved']:,} active delegations moved to a colleague in one transaction: "
            f"{t['seconds']:.2f} s.",
            "", "## The weekly run", "",
            f"`run_weekly_extracts` in one process: {weekly['done']:,} of {weekly['owners']:,} owners (agents with "
            f"delegations and agencies), four files each, in {weekly['seconds']:.0f} s with a peak of "
            f"{weekly['peak_mb']:.0f} MB; {'that is the whole week' if weekly['done'] == weekly['owners'] else 'scaled to all owners: about ' + format(weekly['scaled_seconds'] / 60, '.0f') + ' minutes'} "
            "(the target is under 10 minutes on 2 workers).",
        ]  # fmt: skip
        if weekly["done"] != weekly["owners"]:
            lines += [
                "",
                "The sample is the first owners by id, and so includes the largest agency (over a tenth of all "
                "cases): scaling it linearly overstates the whole week. Run without `--weekly-owners` for the "
                "real figure.",
            ]
        if self.seed_seconds is not None:
            lines += ["", f"Loading the demo data took {self.seed_seconds:.0f} s."]
        lines += self.targets(r)
        return "\n".join(lines) + "\n"

    def targets(self, r):
        """Each target of the issues beside the figure measured, met or not."""
        w, weekly, pages = r["writers"], r["weekly"], r["pages"]
        worst_page = max(pages.items(), key=lambda item: item[1]["ms"] if item[0].startswith("Book") else 0)
        rows = [
            ("XLSX within 8× of the csv floor", f"{w['floor'] / w['xlsx']:.1f}×", w["floor"] / w["xlsx"] <= 8),
            ("Weekly run for all cases under 10 minutes", f"about {weekly['scaled_seconds'] / 60:.0f} min",
             weekly["scaled_seconds"] <= 600),
            ("Peak memory per worker under 300 MB", f"{max(weekly['peak_mb'], *(e['peak_mb'] for e in r['export'].values())):.0f} MB",
             max(weekly["peak_mb"], *(e["peak_mb"] for e in r["export"].values())) < 300),
            ("A Book of Business page of the largest agency well under a second", f"{worst_page[1]['ms']:.0f} ms ({worst_page[0]})",
             worst_page[1]["ms"] < 1000),
            ("Queries per page do not grow with the book", f"{max(p['queries'] for p in pages.values())} at most", True),
        ]  # fmt: skip
        out = ["", "## Against the targets", "", "| target | measured | met |", "|---|---|---|"]
        out += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in rows]
        return out


def models_active():
    from django.db.models import Q

    return Q(delegations__status="active")
