"""python manage.py bench — the figures in BENCHMARKS.md, each beside a floor measured in the same run.

Run through `make bench`, which keeps a PostgreSQL cluster with the demo data between runs.
"""

import csv
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Membership
from agents.models import Agent
from bookofbusiness import exports
from bookofbusiness.extracts import book_of_business_rows, owners_for_week, week_of
from bookofbusiness.models import Extract
from bookofbusiness.tasks import run_weekly_extracts
from config.celery import app
from consumers.models import ConsumerCase
from delegations.models import Delegation
from delegations.services import transfer_delegations
from tooling import weekly_floor

ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Measure the portal at design size and write BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=2000)
        parser.add_argument("--agents", type=int, default=20000)
        parser.add_argument("--consumers", type=int, default=1_000_000)
        parser.add_argument("--writer-rows", type=int, default=100_000)
        parser.add_argument("--workers", type=int, default=2, help="Celery worker processes for the weekly run.")
        parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
        parser.add_argument("--part", choices=["all", "work"], default="all",
                            help="work: only Today and the bulk transfer, written into their own section")  # fmt: skip

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
        if options["part"] == "work":
            _replace_section(Path(options["output"]), WORK_HEADING, self.work(agency))
            self.say(f"Wrote the section '{WORK_HEADING}' of {options['output']}")
            return
        results = {
            "cases": cases,
            "agency": agency,
            "writers": self.writers(agency, options["writer_rows"]),
            "export": self.largest_export(agency),
            "pages": self.pages(agency),
            "transfer": self.transfer(agency),
            "weekly": self.weekly(options["workers"]),
            "password": self.password_check(),
        }
        _write_own_sections(Path(options["output"]), self.report(results))
        self.say(f"Wrote its sections of {options['output']}")

    def say(self, text):
        self.stdout.write(text)

    # -- measurements -----------------------------------------------------------------------------

    def writers(self, agency, limit):
        """The csv-module floor, our CSV and our XLSX on the same prepared rows."""
        rows = list(book_of_business_rows("agency", [agency.pk])[:limit].iterator(chunk_size=5000))
        cells = exports.row_maker()
        prepared = [cells(row) for row in rows]
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
        with tempfile.TemporaryFile() as target:
            started = time.perf_counter()
            _openpyxl_write_only(prepared, target)
            results["openpyxl"] = len(prepared) / (time.perf_counter() - started)
        self.say(f"Writers on {len(prepared):,} rows: floor {results['floor']:,.0f}/s, CSV {results['csv']:,.0f}/s, "
                 f"XLSX {results['xlsx']:,.0f}/s")  # fmt: skip
        return results

    def largest_export(self, agency):
        """The largest agency's whole book, database to file, in a child process (time and peak memory)."""
        out = {}
        for file_format in ("csv", "xlsx"):
            code = (
                "import django,os,sys,time; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); "
                "django.setup(); import tempfile; from bookofbusiness import exports; "
                "from bookofbusiness.extracts import book_of_business_rows as rows; "
                f"r = rows('agency', [{agency.pk}]).iterator(chunk_size=5000); t = tempfile.TemporaryFile(); "
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

    def manager_client(self, agency):
        """A test client signed in, past two-factor, as the agency's first Active manager."""
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
        return client, manager.user

    def median_page(self, client, url, *, counted_afresh: bool = False) -> dict:
        """The median of three views after a warm-up; `counted_afresh`: with the cache emptied before each, as the
        first view after a large book's counts expired (once a minute, or five) finds it."""
        client.get(url, HTTP_HOST="localhost")  # warm
        timings = []
        for _ in range(3):
            if counted_afresh:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, HTTP_HOST="localhost")
                timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        return {"ms": sorted(timings)[1] * 1000, "queries": len(queries)}

    def work(self, agency) -> list[str]:
        """Today beside the Book of Business's first page (the floor), and a bulk transfer of the largest agent's
        book through the page (review, then confirm: two requests), beside the transfer service alone (the floor),
        each in a transaction that is rolled back."""
        client, manager = self.manager_client(agency)
        book, today = self.median_page(client, "/book/"), self.median_page(client, "/today/")
        cold_book = self.median_page(client, "/book/", counted_afresh=True)
        cold_today = self.median_page(client, "/today/", counted_afresh=True)
        self.say(f"Today {today['ms']:.0f} ms ({today['queries']} queries); Book page 1 {book['ms']:.0f} ms; "
                 f"counted afresh: {cold_today['ms']:.0f} ms and {cold_book['ms']:.0f} ms")  # fmt: skip
        row = (
            Delegation.objects.filter(agency=agency, status="active")
            .values("agent_id").annotate(n=Count("pk")).order_by("-n").first()
        )  # fmt: skip
        source = Agent.objects.get(pk=row["agent_id"])
        target = (
            Agent.objects.filter(user__memberships__agency=agency, user__memberships__status="active",
                                 certification_status="certified").exclude(pk=source.pk).first()
        )  # fmt: skip
        data = {"all": "1", "filters": f"agent={source.pk}", "to_agent": target.pk}
        floors = []
        for _ in range(2):  # the first reads the rows from disk: a warm-up, so both measures find them in memory
            with transaction.atomic():
                started = time.perf_counter()
                moved = transfer_delegations(by=manager, agency=agency, from_agent=source, to_agent=target)
                floors.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        floor = floors[-1]
        client.post("/book/chosen/transfer/", data, HTTP_HOST="localhost")  # the review warmed, as the service was
        with transaction.atomic():
            started = time.perf_counter()
            shown = client.post("/book/chosen/transfer/", data, HTTP_HOST="localhost")
            review = time.perf_counter() - started
            html = shown.content.decode()
            expected = re.search(r'name="expected" value="(\d+)"', html).group(1)
            fingerprint = re.search(r'name="expected_ids" value="(\w+)"', html).group(1)
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                done = client.post("/book/chosen/transfer/", {**data, "step": "confirm", "expected": expected, "expected_ids": fingerprint,
                                   "expected_agent": target.pk}, HTTP_HOST="localhost")  # fmt: skip
                confirm = time.perf_counter() - started
            assert done.status_code == 302, done.status_code
            page_moved = Delegation.objects.filter(agent=target, status="active", origin="transfer",
                                                   transferred_from__agent=source).count()  # fmt: skip
            transaction.set_rollback(True)
        self.say(
            f"Bulk transfer of {page_moved:,}: review {review:.2f} s, confirm {confirm:.2f} s; service {floor:.2f} s"
        )
        return [
            f"Measured by `make bench BENCH_ARGS=--part=work` on {datetime.date.today().isoformat()}, "
            f"{os.cpu_count()} cores, the same {ConsumerCase.objects.count():,} cases; the largest agency "
            f"({agency.n:,} active delegations) as its Agency Manager; median of 3 after a warm-up.",
            "",
            "| what | seconds | queries | × the floor | floor |",
            "|---|---|---|---|---|",
            f"| Today, the manager's landing page | {today['ms'] / 1000:.2f} | {today['queries']} | "
            f"{today['ms'] / book['ms']:.2f} | Book of Business page 1: {book['ms'] / 1000:.2f} s |",
            f"| the same, its counts counted afresh (the first view after they expire) | "
            f"{cold_today['ms'] / 1000:.2f} | {cold_today['queries']} | {cold_today['ms'] / cold_book['ms']:.2f} | "
            f"Book of Business page 1, counted afresh: {cold_book['ms'] / 1000:.2f} s |",
            f"| Bulk transfer of {page_moved:,} cases through the page: the review | {review:.2f} | | | |",
            f"| the same: confirming (one request, one transaction) | {confirm:.2f} | {len(queries)} | "
            f"{confirm / floor:.2f} | the transfer service alone, {moved:,} cases: {floor:.2f} s |",
            "",
            f"Target: Today no slower than the Book of Business's first page — "
            f"{'met' if today['ms'] <= book['ms'] else '**not met**'} as people see it (counts of a large book kept "
            f"for minutes), {'met' if cold_today['ms'] <= cold_book['ms'] else '**not met**'} counted afresh; the bulk "
            "transfer stays one request — met (both transactions rolled back afterwards).",
        ]

    def pages(self, agency):
        client, _manager = self.manager_client(agency)
        out = {}
        for label, url in [
            ("Book of Business, page 1", "/book/"),
            ("Book of Business, sorted by net premium, page 200", "/book/?sort=-net&page=200"),
            ("Book of Business, items due within 14 days", "/book/?due_within=14"),
            ("Book of Business, search by a surname", "/book/?q=" + _common_surname(agency)),
            ("Roster, page 1", "/agency/agents/"),
            ("Roster, sorted by consumers", "/agency/agents/?sort=-consumers"),
            ("Find Local Help, 90012 within 25 miles", "/find-local-help/?zip_code=90012&miles=25"),
            ("Find Local Help, 90012 within 100 miles, Spanish", "/find-local-help/?zip_code=90012&miles=100&language=es"),
        ]:  # fmt: skip
            out[label] = self.median_page(client, url)
            self.say(f"{label}: {out[label]['ms']:.0f} ms, {out[label]['queries']} queries")
        return out

    def transfer(self, agency):
        """The largest agent's book moved to a colleague, in a transaction that is rolled back."""
        row = (
            Delegation.objects.filter(agency=agency, status="active")
            .values("agent_id").annotate(n=Count("pk")).order_by("-n").first()
        )  # fmt: skip

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

    def weekly(self, workers):
        """The Monday run as production runs it: the beat's task, fanned out to a Celery worker with
        `workers` processes on this machine, timed until every owner's four files are published. Peak memory
        is each worker process's high-water mark (VmHWM). The week's rows and files are removed afterwards."""
        agents, agencies = owners_for_week()
        owners = len(agents) + len(agencies)
        week = week_of(datetime.date(2100, 1, 6))  # a week nobody extracts
        Extract.objects.filter(week=week).delete()
        storage = tempfile.mkdtemp(prefix="bench-extracts-")
        env = {**os.environ, "PRIVATE_STORAGE_ROOT": storage}
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        subprocess.run([*celery, "purge", "-f"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        log = open(Path(storage) / "worker.log", "w")  # noqa: SIM115 - closed below
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*celery, "worker", "--pool", "prefork", "--concurrency", str(workers), "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "-n", f"bench-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=1):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise RuntimeError(f"The Celery worker did not start; see {log.name}")
            started = time.monotonic()
            run_weekly_extracts.delay(week.isoformat())
            week_rows = Extract.objects.filter(week=week)
            while True:
                time.sleep(2)
                published = week_rows.filter(status=Extract.Status.PUBLISHED).count()
                if published >= owners * 4 or time.monotonic() - started > 3600 or worker.poll() is not None:
                    break
            seconds = time.monotonic() - started
            peaks = [_peak_mb(pid) for pid in _children(worker.pid)]
            totals = week_rows.filter(status=Extract.Status.PUBLISHED).aggregate(
                rows=Sum("rows", filter=Q(file_format="csv")), size=Sum("size"), files=Count("pk")
            )
        finally:
            worker.terminate()
            worker.wait(120)
            log.close()
            Extract.objects.filter(week=week).delete()
            shutil.rmtree(storage, ignore_errors=True)
        result = {"owners": owners, "agents": len(agents), "agencies": len(agencies), "workers": workers,
                  "seconds": seconds, "peak_mb": max(peaks, default=0), "peaks": peaks, "complete":
                  totals["files"] == owners * 4, **totals}  # fmt: skip
        self.say(f"Weekly run: {totals['files']:,} of {owners * 4:,} files in {seconds:.0f} s on {workers} worker "
                 f"processes, peaks {', '.join(f'{p:.0f} MB' for p in peaks)}")  # fmt: skip
        for name, csv_only in (("floor", False), ("csv_floor", True)):
            folder = tempfile.mkdtemp(prefix="bench-floor-")
            try:
                result[name] = weekly_floor.run(folder, workers=workers, csv_only=csv_only)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            self.say(f"Weekly floor{' (CSV only)' if csv_only else ''}: {result[name]['files']:,} files in "
                     f"{result[name]['seconds']:.0f} s")  # fmt: skip
        return result

    def password_check(self):
        """Milliseconds of wall clock and of CPU (every thread) per password check, at the portal's Argon2
        parameters and at Django's defaults, with one check at a time."""
        from django.contrib.auth.hashers import Argon2PasswordHasher as DjangosDefaults

        from portal.hashers import Argon2PasswordHasher

        out = {}
        for name, hasher in (("portal", Argon2PasswordHasher()), ("django", DjangosDefaults())):
            encoded = hasher.encode("Portal-Bench-2026!", hasher.salt())
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(10):
                hasher.verify("Portal-Bench-2026!", encoded)
            out[name] = {"ms": (time.perf_counter() - wall) * 100, "cpu_ms": (time.process_time() - cpu) * 100,
                         "memory_mib": hasher.memory_cost / 1024, "time_cost": hasher.time_cost,
                         "parallelism": hasher.parallelism}  # fmt: skip
        self.say(f"Password check: {out['portal']['ms']:.0f} ms (Django's defaults {out['django']['ms']:.0f} ms)")
        return out

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
            f"| our XLSX (rustpy-xlsxwriter, constant memory) | {w['xlsx']:,.0f} | {w['floor'] / w['xlsx']:.1f} |",
            f"| openpyxl write-only, for comparison | {w['openpyxl']:,.0f} | {w['floor'] / w['openpyxl']:.1f} |",
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
            f"`run_weekly_extracts` as the Monday beat starts it, fanned out in batches to one Celery worker with "
            f"{weekly['workers']} processes (PostgreSQL on the same {os.cpu_count()} cores): {weekly['agents']:,} "
            f"agents with delegations and {weekly['agencies']:,} agencies, four files each: "
            f"{weekly['files']:,} files, {weekly['rows'] or 0:,} rows a format, {(weekly['size'] or 0) / 2**30:.2f} GB, "
            f"published in **{weekly['seconds'] / 60:.1f} minutes** "
            f"({'every file' if weekly['complete'] else '**not every file**'}). Peak memory of each worker "
            f"process: {', '.join(format(p, '.0f') + ' MB' for p in weekly['peaks'])}.",
            "",
            "Beside its floor, measured right after it (`tooling/weekly_floor.py`): the same owners in the same batches "
            "on the same number of processes, the same two queries a batch streamed by `COPY ... TO STDOUT`, each "
            "owner's rows written as they come, with no formatting, translation, Extract rows, hashing, storage or "
            "Celery.",
            "",
            "| the week's files | seconds | × the same-files floor |",
            "|---|---|---|",
            f"| the weekly run (CSV and XLSX, published) | {weekly['seconds']:.0f} | "
            f"{weekly['seconds'] / weekly['floor']['seconds']:.2f} |",
            f"| the same-files floor: CSV and XLSX from COPY streams, {weekly['floor']['files']:,} files | "
            f"{weekly['floor']['seconds']:.0f} | 1.00 |",
            f"| CSV alone from COPY streams, {weekly['csv_floor']['files']:,} files | "
            f"{weekly['csv_floor']['seconds']:.0f} | {weekly['csv_floor']['seconds'] / weekly['floor']['seconds']:.2f} |",
        ]  # fmt: skip
        pw = r["password"]
        lines += [
            "", "## Sign-in: what a password check costs", "",
            "One check at a time in one process; CPU counts every thread the hash runs on.",
            "",
            "| Argon2id parameters | ms per check | CPU ms per check |",
            "|---|---|---|",
            *(f"| {label}: {p['memory_mib']:.0f} MiB, {p['time_cost']} passes, {p['parallelism']} lanes | "
              f"{p['ms']:.0f} | {p['cpu_ms']:.0f} |"
              for label, p in (("the portal's (portal/hashers.py)", pw["portal"]), ("Django's defaults", pw["django"]))),
        ]  # fmt: skip
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
            ("Weekly run for all cases under 10 minutes", f"{weekly['seconds'] / 60:.1f} min",
             weekly["seconds"] <= 600 and weekly["complete"]),
            ("Weekly run within 1.25× its same-files floor", f"{weekly['seconds'] / weekly['floor']['seconds']:.2f}×",
             weekly["seconds"] <= 1.25 * weekly["floor"]["seconds"]),
            ("XLSX within 3× of the csv floor", f"{w['floor'] / w['xlsx']:.1f}×", w["floor"] / w["xlsx"] <= 3),
            ("Peak memory per worker under 300 MB", f"{max(weekly['peak_mb'], *(e['peak_mb'] for e in r['export'].values())):.0f} MB",
             max(weekly["peak_mb"], *(e["peak_mb"] for e in r["export"].values())) < 300),
            ("A Book of Business page of the largest agency well under a second", f"{worst_page[1]['ms']:.0f} ms ({worst_page[0]})",
             worst_page[1]["ms"] < 1000),
            ("Queries per page do not grow with the book", f"{max(p['queries'] for p in pages.values())} at most", True),
        ]  # fmt: skip
        out = ["", "## Against the targets", "", "| target | measured | met |", "|---|---|---|"]
        out += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in rows]
        return out


