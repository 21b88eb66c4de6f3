"""`make bench` rewrites only its own sections of BENCHMARKS.md: the "Load" section `make loadtest` wrote, and
those of `make pagebench` and the work part, stay as they were."""

from tooling.management.commands.bench import _replace_section, _write_own_sections

BEFORE = """# Benchmarks

Old introduction.

## Pages (median of 3)

old pages

## Load

load figures

### PostgreSQL restarted under load

restart figures

## Pages at saturation (make pagebench)

saturation figures
"""


def test_bench_replaces_its_sections_and_keeps_the_load_and_pagebench_ones(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(BEFORE)
    _write_own_sections(path, "# Benchmarks\n\nNew introduction.\n\n## Pages (median of 3)\n\nnew pages\n\n"
                              "## The weekly run\n\nweekly figures\n")  # fmt: skip
    text = path.read_text()
    assert "New introduction." in text and "Old introduction." not in text
    assert "new pages" in text and "old pages" not in text and "weekly figures" in text
    assert "load figures" in text and "restart figures" in text and "saturation figures" in text
    assert text.count("## Load\n") == 1


def test_a_tool_writing_its_one_section_leaves_the_rest(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(BEFORE)
    _replace_section(path, "## Pages at saturation (make pagebench)", ["new saturation"])
    text = path.read_text()
    assert "new saturation" in text and "saturation figures" not in text
    assert "load figures" in text and "old pages" in text
