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
import os
import time
import traceback
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
    """(name, queryset, headers, title) of the batch's two files, as the real run reads them."""
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


def _share(batches, folder: str, csv_only: bool, results: int) -> None:
    """One process's share of the batches, in a fork with a connection of its own; writes its counts to the pipe
    `results` and ends with os._exit, so nothing inherited from the parent (the broker's connections and threads,
    atexit handlers) runs in it."""
    code = 1
    try:
        connections.close_all()  # the parent's socket is the parent's: open our own
        files = rows = 0
        for scope, ids in batches:
            done = write_batch(scope, ids, folder, csv_only)
            files, rows = files + done[0], rows + done[1]
        os.write(results, f"{files} {rows}".encode())
        code = 0
    except BaseException:
        traceback.print_exc()
        raise
    finally:
        os.close(results)
        os._exit(code)


def run(folder: str, *, workers: int, csv_only: bool = False) -> dict:
    """The week's files written into `folder` on `workers` processes; seconds, files and rows.

    The processes are bare os.fork()s: multiprocessing's fork runs the after-fork handlers that Celery and kombu
    register, and in a process that had sent a task (the bench, just after the weekly run) kombu's handler closed
    the inherited broker connection by reading its pending BRPOP reply, which never came: the floor hung."""
    agents, agencies = owners_for_week()
    batches = owner_batches(agents, agencies)
    connections.close_all()
    started = time.monotonic()
    children = []
    for n in range(workers):
        receive, send = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(receive)
            _share(batches[n::workers], folder, csv_only, send)
        os.close(send)
        children.append((pid, receive))
    results = []
    for pid, receive in children:
        with os.fdopen(receive, "rb") as pipe:
            answer = pipe.read().decode()
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not answer:
            raise RuntimeError("A process of the weekly floor failed: the floor is not measured.")
        files, rows = map(int, answer.split())
        results.append((files, rows))
    seconds = time.monotonic() - started
    return {"seconds": seconds, "files": sum(f for f, _ in results), "rows": sum(r for _, r in results),
            "owners": len(agents) + len(agencies)}  # fmt: skip
