"""Sentences of the portal's catalogue kept as their English source and their values, and said in the reader's
language when they are read.

A Secure Mailbox message is read days after it was sent, perhaps by someone who has since chosen Español; so a
message the portal writes keeps its words as `Words` (the catalogue's msgid, its plural and its values), stored as
JSON, and each reading translates them. Values are kept as what they are (a date, a choice's code, other words),
so that they too are said in the reader's language: a date in the reader's format, "Certified" as "Certificado".

Write them with `words()` and `counted()`, whose literal msgids `makemessages` collects (see
portal/management/commands/makemessages.py); `label()` for a choice, `lines()` to put several together.
"""

from __future__ import annotations

import datetime
import importlib
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext, ngettext

Value = Any  # str, int, float, date, Words, Label or Lines
_APPS = {"portal", "agencies", "agents", "delegations", "consumers", "bookofbusiness", "extranet", "pages"}


class Text:
    """Something to say in the reader's language: str() says it in the active one."""

    def to_json(self) -> dict:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.say()

    def say(self) -> str:
        raise NotImplementedError

    def __eq__(self, other):
        return isinstance(other, Text) and self.to_json() == other.to_json()

    def __hash__(self):
        return hash(repr(self.to_json()))

    def __repr__(self):
        return f"{type(self).__name__}({self.to_json()!r})"


class Words(Text):
    """One sentence of the catalogue: `msgid` (with `plural` and `count` when it is counted) and its `values`."""

    def __init__(self, msgid: str, *, plural: str | None = None, count: int | None = None, values: dict | None = None):
        self.msgid, self.plural, self.count, self.values = msgid, plural, count, dict(values or {})

    def with_values(self, **values: Value) -> Words:
        """The same sentence with more values (its own win over the new ones)."""
        return Words(self.msgid, plural=self.plural, count=self.count, values={**values, **self.values})

    def say(self) -> str:
        sentence = gettext(self.msgid) if self.plural is None else ngettext(self.msgid, self.plural, self.count or 0)
        if not self.values:
            return sentence
        return sentence % {name: _filled(value) for name, value in self.values.items()}

    def to_json(self) -> dict:
        data: dict = {"msgid": self.msgid, "values": {name: _to_json(value) for name, value in self.values.items()}}
        if self.plural is not None:
            data.update(plural=self.plural, count=self.count)
        return {"words": data}


class Label(Text):
    """A choice's label, kept as its code: `label(CertificationStatus.CERTIFIED)` says "Certificado" in Spanish."""

    def __init__(self, choices: type[models.Choices], value: str):
        self.choices, self.value = choices, value

    def say(self) -> str:
        try:
            return str(self.choices(self.value).label)
        except ValueError:  # a code since retired: say the code rather than nothing
            return str(self.value)

    def to_json(self) -> dict:
        return {"label": f"{self.choices.__module__}:{self.choices.__qualname__}", "value": self.value}


class Lines(Text):
    """Several texts said one after the other, joined by `separator` (a line break unless said otherwise)."""

    def __init__(self, parts: list, separator: str = "\n"):
        self.parts, self.separator = [part for part in parts if part is not None], separator

    def say(self) -> str:
        return self.separator.join(_say(part) for part in self.parts)

    def to_json(self) -> dict:
        return {"lines": [_to_json(part) for part in self.parts], "separator": self.separator}


def words(msgid: str, /, **values: Value) -> Words:
    """A sentence of the catalogue with its values: `words("Hello %(name)s", name=name)`."""
    return Words(msgid, values=values)


def counted(singular: str, plural: str, count: int, /, **values: Value) -> Words:
    """A counted sentence: its singular and plural forms, the count that chooses one, and its values."""
    return Words(singular, plural=plural, count=count, values=values)


def label(choice: models.Choices) -> Label:
    """The label of a member of a Choices class, said in the reader's language."""
    return Label(type(choice), choice.value)


def lines(*parts: Value, separator: str = "\n") -> Lines:
    return Lines(list(parts), separator)


def say(text: Text | str, language: str | None = None) -> str:
    """`text` in `language` (the active language when None)."""
    if language is None or not isinstance(text, Text):
        return _say(text)
    from django.utils import translation

    with translation.override(language):
        return text.say()


def from_json(data: Any) -> Value:
    """What to_json made, back; anything it does not know is said as it is stored."""
    if isinstance(data, dict):
        if "words" in data:
            item = data["words"]
            return Words(item.get("msgid", ""), plural=item.get("plural"), count=item.get("count"),
                         values={name: from_json(value) for name, value in (item.get("values") or {}).items()})  # fmt: skip
        if "label" in data:
            choices = _choices(data["label"])
            return Label(choices, data.get("value", "")) if choices else str(data.get("value", ""))
        if "lines" in data:
            return Lines([from_json(part) for part in data["lines"]], data.get("separator", "\n"))
        if "date" in data:
            try:
                return datetime.date.fromisoformat(data["date"])
            except (TypeError, ValueError):
                return str(data["date"])
    return data


def _to_json(value: Value):
    if isinstance(value, Text):
        return value.to_json()
    if isinstance(value, datetime.datetime):
        raise TypeError("Keep a date, not a moment, in Words: the reader's time zone is not known here.")
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, (str, int, float)) or value is None:
        return value
    raise TypeError(f"Words cannot keep a {type(value).__name__}.")


def _filled(value: Value):
    """A value as it fills its placeholder: numbers stay numbers (for %(n)d), the rest is said."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else _say(value)


def _say(value: Value) -> str:
    if isinstance(value, Text):
        return value.say()
    if isinstance(value, datetime.date):
        return formats.date_format(value)
    return "" if value is None else str(value)


def _choices(path: str) -> type[models.Choices] | None:
    module_name, _colon, qualname = path.partition(":")
    if module_name.split(".")[0] not in _APPS:  # stored data names only the portal's own choices
        return None
    try:
        found: Any = importlib.import_module(module_name)
        for name in qualname.split("."):
            found = getattr(found, name)
    except (ImportError, AttributeError, ValueError):
        return None
    return found if isinstance(found, type) and issubclass(found, models.Choices) else None
