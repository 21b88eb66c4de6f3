"""python manage.py loadtest_report DIR — the "Load" section of BENCHMARKS.md from locust's CSV files."""

import csv
import datetime
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

PAGE_LIMIT_MS = 300
ARRIVAL_SECONDS = 10  # scripts/loadtest.sh spawns a level's people over this long


class Command(BaseCommand):
    help = "Write the load test's figures into BENCHMARKS.md."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "BENCHMARKS.md"))

    def handle(self, folder, workers, seconds, output, **options):
        folder = Path(folder)
        cpu = dict(line.split() for line in (folder / "cpu.txt").read_text().splitlines() if line.strip())
        levels = sorted(
            int(m.group(1)) for p in folder.glob("u*_stats.csv") if (m := re.match(r"u(\d+)_stats", p.stem))
        )
        rows, by_level = [], {}
        for users in levels:
            stats = read_csv(folder / f"u{users}_stats.csv")
            by_level[users] = stats
            total = next(s for s in stats if s["Name"] == "Aggregated")
            requests = read_requests(folder / f"u{users}_requests.csv")
            # The steady part: from when everyone has arrived and signed in (people arrive over ten seconds).
            start = min((r["at"] for r in requests), default=0) + ARRIVAL_SECONDS + 5
            steady = [r for r in requests if r["at"] >= start] or requests
            pages = sorted(r["ms"] for r in steady if r["kind"] == "page")
            actions = sorted(r["ms"] for r in requests if r["kind"] == "action")
            all_pages = sorted(r["ms"] for r in requests if r["kind"] == "page")
            server_errors = sum(1 for r in requests if 500 <= r["status"] <= 599)
            named = [s for s in stats if s["Name"] != "Aggregated" and not s["Name"].startswith("/book/export")]
            worst = max(named, key=lambda s: float(s["95%"] or 0))
            rows.append({
                "users": users, "rps": float(total["Requests/s"]), "p50": percentile(pages, 50),
                "p95": percentile(pages, 95), "p99": percentile(pages, 99), "actions_p95": percentile(actions, 95),
                "all_p95": percentile(all_pages, 95),
                "failures": int(total["Failure Count"]), "errors": server_errors, "cpu": cpu.get(str(users), "?"),
                "worst": worst,
            })  # fmt: skip
        lines = [
            "## Load",
            "",
            f"`make loadtest` on {datetime.date.today().isoformat()}: gunicorn ({workers} sync workers, production "
            f"settings) and PostgreSQL on the same {os.cpu_count()} cores, the 1,000,000-case data; locust drives "
            "Agency Managers and agents of the largest agency (sign-in with the second factor, Book of Business pages "
            "sorted, paged, filtered and searched, case pages, the roster, home pages, CSV exports of their own book) "
            f"and consumers using Find Local Help, {seconds} s at each level after a warm-up, 1–3 s of thinking "
            f"between clicks. People arrive over the first {ARRIVAL_SECONDS} seconds of a level and all sign in "
            "then. Page views are the GETs of pages, measured once everyone has arrived (the next column gives them "
            "over the whole level, sign-in wave included); actions are the sign-in and second-factor POSTs (Argon2 "
            "is slow on purpose) and the CSV downloads.",
            "",
            "| users | requests/s | page views p50 ms | p95 ms | p99 ms | p95 with the sign-in wave | actions p95 ms "
            "| failures | 5xx | CPU busy | slowest page at p95 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(f"| {r['users']} | {r['rps']:.1f} | {r['p50']} | {r['p95']} | {r['p99']} | {r['all_p95']} "
                         f"| {r['actions_p95']} | {r['failures']} | {r['errors']} | {r['cpu']}% | {r['worst']['Name']} "
                         f"({r['worst']['95%']} ms) |")  # fmt: skip
        highest = levels[-1] if levels else None
        if highest is not None:
            lines += ["", f"Per page at {highest} users:", "", "| page | requests | p50 ms | p95 ms | p99 ms |",
                      "|---|---|---|---|---|"]  # fmt: skip
            for s in sorted(by_level[highest], key=lambda s: -float(s["95%"] or 0)):
                if s["Name"] != "Aggregated":
                    lines.append(f"| {s['Name']} | {s['Request Count']} | {s['50%']} | {s['95%']} | {s['99%']} |")
        met = [r for r in rows if r["p95"] <= PAGE_LIMIT_MS and r["errors"] == 0]
        lines += ["", (f"Highest level with page views at p95 ≤ {PAGE_LIMIT_MS} ms and no 5xx: {met[-1]['users']} users, "
                       f"{met[-1]['rps']:.1f} requests/s." if met else
                       f"No level kept page views at p95 ≤ {PAGE_LIMIT_MS} ms.")]  # fmt: skip
        if (folder / "restart.txt").exists():
            restart_seconds, after = (folder / "restart.txt").read_text().split()
            stats = read_csv(folder / "restart_stats.csv")
            total = next(s for s in stats if s["Name"] == "Aggregated")
            failures = read_csv(folder / "restart_failures.csv") if (folder / "restart_failures.csv").exists() else []
            by_error = {}
            for failure in failures:
                code = re.search(r"\b(\d{3})\b", failure["Error"]) or re.search(r"(\w+Error)", failure["Error"])
                key = code.group(1) if code else failure["Error"][:40]
                by_error[key] = by_error.get(key, 0) + int(failure["Occurrences"])
            lines += ["", "### PostgreSQL restarted under load", "",
                      f"20 users for 60 s; PostgreSQL stopped and started again ({float(restart_seconds):.1f} s) after 20 s, "
                      f"gunicorn left running: {total['Request Count']} requests, {total['Failure Count']} failed "
                      f"({', '.join(f'{n} × {k}' for k, n in sorted(by_error.items())) or 'none'}); the first request after "
                      f"the run answered {after}, with no restart of the application."]  # fmt: skip
        text = Path(output).read_text() if Path(output).exists() else "# Benchmarks\n"
        section = "\n".join(lines) + "\n"
        if "\n## Load\n" in text:
            start = text.index("\n## Load\n") + 1
            end = text.find("\n## ", start + 1)
            text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + section
        Path(output).write_text(text)
        self.stdout.write(section)


def read_requests(path: Path) -> list[dict]:
    """The locustfile's record of every request: kind (page or action), method, name, ms, status, failed."""
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return [{"kind": kind, "name": name, "ms": float(ms), "status": int(status), "at": float(at)}
                for kind, _method, name, ms, status, _failed, at in csv.reader(handle)]  # fmt: skip


def percentile(values: list[float], p: int) -> int:
    """The nearest-rank percentile of sorted `values`, in whole milliseconds (0 for none)."""
    if not values:
        return 0
    return round(values[max(0, -(-len(values) * p // 100) - 1)])


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
