"""Book of Business files: the columns, and writers for CSV and XLSX that stream rows in constant memory.

Text that a spreadsheet would run as a formula is neutralised in both formats, so a consumer's name can
never run code on an agent's computer (OWASP's CSV injection guidance): a formula trigger (=, +, -, @,
tab, carriage return, NUL) at the start of a cell, or right after a character a spreadsheet may split a cell
on (a comma, semicolon, tab, pipe or line break, spaces and double quotes between), gets a leading
apostrophe; and in CSV every field but a number is quoted.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from consumers.models import ConsumerCase, Enrollment
from delegations.models import Consent
from portal.choices import Language

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")  # OWASP's, and ASVS 5 (1.2.10) adds the NUL character
# Where a spreadsheet may start a new cell: Excel splits a CSV on the list separator of the computer's region
# (often ";"), LibreOffice on whatever its import dialog says (",", ";", tab, "|", ...).
CELL_SEPARATORS = (",", ";", "\t", "|", "\r", "\n")

_SEPARATOR = "[" + re.escape("".join(CELL_SEPARATORS)) + "]"
_TRIGGER = "[" + re.escape("".join(FORMULA_STARTS)) + "]"
# Each place a cell may start (the start of the text, or after a separator, spaces and double quotes between)
# that is followed by a formula trigger: the apostrophe goes there, before the trigger.
_PIECE_START_BEFORE_TRIGGER = re.compile(f'(^|{_SEPARATOR})([ "]*)(?={_TRIGGER})')
# The same test in two quick parts, for the cells (nearly all) that need nothing: how the text starts, and
# a separator followed by a trigger anywhere in it.
_MAY_START_A_FORMULA = frozenset(FORMULA_STARTS + (" ", '"'))
_SEPARATOR_THEN_TRIGGER = re.compile(f'{_SEPARATOR}[ "]*{_TRIGGER}').search


def neutralise(value):
    """Text that a spreadsheet could take for a formula, at its start or after any separator, gets an
    apostrophe before each trigger there; numbers and dates are left as they are."""
    if value.__class__ is str and (value[:1] in _MAY_START_A_FORMULA or _SEPARATOR_THEN_TRIGGER(value)):
        return _PIECE_START_BEFORE_TRIGGER.sub(r"\1\2'", value)
    return value


def _same(value):
    """The value as read."""
    return value


@dataclass(frozen=True)
class Column:
    """One column of a file. Rows are dictionaries from `.values(...)` (fast: no model instances); `fields`
    name what the column reads and `make` turns those values into the cell. A column of `choices` shows the
    label of the stored value, translated once per file (see `row_maker`), not once per cell."""

    header: str
    make: Callable = _same
    kind: str = "text"  # text, date, money, integer
    fields: tuple[str, ...] = ()
    choices: tuple = ()

    def __post_init__(self):
        # Compile the cheapest way to read the cell: this runs for every cell of a million-row week.
        fields, make = self.fields, self.make
        if not fields:
            raise ValueError(f"Column {self.header!r} reads no fields.")
        if len(fields) == 1 and make is _same:
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

    def getter(self) -> Callable:
        """How to read this column's cell from a row, in the language active now."""
        if not self.choices:
            return self.get
        labels = {value: str(label) for value, label in self.choices}
        read = self.get

        def label(row):
            value = read(row)
            return labels.get(value, value or "")

        return label


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def _book_columns():
    enrollment = "case__current_enrollment__"
    return [
        Column(_("Case number"), fields=("case__case_number",)),
        Column(_("First name"), fields=("case__first_name",)),
        Column(_("Last name"), fields=("case__last_name",)),
        Column(_("Date of birth"), kind="date", fields=("case__date_of_birth",)),
        Column(_("Phone"), fields=("case__phone",)),
        Column(_("E-mail"), fields=("case__email",)),
        Column(_("Street"), fields=("case__street",)),
        Column(_("City"), fields=("case__city",)),
        Column(_("County"), fields=("case__county",)),
        Column(_("ZIP code"), fields=("case__zip_code",)),
        Column(_("Preferred language"), choices=tuple(Language.choices), fields=("case__preferred_language",)),
        Column(_("Household size"), kind="integer", fields=("household_size",)),
        Column(_("Plan year"), kind="integer", fields=(enrollment + "plan_year",)),
        Column(_("Issuer"), fields=(enrollment + "issuer",)),
        Column(_("Plan name"), fields=(enrollment + "plan_name",)),
        Column(_("Metal tier"), choices=tuple(Enrollment.MetalTier.choices), fields=(enrollment + "metal_tier",)),
        Column(_("Monthly premium"), kind="money", fields=(enrollment + "monthly_premium",)),
        Column(_("APTC"), kind="money", fields=(enrollment + "aptc",)),
        Column(_("Net premium"), kind="money", fields=(enrollment + "net_premium",)),
        Column(_("Coverage start"), kind="date", fields=(enrollment + "coverage_start",)),
        Column(_("Coverage end"), kind="date", fields=(enrollment + "coverage_end",)),
        Column(_("Enrollment status"), choices=tuple(Enrollment.Status.choices), fields=(enrollment + "status",)),
        Column(
            _("Renewal status"), choices=tuple(ConsumerCase.RenewalStatus.choices), fields=("case__renewal_status",)
        ),
        Column(_("Open conditional-eligibility items"), kind="integer", fields=("open_items",)),
        Column(_("Earliest due date"), kind="date", fields=("earliest_due",)),
        Column(_("Delegation date"), _local_date, "date", ("started_at",)),
        # The consumer's consent to this delegation (delegations.Consent): when they gave it, and how; a transferred
        # case's record keeps the date of the consent it continues.
        Column(_("Consent given"), _local_date, "date", ("consent__consented_at",)),
        Column(_("Consent"), choices=tuple(Consent.Channel.choices), fields=("consent__channel",)),
        Column(
            _("Agent name"), lambda first, last: f"{first} {last}", fields=("agent__first_name", "agent__last_name")
        ),
        Column(_("Agent license number"), fields=("agent__license_number",)),
        Column(_("Agency"), lambda name: name or "", fields=("agency__public_name",)),
    ]


