"""Validators for the identifiers our users type: license numbers, FEINs, ZIP codes, case numbers.

Each normaliser returns the canonical stored form; each validator raises a
ValidationError whose message tells the user what a good value looks like.
"""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# California Department of Insurance license numbers: seven characters, a digit,
# then a digit or capital letter, then five digits (0H12345, 1H12345, 4012345).
LICENSE_NUMBER_RE = re.compile(r"^[0-9][0-9A-Z][0-9]{5}$")
FEIN_RE = re.compile(r"^[0-9]{9}$")
ZIP_CODE_RE = re.compile(r"^[0-9]{5}$")
CASE_NUMBER_RE = re.compile(r"^[0-9]{10}$")

# FEIN prefixes the IRS has never assigned (IRS "How EINs are assigned").
INVALID_FEIN_PREFIXES = frozenset(
    {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97"}
)


def normalize_license_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_license_number(value: str) -> None:
    if not LICENSE_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _("Enter a California insurance license number: seven characters, such as 0H12345 or 4012345."),
            code="invalid_license_number",
        )


def normalize_fein(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_fein(value: str) -> None:
    if not FEIN_RE.match(value or ""):
        raise ValidationError(_("Enter the FEIN as nine digits, such as 12-3456789."), code="invalid_fein")
    if value[:2] in INVALID_FEIN_PREFIXES:
        raise ValidationError(
            _("%(prefix)s is not a valid FEIN prefix. Check the number on the IRS letter."),
            code="invalid_fein_prefix",
            params={"prefix": value[:2]},
        )


def format_fein(value: str) -> str:
    """Show a stored FEIN as XX-XXXXXXX."""
    return f"{value[:2]}-{value[2:]}" if value and len(value) == 9 else value


def normalize_zip_code(value: str) -> str:
    value = (value or "").strip()
    # Accept ZIP+4 as typed; we keep the five-digit ZIP that Find Local Help searches by.
    if re.match(r"^[0-9]{5}-[0-9]{4}$", value):
        return value[:5]
    return value


def validate_zip_code(value: str) -> None:
    if not ZIP_CODE_RE.match(value or ""):
        raise ValidationError(_("Enter a five-digit ZIP code, such as 95814."), code="invalid_zip_code")


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def california_zip_codes() -> dict[str, dict]:
    """California ZIP codes with city, county and centroid, from the offline zipcodes package (read once)."""
    import zipcodes

    return {z["zip_code"]: z for z in zipcodes.filter_by(state="CA") if z["active"]}


def validate_california_zip_code(value: str) -> None:
    validate_zip_code(value)
    if value not in california_zip_codes():
        raise ValidationError(
            _("%(zip)s is not a California ZIP code."), code="not_california_zip_code", params={"zip": value}
        )


def county_of_zip_code(zip_code: str) -> str | None:
    """The California county a ZIP code lies in, as COUNTY_CHOICES name it ("Los Angeles"), or None."""
    place = california_zip_codes().get(zip_code)
    return place["county"].removesuffix(" County") if place else None


def validate_zip_code_in_county(zip_code: str, county: str) -> None:
    """A ZIP code and a county that agree, by the offline ZIP data."""
    expected = county_of_zip_code(zip_code)
    if expected and county and expected != county:
        raise ValidationError(
            _("ZIP code %(zip)s is in %(expected)s County, not %(county)s. Check the ZIP code or the county."),
            code="zip_code_not_in_county", params={"zip": zip_code, "expected": expected, "county": county},
        )  # fmt: skip


def validate_not_in_the_future(value) -> None:
    """A day that has already come (a date of birth, the day a change happened)."""
    from django.utils import timezone

    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future. Enter a day that has already come."), code="future")


def validate_case_number(value: str) -> None:
    if not CASE_NUMBER_RE.match(value or ""):
        raise ValidationError(
            _("Enter the case number as ten digits, such as 4001234567."), code="invalid_case_number"
        )


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        raise ValidationError(_("Enter a ten-digit US phone number, such as 916-555-0123."), code="invalid_phone")


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return (value or "").strip()


def normalize_case_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")
