"""The load test's report: percentiles over page views alone, 5xx counted, the highest level that met the bar."""

import csv

from django.core.management import call_command

STATS_HEADER = ["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%"]


def write_level(folder, users, page_times, action_times, statuses=(), wave=()):
    """One level's records: `wave` pages while people arrive (second 0), the rest once all have (second 20)."""
    with open(folder / f"u{users}_requests.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        for ms in action_times:
            out.writerow(["action", "POST", "sign-in", f"{ms:.1f}", 302, 0, "1000.0"])
        for ms in wave:
            out.writerow(["page", "GET", "second factor page", f"{ms:.1f}", 200, 0, "1000.5"])
        for ms in page_times:
            out.writerow(["page", "GET", "/book/ (sorted, paged)", f"{ms:.1f}", 200, 0, "1020.0"])
        for status in statuses:
            out.writerow(["page", "GET", "/cases/[id]/", "5.0", status, 1, "1020.0"])
    with open(folder / f"u{users}_stats.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(STATS_HEADER)
        out.writerow(["GET", "/book/ (sorted, paged)", len(page_times), 0, "1.0", "100", "200", "250"])
        out.writerow(
            ["", "Aggregated", len(page_times) + len(action_times), len(statuses), "2.5", "100", "900", "990"]
        )


def test_the_report_judges_page_views_apart_from_sign_in_and_names_the_highest_level_that_met_the_bar(tmp_path):
    # 10 users: 100 page views of 1 to 100 ms once everyone has arrived, slow ones and sign-ins before;
    # 20 users: pages of 4 to 400 ms; 40: one 503.
    write_level(tmp_path, 10, range(1, 101), [900] * 20, wave=[3000] * 20)
    write_level(tmp_path, 20, [4 * n for n in range(1, 101)], [1500] * 20)
    write_level(tmp_path, 40, range(1, 101), [900] * 5, statuses=[503])
    (tmp_path / "cpu.txt").write_text("10 30\n20 60\n40 95\n")
    output = tmp_path / "BENCHMARKS.md"
    output.write_text("# Benchmarks\n\n## Load\n\nold figures\n\n## Load: reading the figures\n\nkept\n")

    call_command("loadtest_report", str(tmp_path), "--output", str(output), "--workers", "4", "--seconds", "60")

    text = output.read_text()
    assert "| 10 | 2.5 | 50 | 95 | 99 | 3000 | 900 | 0 | 0 | 30% |" in text, "page views apart; the wave shown apart"
    assert "| 20 | 2.5 | 200 | 380 | 396 | 380 | 1500 | 0 | 0 | 60% |" in text
    assert "| 40 | 2.5 | 50 | 95 | 99 | 95 | 900 | 1 | 1 | 95% |" in text, "the 503 is counted"
    assert "Highest level with page views at p95 ≤ 300 ms and no 5xx: 10 users" in text
    assert "old figures" not in text and "## Load: reading the figures\n\nkept" in text, "only its own section"
