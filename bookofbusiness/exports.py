"""Book of Business files: the columns, and writers for CSV and XLSX that stream rows in constant memory.

Text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return at the start) is
neutralised with a leading apostrophe in both formats, so a consumer's name can never run code on
an agent's computer.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text starting like a formula gets a leading apostrophe; numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable
    kind: str = "text"  # text, date, money, integer


def _enrollment(row, field):
    enrollment = row.case.current_enrollment
    return getattr(enrollment, field) if enrollment is not None else None


def _display(row, field):
    enrollment = row.case.current_enrollment
    return getattr(enrollment, f"get_{field}_display")() if enrollment is not None else ""


BOOK_COLUMNS = [
    Column(_("Case number"), lambda r: r.case.case_number),
    Column(_("First name"), lambda r: r.case.first_name),
    Column(_("Last name"), lambda r: r.case.last_name),
    Column(_("Date of birth"), lambda r: r.case.date_of_birth, "date"),
    Column(_("Phone"), lambda r: r.case.phone),
    Column(_("E-mail"), lambda r: r.case.email),
    Column(_("Street"), lambda r: r.case.street),
    Column(_("City"), lambda r: r.case.city),
    Column(_("County"), lambda r: r.case.county),
    Column(_("ZIP code"), lambda r: r.case.zip_code),
    Column(_("Preferred language"), lambda r: r.case.get_preferred_language_display()),
    Column(_("Household size"), lambda r: r.household_size, "integer"),
    Column(_("Plan year"), lambda r: _enrollment(r, "plan_year"), "integer"),
    Column(_("Issuer"), lambda r: _enrollment(r, "issuer")),
    Column(_("Plan name"), lambda r: _enrollment(r, "plan_name")),
    Column(_("Metal tier"), lambda r: _display(r, "metal_tier")),
    Column(_("Monthly premium"), lambda r: _enrollment(r, "monthly_premium"), "money"),
    Column(_("APTC"), lambda r: _enrollment(r, "aptc"), "money"),
    Column(_("Net premium"), lambda r: _enrollment(r, "net_premium"), "money"),
    Column(_("Coverage start"), lambda r: _enrollment(r, "coverage_start"), "date"),
    Column(_("Coverage end"), lambda r: _enrollment(r, "coverage_end"), "date"),
    Column(_("Enrollment status"), lambda r: _display(r, "status")),
    Column(_("Renewal status"), lambda r: r.case.get_renewal_status_display()),
    Column(_("Open conditional-eligibility items"), lambda r: r.open_items, "integer"),
    Column(_("Earliest due date"), lambda r: r.earliest_due, "date"),
    Column(_("Delegation date"), lambda r: r.started_at.date() if r.started_at else None, "date"),
    Column(_("Agent name"), lambda r: r.agent.full_name),
    Column(_("Agent license number"), lambda r: r.agent.license_number),
    Column(_("Agency"), lambda r: r.agency.public_name if r.agency else ""),
]


def headers(columns=BOOK_COLUMNS) -> list[str]:
    return [str(column.header) for column in columns]


def values(row, columns=BOOK_COLUMNS) -> list:
    return [neutralise(column.value(row)) for column in columns]


class _Echo:
    """A file-like object whose write returns what was written, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable, columns=BOOK_COLUMNS) -> Iterator[str]:
    """The CSV file line by line (UTF-8 with a byte-order mark, so spreadsheets read accents right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers(columns))
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in values(row, columns)])


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def write_xlsx(rows: Iterable, target, *, columns=BOOK_COLUMNS, title: str = "Book of Business",
               progress: Callable[[int], None] | None = None, prepared: bool = False) -> int:  # fmt: skip
    """Write an XLSX workbook with openpyxl's write-only mode (rows streamed to disk, constant memory):
    real dates and numbers, the header row frozen and filterable. Returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 14 if column.kind != "text" else 20
    bold = Font(bold=True)
    header_cells = []
    for header in headers(columns):
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = {"date": "yyyy-mm-dd", "money": "#,##0.00"}
    count = 0
    for row in rows:
        cells = []
        for column, value in zip(columns, row if prepared else values(row, columns), strict=True):
            if column.kind in formats and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[column.kind]
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    workbook.save(target)
    return count


def write_csv_and_xlsx(rows: Iterable, csv_target, xlsx_target, *, columns=BOOK_COLUMNS, title: str) -> int:
    """Write the same rows to a CSV and an XLSX file in one pass (each row is read and formatted once)."""
    import codecs

    text = codecs.getwriter("utf-8")(csv_target)
    writer = csv.writer(text)
    text.write("\ufeff")
    writer.writerow(headers(columns))

    def tee():
        for row in rows:
            row_values = values(row, columns)
            writer.writerow([_csv_text(value) for value in row_values])
            yield row_values

    return write_xlsx(tee(), xlsx_target, columns=columns, title=title, prepared=True)


def xlsx_bytes(rows: Iterable, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, **kwargs)
    return buffer.getvalue()
