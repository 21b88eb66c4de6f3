"""The weekly run's floor: the same week's same files written as plainly as this machine can write them.

The same owners, cut into the same batches, read by the same two queries a batch (the Book of Business and the
Conditional Eligibility items, owner by owner), but streamed by PostgreSQL's `COPY ... TO STDOUT` as text and
written with no formatting, no formula neutralising, no translation, no Extract rows, no hashing, no storage and
no Celery: each owner's rows to a CSV file (csv module) and, unless `csv_only`, to an XLSX file (the same
rustpy-xlsxwriter, header row and sheet name), on the same number of processes. `make bench` reports the real run
as a ratio to it.
"""

from __future__ import annotations

import csv
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import groupby
from pathlib import Path

from django.db import connection, connections

from bookofbusiness import exports
from bookofbusiness.extracts import (
    CE_COLUMNS,
    book_of_business_rows,
    conditional_eligibility_items,
    owner_batches,
    owners_for_week,
)


def _kinds(scope: str, owner_ids: list[int]):
    """(name, queryset, headers) of the batch's two files, as the real run reads them."""
    return [
        ("book", book_of_business_rows(scope, owner_ids), exports.headers(exports.BOOK_COLUMNS), "Book of Business"),
        ("ce", conditional_eligibility_items(scope, owner_ids), exports.headers(CE_COLUMNS), "Conditional Eligibility"),
    ]  # fmt: skip


def write_batch(scope: str, owner_ids: list[int], folder: str, csv_only: bool) -> tuple[int, int]:
    """Every file of one batch, from COPY streams; returns (files, rows)."""

    files = rows_written = 0
    target = Path(folder)
    for name, queryset, headers, title in _kinds(scope, owner_ids):
        sql, params = queryset.query.sql_with_params()
        seen = set()
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
            for owner, owner_rows in groupby(copy.rows(), key=lambda row: row[-1]):
                seen.add(int(owner))
                rows = [row[:-1] for row in owner_rows]
                rows_written += len(rows)
                files += _write(target / f"{scope}-{owner}-{name}", rows, headers, title, csv_only)
        for owner in set(owner_ids) - seen:  # header alone, as the real run writes for an owner with no rows
            files += _write(target / f"{scope}-{owner}-{name}", [], headers, title, csv_only)
    return files, rows_written


def _write(stem: Path, rows: list, headers: list[str], title: str, csv_only: bool) -> int:
    with open(stem.with_suffix(".csv"), "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
    if csv_only:
        return 1
    import rustpy_xlsxwriter

    records = [dict(zip(headers, row, strict=False)) for row in rows] or [dict.fromkeys(headers)]
    rustpy_xlsxwriter.write_worksheet(records, str(stem.with_suffix(".xlsx")), sheet_name=title[:31], freeze_row=1,
                                      autofilter=True, bold_headers=True)  # fmt: skip
    return 2


def _start_child():
    connections.close_all()  # each process its own connection, never the parent's socket


def _one(args):
    return write_batch(*args)


def run(folder: str, *, workers: int, csv_only: bool = False) -> dict:
    """The week's files written into `folder` on `workers` processes; seconds, files and rows."""
    agents, agencies = owners_for_week()
    batches = owner_batches(agents, agencies)
    connections.close_all()
    started = time.monotonic()
    with ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_child
    ) as pool:
        results = list(pool.map(_one, [(scope, ids, folder, csv_only) for scope, ids in batches]))
    seconds = time.monotonic() - started
    return {"seconds": seconds, "files": sum(f for f, _ in results), "rows": sum(r for _, r in results),
            "owners": len(agents) + len(agencies)}  # fmt: skip