BOOK_COLUMNS = _book_columns()
BOOK_FIELDS = tuple(dict.fromkeys(field for column in BOOK_COLUMNS for field in column.fields))


_LOCALISED: dict = {}


def _localised(columns) -> tuple[list[str], list[Callable]]:
    """The headers and cell readers of `columns` in the active language, translated once per language (the
    weekly run writes 80,000 files; translating every header and label for each would cost minutes)."""
    key = (id(columns), translation.get_language())
    cached = _LOCALISED.get(key)
    if cached is None or cached[0] is not columns:
        cached = _LOCALISED[key] = (columns, [str(column.header) for column in columns],
                                    [column.getter() for column in columns])  # fmt: skip
    return cached[1], cached[2]


def headers(columns=BOOK_COLUMNS) -> list[str]:
    return list(_localised(columns)[0])


def row_maker(columns=BOOK_COLUMNS) -> Callable[[dict], list]:
    """A function from a row to its cells (formulas neutralised), for one file in the active language."""
    getters = _localised(columns)[1]

    def cells(row):
        return [neutralise(get(row)) for get in getters]

    return cells


class _Echo:
    """A file-like object whose write returns what was written, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable, columns=BOOK_COLUMNS) -> Iterator[str]:
    """The CSV file line by line (UTF-8 with a byte-order mark, so spreadsheets read accents right)."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_NONNUMERIC)
    cells = row_maker(columns)
    yield "\ufeff" + writer.writerow(headers(columns))
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in cells(row)])


CENTS = Decimal("0.01")


def _csv_text(value):
    """A cell for csv's writer, which quotes everything but numbers (csv.QUOTE_NONNUMERIC): text and dates are
    quoted, numbers are not, so they stay numbers in a spreadsheet."""
    kind = value.__class__
    if kind is str or kind is int:
        return value
    if value is None:
        return ""
    if kind is Decimal:
        return value.quantize(CENTS)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


XLSX_FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0.00"}


def write_xlsx(rows: Iterable, target, *, columns=BOOK_COLUMNS, title: str = "Book of Business",
               progress: Callable[[int], None] | None = None, prepared: bool = False) -> int:  # fmt: skip
    """Write an XLSX workbook: real dates and numbers, the header row bold, frozen and filterable.
    Returns the number of rows.

    rustpy-xlsxwriter (rust_xlsxwriter underneath) writes in constant memory: each row is flushed to the
    sheet's XML as it comes, and the rows are pulled from `rows` as they are needed, so memory does not
    grow with the book. It is about 15 times faster than openpyxl's write-only mode on these rows (see
    BENCHMARKS.md). `target` is a path or a binary file opened for writing."""
    import rustpy_xlsxwriter

    names = headers(columns)
    if len(set(names)) != len(names):
        raise ValueError("Column headers must be unique: they name the cells of each row.")
    count = 0
    cells = (lambda row: row) if prepared else row_maker(columns)

    def records():
        nonlocal count
        for row in rows:
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
            yield dict(zip(names, cells(row), strict=True))
        if not count:
            # The header comes from the first record's keys; a record of blanks writes the header alone.
            yield dict.fromkeys(names)

    formats = {kind: rustpy_xlsxwriter.Format().set_num_format(code) for kind, code in XLSX_FORMATS.items()}
    rustpy_xlsxwriter.write_worksheet(
        records(),
        target,
        sheet_name=title[:31],
        freeze_row=1,
        autofilter=True,
        bold_headers=True,
        column_formats={
            name: formats[column.kind] for name, column in zip(names, columns, strict=True) if column.kind in formats
        },
        column_widths={name: 20 if column.kind == "text" else 14 for name, column in zip(names, columns, strict=True)},
    )
    return count


def write_csv_and_xlsx(rows: Iterable, csv_target, xlsx_target, *, columns=BOOK_COLUMNS, title: str) -> int:
    """Write the same rows to a CSV and an XLSX file in one pass (each row is read and formatted once)."""
    import codecs

    text = codecs.getwriter("utf-8")(csv_target)
    writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC)
    text.write("\ufeff")
    writer.writerow(headers(columns))

    cells = row_maker(columns)

    def tee():
        for row in rows:
            row_values = cells(row)
            writer.writerow([_csv_text(value) for value in row_values])
            yield row_values

    return write_xlsx(tee(), xlsx_target, columns=columns, title=title, prepared=True)


def xlsx_bytes(rows: Iterable, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer, **kwargs)
    return buffer.getvalue()
