"""What typed words must never keep: anything shaped like a Social Security number.

Online Chat and the Secure Mailbox tell people not to type one, and mask it before the text is stored or shown to
anyone: nine digits as 3-2-4 with nothing, or up to four marks that are neither letters nor digits, between the
groups, not part of a longer run of digits (a phone number with its area code or a case number is left as it is;
a ZIP+4, nine digits too, is masked: better one ZIP code too many than one number too few). Digits of other scripts
count (`\\d` matches every Unicode decimal digit), and so do full-width, circled or superscript ones and numbers
broken by invisible characters (the text is read as NFKC without its format characters first). Not caught: a
number split over two messages."""

import re
import unicodedata

# Between the groups: nothing, or a few of anything that is neither a letter nor a digit (spaces, dashes, dots,
# slashes, bullets, brackets…), after the text is read as NFKC with its invisible characters left out.
_GAP = r"[\W_]{0,4}"
SSN_SHAPED = re.compile(rf"(?<!\d)\d{{3}}{_GAP}\d{{2}}{_GAP}\d{{4}}(?!\d)")
MASK = "•••-••-••••"


def _readable(text: str) -> str:
    """The text as a reader sees it: compatibility forms folded (full-width digits and dashes, circled and
    superscript digits: NFKC) and format characters left out (zero-width spaces and joiners, soft hyphens, bidi
    controls), so none of them hides a number from the mask."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char) != "Cf")


def mask_ssns(text: str) -> str:
    """The text with every number shaped like a Social Security number replaced by •••-••-••••. The text comes back
    folded as `_readable` reads it, so what is kept is what was checked."""
    return SSN_SHAPED.sub(MASK, _readable(text))


def has_ssn(text: str) -> bool:
    return SSN_SHAPED.search(_readable(text)) is not None
