"""The signed-in person, kept between requests: their user row, the second-factor device that verified them, the
facts the permission layer decides on (membership, agent, certification) and their unread Secure Mailbox count.

Every page needs these, and each was a query on every request. They are kept in the cache under a version of
the person that every change to them replaces (portal/apps.py connects the models' signals, and the querysets that
update rows in bulk call `changed` too), so a request never reads facts older than the last change: an agent made
Inactive, decertified or removed is refused at their next request, exactly as when every request read the
database. The facts are kept with the version they were read under, and read together with the current version
in one round trip; a writer replaces the version after writing (in its transaction and again once it commits), so
facts read before a change never match the version that follows it.

Entries also expire after PERSON_CACHE_SECONDS, which bounds how long anything could be stale if the cache lost a
change (Redis away while the change was made: the cache layer swallows errors). With the cache away, every
request reads the database, as before.
"""

from __future__ import annotations

import pickle
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

VERSION_KEY = "person:version:{}"
ENTRY_KEY = "person:{}"  # holds {"version": ..., "parts": {...}}: read with its version in one round trip
_MISSING = object()


def _seconds() -> int:
    return getattr(settings, "PERSON_CACHE_SECONDS", 60)


def changed(user_ids: Iterable[int | None]) -> None:
    """Something the cache keeps of these people changed: their kept facts are not read again. Call it where the
    change is made; it acts at once and again when the transaction commits."""
    ids = {int(user_id) for user_id in user_ids if user_id is not None}
    if not ids:
        return
    _replace_versions(ids)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _replace_versions(ids))


def _replace_versions(ids: set[int]) -> None:
    cache.set_many({VERSION_KEY.format(user_id): secrets.token_hex(8) for user_id in ids}, None)


class Kept:
    """What is kept of one person under the version read at the start of the request. Each part is kept as a
    snapshot taken when it was read (pickled), so what a request later does to its objects is never kept."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        version_key, self.key = VERSION_KEY.format(user_id), ENTRY_KEY.format(user_id)
        found = cache.get_many([version_key, self.key])
        version, entry = found.get(version_key), found.get(self.key) or {}
        if version is None:  # never changed since the cache started (or evicted): start a version
            version = secrets.token_hex(8)
            if not cache.add(version_key, version, None):
                version = cache.get(version_key) or version
        self.version = version
        # Kept under another version: read before the last change, so not to be used.
        self.parts: dict[str, bytes] = entry.get("parts", {}) if entry.get("version") == version else {}
        self.values: dict[str, Any] = {}

    def get(self, part: str, load: Callable[[], Any]) -> Any:
        """The kept `part`, or `load()` kept for the next requests."""
        if part in self.values:
            return self.values[part]
        if part in self.parts:
            value = pickle.loads(self.parts[part])  # noqa: S301 - written by the portal itself, above
        else:
            value = load()
            self.parts[part] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            cache.set(self.key, {"version": self.version, "parts": self.parts}, _seconds())
        self.values[part] = value
        return value

    def forget(self, part: str) -> None:
        """Read `part` again in this request (the request itself changed it; the version changed too)."""
        self.values.pop(part, None)
        self.parts.pop(part, None)


def kept(user) -> Kept:
    """The request's Kept of a signed-in user (one per request: it rides on the request's user object)."""
    found = getattr(user, "_kept", None)
    if found is None:
        found = Kept(user.pk)
        user._kept = found
    return found


def load_user(user_id, load: Callable[[], Any]):
    """The user row of a session, kept; with its Kept attached for the rest of the request."""
    entry = Kept(int(user_id))
    user = entry.get("user", load)
    if user is not None:
        user._kept = entry
    return user


def unread_messages(user) -> int:
    from .models import MailboxMessage

    return kept(user).get(
        "unread", lambda: MailboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
    )


# -- what changes a person -------------------------------------------------------------------------------------


class ChangesPeople(models.QuerySet):
    """A queryset whose bulk update() changes what is kept of people (no signal is sent for it): the people of the
    rows updated are changed too. `person_field` names the rows' user."""

    person_field = "user_id"

    def update(self, **kwargs):
        people = set(self.values_list(self.person_field, flat=True))
        count = super().update(**kwargs)
        changed(people)
        return count


def user_ids_of(instance) -> list[int | None]:
    """Whose kept facts a saved or deleted row changes: a user, or the user of a membership, an agent profile or a
    second-factor device, or the recipient of a message."""
    model = instance._meta.label_lower
    if model == settings.AUTH_USER_MODEL.lower():
        return [instance.pk]
    if model == "portal.mailboxmessage":
        return [instance.recipient_id]
    return [getattr(instance, "user_id", None)]


def on_saved_or_deleted(sender, instance, **kwargs) -> None:
    changed(user_ids_of(instance))


def on_many_to_many(sender, instance, **kwargs) -> None:
    changed(user_ids_of(instance))


def on_agency_saved(sender, instance, **kwargs) -> None:
    """An agency's name and status are on its people's pages, through their kept membership."""
    changed(instance.memberships.values_list("user_id", flat=True))
