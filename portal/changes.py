"""What changed: the one place that turns a change to a record into the audit log's structured entries, and those
entries into sentences a person reads in their language.

An entry is `{"field": "renewal_status", "old": "not_started", "new": "renewed"}`; of a field the model declares
sensitive (`HISTORY_SENSITIVE`: identity, contact, address, money) only `{"field": "phone", "changed": True}`, so
its values are kept nowhere (the audit log carries identifiers, never consumers' PII). An entry about another model
than the one described names it (`"model": "consumers.verification"`) and may say which of its kind it was
(`"about": "income"`, shown through that model's `kind` choices).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def _plain(value) -> str | None:
    """A value as the audit log keeps it: text (dates in ISO form, a record by its key)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def what_changed(model: type[models.Model], before: dict, after: dict, *, about: str = "") -> list[dict]:
    """The entries for the fields of `after` whose value differs from `before`'s (in `after`'s order). `model` is
    the model the fields are of; `about` says which one of its kind the record is (its `kind` value)."""
    sensitive = getattr(model, "HISTORY_SENSITIVE", frozenset())
    entries = []
    for field, new in after.items():
        old = before.get(field)
        if _plain(old) == _plain(new):
            continue
        entry = {"field": field, "changed": True} if field in sensitive else {
            "field": field, "old": _plain(old), "new": _plain(new)
        }  # fmt: skip
        if about:
            entry["about"] = about
        entries.append(entry)
    return entries


def of_model(model: type[models.Model], entries: list[dict]) -> list[dict]:
    """The entries, marked as being about `model` (for a history that describes another model's changes)."""
    return [{**entry, "model": model._meta.label_lower} for entry in entries]


@dataclass(frozen=True)
class Change:
    """One entry, readable: the field's name, and old → new (None for a sensitive field: it says "changed")."""

    label: str
    old: str | None = None
    new: str | None = None

    @property
    def values_shown(self) -> bool:
        return self.old is not None or self.new is not None

    def __str__(self) -> str:
        if not self.values_shown:
            return _("%(field)s changed") % {"field": self.label}
        return _("%(field)s: %(old)s → %(new)s") % {"field": self.label, "old": self.old, "new": self.new}


def describe_changes(model: type[models.Model], entries: list[dict] | None) -> list[Change]:
    """The entries as the reader reads them: the field's verbose name, choices by their labels and dates in the
    reader's format, in the active language. A sensitive field's values are never shown, even if an entry had
    them."""
    described = []
    for entry in entries or []:
        of = model
        if entry.get("model"):
            try:
                of = apps.get_model(entry["model"])
            except (LookupError, ValueError):
                continue
        name = entry.get("field", "")
        label, field = _label(of, name)
        if entry.get("about"):
            kind = _value(_label(of, "kind")[1], entry["about"])
            label = f"{capfirst(of._meta.verbose_name)} ({kind}): {label}"
        elif of is not model:
            label = f"{capfirst(of._meta.verbose_name)}: {label}"
        else:
            label = capfirst(label)
        sensitive = name in getattr(of, "HISTORY_SENSITIVE", frozenset())
        if sensitive or entry.get("changed") or ("old" not in entry and "new" not in entry):
            described.append(Change(label))
        else:
            described.append(Change(label, _value(field, entry.get("old")), _value(field, entry.get("new"))))
    return described


def _label(model, name: str):
    """The field's verbose name (or the model's HISTORY_LABELS for a name that is no field), and the field."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(getattr(model, "HISTORY_LABELS", {}).get(name, name.replace("_", " "))), None
    return str(getattr(field, "verbose_name", name)), field


def _value(field, value) -> str:
    if value in (None, ""):
        return "—"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        try:
            return date_format(datetime.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")
        except ValueError:
            return str(value)
    if isinstance(field, models.DateField):
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)