WORK_HEADING = "## Working from Today: Today's page and a bulk transfer (issue 17)"


def _sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """A Markdown file as what comes before its first "## " heading and its (heading, whole section) pairs."""
    parts = text.split("\n## ")
    return parts[0], [(part.split("\n", 1)[0], "## " + part.rstrip("\n") + "\n") for part in parts[1:]]


def _write_own_sections(path: Path, report: str) -> None:
    """Write `report` (a title and this tool's sections) over the file, keeping the sections other tools wrote
    there (make loadtest's "Load", make pagebench's, the work section): each tool owns its own sections."""
    _title, ours = _sections(report)
    mine = {heading for heading, _text in ours}
    kept = []
    if path.exists():
        _old_title, theirs = _sections(path.read_text())
        kept = [section for heading, section in theirs if heading not in mine]
    path.write_text("\n".join([report.rstrip("\n") + "\n", *kept]))


def _replace_section(path: Path, heading: str, lines: list[str]) -> None:
    """Put `lines` under `heading` in the Markdown file, replacing what was under it up to the next heading."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = "\n".join([heading, "", *lines, ""]) + "\n"
    if heading in text:
        before, rest = text.split(heading, 1)
        after = rest.split("\n## ", 1)
        text = before + block + ("## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)


def models_active():
    from django.db.models import Q

    return Q(delegations__status="active")


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()]


def _peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _openpyxl_write_only(rows, target):
    """The same workbook with openpyxl's write-only mode (the writer we used before), for comparison."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Book of Business")
    sheet.freeze_panes = "A2"
    sheet.append(exports.headers())
    kinds = [column.kind for column in exports.BOOK_COLUMNS]
    formats = exports.XLSX_FORMATS
    for row in rows:
        cells = []
        for kind, value in zip(kinds, row, strict=True):
            if kind in formats and value is not None:
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = formats[kind]
            cells.append(value)
        sheet.append(cells)
    workbook.save(target)


def _common_surname(agency) -> str:
    """The most frequent surname in the agency's book: the search that matches the most rows."""
    row = (
        ConsumerCase.objects.filter(delegations__agency=agency, delegations__status="active")
        .values("last_name").annotate(n=Count("pk")).order_by("-n").first()
    )  # fmt: skip
    return row["last_name"] if row else "Garcia"
