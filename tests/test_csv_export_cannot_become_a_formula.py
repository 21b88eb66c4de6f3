"""A CSV file of the Book of Business (the export and the weekly extract) cannot become a formula, whatever
separator the spreadsheet splits it on: every text field is quoted, and a formula trigger (= + - @ tab CR) at the
start of a cell or right after a character Excel or LibreOffice may split on (, ; tab | line break) gets a leading
apostrophe (OWASP's CSV injection guidance). Numbers stay numbers; the file reads back to the values written."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookofbusiness import exports

from .book_support import case_for
from .factories import sign_in

SPLIT = re.compile(r"[,;\t|\r\n]")  # where a spreadsheet may start a new cell
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
NUMBER = re.compile(r"-?\d+(\.\d+)?")

NASTY = ["x;=1+1;", "a,=cmd|' /C calc'!A0", "Smith|+1", "@SUM(1+1)*cmd|' /C calc'!A0", "x;\t=1", 'a;"=1',
         "a; -2+3", "\t=1", "\r=1", "\n=1", " =1+1", '=HYPERLINK("http://evil.example","Click")', "Ana;;@x",
         "tab\t+1", "María-José", "rosa@example.com", "", "'=1", "Ok", '"quoted"', "=1\r\n=2"]  # fmt: skip
TEXT = (
    st.sampled_from(NASTY)
    | st.text(alphabet=st.sampled_from(list("=+-@\t\r\n,;| \"'aZ1.é")), max_size=16)
    | st.text(max_size=30)
)
TEXT_COLUMNS = ("First name", "Last name", "Street", "City", "Plan name")


def book_row(first, last, street, city, plan):
    row = dict.fromkeys(exports.BOOK_FIELDS)
    enrollment = "case__current_enrollment__"
    row.update({"case__case_number": "4000000001", "case__first_name": first, "case__last_name": last,
                "case__street": street, "case__city": city, enrollment + "plan_name": plan,
                enrollment + "plan_year": 2027, enrollment + "monthly_premium": Decimal("612.00"),
                enrollment + "aptc": Decimal("400.5"), enrollment + "net_premium": Decimal("211.50"),
                enrollment + "coverage_start": datetime.date(2027, 1, 1), "household_size": 3, "open_items": 0,
                "agent__first_name": "Ana", "agent__last_name": "Li"})  # fmt: skip
    return row


def both_csv_writers(row) -> dict[str, str]:
    """The CSV of the export (streamed) and of the weekly extract (written beside its XLSX)."""
    streamed = "".join(exports.csv_lines([row]))
    csv_file, xlsx_file = io.BytesIO(), io.BytesIO()
    exports.write_csv_and_xlsx([row], csv_file, xlsx_file, title="Book of Business")
    return {"export": streamed, "extract": csv_file.getvalue().decode("utf-8")}


def assert_no_piece_starts_a_formula(text: str, where: str):
    for piece in SPLIT.split(text):
        start = piece.lstrip(' "')
        assert start[:1] not in TRIGGERS or NUMBER.fullmatch(start), f"{where}: {piece!r} starts a formula"


@given(first=TEXT, last=TEXT, street=TEXT, city=TEXT, plan=TEXT)
@settings(max_examples=200, deadline=None)
def test_no_separator_can_start_a_formula_and_the_file_reads_back(first, last, street, city, plan):
    written = dict(zip(TEXT_COLUMNS, (first, last, street, city, plan), strict=True))
    for writer, text in both_csv_writers(book_row(first, last, street, city, plan)).items():
        text = text.removeprefix("\ufeff")
        # Read as a spreadsheet splitting on any separator would: no piece of the file starts a formula.
        assert_no_piece_starts_a_formula(text, writer)
        # Every field but a number is quoted: a reader that turns unquoted fields into numbers reads it all.
        header, values = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC))
        cells = dict(zip(header, values, strict=True))
        for column, value in written.items():
            got = cells[column]
            assert got == exports.neutralise(value), (writer, column)
            assert got.replace("'", "") == value.replace("'", ""), "only apostrophes are added"
            if not any(trigger in value for trigger in TRIGGERS):
                assert got == value, "a value with no trigger is written as it is"
            assert_no_piece_starts_a_formula(got, f"{writer} {column}")
        assert (cells["Monthly premium"], cells["APTC"], cells["Household size"], cells["Plan year"]) == (
            612.0, 400.5, 3.0, 2027.0,
        ), "numbers stay numbers"  # fmt: skip
        assert ",612.00,400.50,211.50," in text and ',"2027-01-01",' in text


@pytest.mark.parametrize("value", NASTY)
def test_each_nasty_value_is_neutralised_where_a_spreadsheet_would_split_it(value):
    neutralised = exports.neutralise(value)
    assert_no_piece_starts_a_formula(neutralised, "cell")
    assert neutralised.replace("'", "") == value.replace("'", "")


@pytest.mark.django_db
def test_the_book_of_business_export_quotes_text_and_neutralises_after_a_separator(client, book):
    case_for(book["rosa"], book["agency"], first_name="x;=1+1;", last_name="Evil|@SUM(A1)")
    sign_in(client, book["manager"].user)
    text = b"".join(client.get("/book/export/csv/", {"q": "Evil"}).streaming_content).decode("utf-8-sig")
    assert '"x;\'=1+1;","Evil|\'@SUM(A1)"' in text
    assert_no_piece_starts_a_formula(text, "export")
    header, row = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    assert dict(zip(header, row, strict=True))["First name"] == "x;'=1+1;"
