"""How people's names sort: as a reader of Spanish or English expects, "Ávila" with the A's (not after "Willis",
where comparing bytes puts every accented letter), lower and upper case together, and "Ñúñez" after the N's.

On PostgreSQL the name columns (portal.fields.PersonNameField) use the ICU collation NAMES_COLLATION, which a
migration creates (portal 0009): Spanish rules, deterministic, so equality, LIKE and the trigram search stay
exact and every index on a name column sorts the same way as the queries, and serves them. On SQLite, the
development default, the same name is a collation each connection registers (below), written in Python to the
same rules; on both, `ORDER BY last_name` needs no COLLATE of its own. Python sorts use `name_sort_key`.
"""

import functools
import unicodedata

NAMES_COLLATION = "portal_names"
# ICU's Spanish collation: Spanish rules (ñ is a letter after n), the locale's defaults otherwise.
NAMES_COLLATION_LOCALE = "es"

_COMBINING_TILDE = "\u0303"
_AFTER_N = "n\U0010ffff"  # sorts after every "n…" and before "o"


@functools.lru_cache(maxsize=65536)
def name_sort_key(text: str) -> tuple[str, str, str]:
    """A key that orders names as NAMES_COLLATION does: first by the letters alone (accents and case set
    aside, ñ after n), then by the accents, then lower case before upper case."""
    letters = []
    for char in unicodedata.normalize("NFD", text or ""):
        if unicodedata.combining(char):
            if char == _COMBINING_TILDE and letters and letters[-1] == "n":
                letters[-1] = _AFTER_N
            continue
        letters.append(char.casefold())
    return "".join(letters), unicodedata.normalize("NFD", text or "").casefold(), (text or "").swapcase()


def _compare(left: str, right: str) -> int:
    a, b = name_sort_key(left), name_sort_key(right)
    return (a > b) - (a < b)


def register_on_sqlite(sender, connection, **kwargs):
    """connection_created: give every SQLite connection the names collation its name columns are declared with."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NAMES_COLLATION, _compare)
