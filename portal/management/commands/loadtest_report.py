"""python manage.py loadtest_report DIR — the "Load" section of BENCHMARKS.md from locust's CSV files."""

import csv
import datetime
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

PAGE_LIMIT_MS = 300


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
            server_errors = sum(
                int(f["Occurrences"]) for f in read_csv(folder / f"u{users}_failures.csv")
                if re.search(r"\b5\d\d\b", f["Error"])
            ) if (folder / f"u{users}_failures.csv").exists() else 0  # fmt: skip
            pages = [s for s in stats if s["Name"] != "Aggregated" and not s["Name"].startswith("/book/export")]
            worst = max(pages, key=lambda s: float(s["95%"] or 0))
            rows.append((users, float(total["Requests/s"]), total["50%"], total["95%"], total["99%"],
                         int(total["Failure Count"]), server_errors, cpu.get(str(users), "?"), worst))  # fmt: skip
        lines = [
            "## Load",
            "",
            f"`make loadtest` on {datetime.date.today().isoformat()}: gunicorn ({workers} sync workers, production "
            f"settings) and PostgreSQL on the same {os.cpu_count()} cores, the 1,000,000-case data; locust drives "
            "Agency Managers and agents of the largest agency (sign-in with the second factor, Book of Business pages "
            "sorted, paged, filtered and searched, case pages, the roster, home pages, CSV exports of their own book) "
            f"and consumers using Find Local Help, {seconds} s at each level, 1–3 s of thinking between clicks.",
            "",
            "| users | requests/s | p50 ms | p95 ms | p99 ms | failures | 5xx | CPU busy | slowest page at p95 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for users, rps, p50, p95, p99, failures, errors, busy, worst in rows:
            lines.append(f"| {users} | {rps:.1f} | {p50} | {p95} | {p99} | {failures} | {errors} | {busy}% | "
                         f"{worst['Name']} ({worst['95%']} ms) |")  # fmt: skip
        highest = levels[-1] if levels else None
        if highest is not None:
            lines += ["", f"Per page at {highest} users:", "", "| page | requests | p50 ms | p95 ms | p99 ms |",
                      "|---|---|---|---|---|"]  # fmt: skip
            for s in sorted(by_level[highest], key=lambda s: -float(s["95%"] or 0)):
                if s["Name"] != "Aggregated":
                    lines.append(f"| {s['Name']} | {s['Request Count']} | {s['50%']} | {s['95%']} | {s['99%']} |")
        met = [r for r in rows if float(r[3]) <= PAGE_LIMIT_MS and r[6] == 0]
        lines += ["", (f"Highest level with p95 ≤ {PAGE_LIMIT_MS} ms and no 5xx: {met[-1][0]} users, "
                       f"{met[-1][1]:.1f} requests/s." if met else
                       f"No level kept p95 at or under {PAGE_LIMIT_MS} ms.")]  # fmt: skip
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


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
