"""What a person chose in a list to act on: some rows of a page, or every row matching the list's filter.

Nothing chosen is nothing: there is no "none means all". The filter travels as the list's own query string, so
the rows are found again, within the person's scope, by the same code that listed them."""

import re
from dataclasses import dataclass

from django.http import QueryDict

FILTER_FIELD = "filters"
ID = re.compile(r"[0-9]{1,11}")


def as_id(value) -> int | None:
    """A row id from a form or query string, or None: ASCII digits only ("²".isdigit() is true, int("²") fails)."""
    value = str(value or "")
    return int(value) if ID.fullmatch(value) else None


@dataclass(frozen=True)
class Selection:
    ids: tuple[int, ...]
    everything: bool  # every row matching `filters`
    filters: QueryDict

    @classmethod
    def from_post(cls, data: QueryDict, *, field: str = "chosen") -> "Selection":
        ids = tuple(dict.fromkeys(pk for pk in map(as_id, data.getlist(field)) if pk is not None))
        filters = QueryDict(data.get(FILTER_FIELD, "")[:2000], mutable=True)
        filters.pop("page", None)
        return cls(ids=ids, everything=data.get("all") == "1", filters=filters)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.ids

    def apply(self, rows):
        """The chosen rows among `rows` (the list as it is filtered now): all of them, or those chosen."""
        if self.everything:
            return rows
        return rows.filter(pk__in=self.ids) if self.ids else rows.none()

    @property
    def query(self) -> str:
        return self.filters.urlencode()
