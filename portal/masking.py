"""What typed words must never keep: anything shaped like a Social Security number.

Online Chat and the Secure Mailbox tell people not to type one, and mask it before the text is stored or shown
to anyone: nine digits as 3-2-4 with nothing, or up to three spaces, dashes, dots, slashes between the groups, not part of a longer run
of digits (a phone number with its area code or a case number is left as it is; a ZIP+4, nine digits too, is
masked: better one ZIP code too many than one number too few). Digits written as
full-width or other scripts' numerals count too (`\\d` matches every Unicode decimal digit)."""

import re

_GAP = r"[\s.\-_/\u2010-\u2015\u2212]{0,3}"
SSN_SHAPED = re.compile(rf"(?<!\d)\d{{3}}{_GAP}\d{{2}}{_GAP}\d{{4}}(?!\d)")
MASK = "•••-••-••••"


def mask_ssns(text: str) -> str:
    """The text with every number shaped like a Social Security number replaced by •••-••-••••."""
    return SSN_SHAPED.sub(MASK, text)


def has_ssn(text: str) -> bool:
    return SSN_SHAPED.search(text) is not None
