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
from operator import itemgetter

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text starting like a formula gets a leading apostrophe; numbers and dates are left as they are."""
    if value.__class__ is str and value[:1] in FORMULA_FIRST_CHARACTERS:
        return "'" + value
    return value


FORMULA_FIRST_CHARACTERS = frozenset(FORMULA_STARTS)


@dataclass(frozen=True)
class Column:
    """One column of a file. Book of Business rows are dictionaries from `.values(*BOOK_FIELDS)` (fast:
    no model instances); `fields` name what the column reads and `make` turns those values into the cell.
    Columns without `fields` read an object (the Conditional Eligibility extract's items) with `make`."""

    header: str
    make: Callable
    kind: str = "text"  # text, date, money, integer
    fields: tuple[str, ...] = ()

    def __post_init__(self):
        # Compile the cheapest way to read the cell: this runs for every cell of a million-row week.
        fields, make = self.fields, self.make
        if not fields:
            get = make
        elif len(fields) == 1 and make is _same:
            get = itemgetter(fields[0])
        elif len(fields) == 1:
            field = fields[0]

            def get(row):
                return make(row[field])
        else:
            read = itemgetter(*fields)

            def get(row):
                return make(*read(row))

        object.__setattr__(self, "get", get)


def _same(value):
    """The value as read."""
    return value


def _labelled(choices):
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or ""))


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def _book_columns():
    from consumers.models import ConsumerCase, Enrollment
    from portal.choices import Language

    enrollment = "case__current_enrollment__"
    return [
        Column(_("Case number"), _same, fields=("case__case_number",)),
        Column(_("First name"), _same, fields=("case__first_name",)),
        Column(_("Last name"), _same, fields=("case__last_name",)),
        Column(_("Date of birth"), _same, "date", ("case__date_of_birth",)),
        Column(_("Phone"), _same, fields=("case__phone",)),
        Column(_("E-mail"), _same, fields=("case__email",)),
        Column(_("Street"), _same, fields=("case__street",)),
        Column(_("City"), _same, fields=("case__city",)),
        Column(_("County"), _same, fields=("case__county",)),
        Column(_("ZIP code"), _same, fields=("case__zip_code",)),
        Column(_("Preferred language"), _labelled(Language.choices), fields=("case__preferred_language",)),
        Column(_("Household size"), _same, "integer", ("household_size",)),
        Column(_("Plan year"), _same, "integer", (enrollment + "plan_year",)),
        Column(_("Issuer"), _same, fields=(enrollment + "issuer",)),
        Column(_("Plan name"), _same, fields=(enrollment + "plan_name",)),
        Column(_("Metal tier"), _labelled(Enrollment.MetalTier.choices), fields=(enrollment + "metal_tier",)),
        Column(_("Monthly premium"), _same, "money", (enrollment + "monthly_premium",)),
        Column(_("APTC"), _same, "money", (enrollment + "aptc",)),
        Column(_("Net premium"), _same, "money", (enrollment + "net_premium",)),
        Column(_("Coverage start"), _same, "date", (enrollment + "coverage_start",)),
        Column(_("Coverage end"), _same, "date", (enrollment + "coverage_end",)),
        Column(_("Enrollment status"), _labelled(Enrollment.Status.choices), fields=(enrollment + "status",)),
        Column(_("Renewal status"), _labelled(ConsumerCase.RenewalStatus.choices), fields=("case__renewal_status",)),
        Column(_("Open conditional-eligibility items"), _same, "integer", ("open_items",)),
        Column(_("Earliest due date"), _same, "date", ("earliest_due",)),
        Column(_("Delegation date"), _local_date, "date", ("started_at",)),
        Column(
            _("Agent name"), lambda first, last: f"{first} {last}", fields=("agent__first_name", "agent__last_name")
        ),
        Column(_("Agent license number"), _same, fields=("agent__license_number",)),
        Column(_("Agency"), lambda name: name or "", fields=("agency__public_name",)),
    ]


BOOK_COLUMNS = _book_columns()
BOOK_FIELDS = tuple(dict.fromkeys(field for column in BOOK_COLUMNS for field in column.fields))


def headers(columns=BOOK_COLUMNS) -> list[str]:
    return [str(column.header) for column in columns]


def values(row, columns=BOOK_COLUMNS) -> list:
    return [neutralise(column.get(row)) for column in columns]


def csv_row(row, columns=BOOK_COLUMNS) -> list:
    """A row's cells as CSV text."""
    return [_csv_text(neutralise(column.get(row))) for column in columns]


class _Echo:
    """A file-like object whose write returns what was written, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable, columns=BOOK_COLUMNS) -> Iterator[str]:
    """The CSV file line by line (UTF-8 with a byte-order mark, so spreadsheets read accents right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers(columns))
    for row in rows:
        yield writer.writerow(csv_row(row, columns))


def _csv_text(value):
    kind = value.__class__
    if kind is str or kind is int:
        return value
    if value is None:
        return ""
    if kind is Decimal:
        return f"{value:.2f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
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
