"""Sign-in lockout: 3 failed sign-ins within 120 minutes block sign-in for 60 minutes.

Failures are counted per identifier (the e-mail address typed), whether or not an account has it, so the
lock message never tells an attacker which addresses exist. Staff lift a lock in admin. Throttling by
client address is allauth's rate limit.

An attempt is counted before its password is checked, never after: `begin_attempt` takes the identifier's
row in SignInGate FOR UPDATE and, unless a lock is in force or the failures already counted (attempts
still being checked among them) have reached the limit, records the attempt as a pending failure. So
however many guesses arrive at once, at most PORTAL_LOCKOUT_FAILURES of them are ever checked before the
lock; the others are refused unchecked. Then the caller checks the password and reports the outcome:
`attempt_failed` (the failure stays counted, and may lock) or `attempt_succeeded` (taken back, with the
failures counted before it), or `withdraw_attempt` when it was refused for another reason unchecked.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import SignInFailure, SignInGate, SignInLock


def normalize(identifier: str | None) -> str:
    return (identifier or "").strip().lower()[:254]


def active_lock(identifier: str, *, now: datetime.datetime | None = None) -> SignInLock | None:
    """The lock in force for this identifier, if any."""
    now = now or timezone.now()
    return (
        SignInLock.objects.filter(identifier=normalize(identifier), lifted_at__isnull=True, locked_until__gt=now)
        .order_by("-locked_until")
        .first()
    )


def _take_gate(identifier: str) -> None:
    """Hold the identifier's row lock until the surrounding transaction ends (the row is made on first need;
    a second request making it at the same moment waits for the first, then finds it)."""
    SignInGate.objects.bulk_create([SignInGate(identifier=identifier)], ignore_conflicts=True)
    SignInGate.objects.select_for_update().get(identifier=identifier)


def _counted(identifier: str, now: datetime.datetime):
    """The failures that count towards the next lock: within the window, and after the last lock ended or
    was lifted (those before it were already paid for)."""
    since = now - datetime.timedelta(minutes=settings.PORTAL_LOCKOUT_WINDOW_MINUTES)
    last = SignInLock.objects.filter(identifier=identifier).order_by("-locked_at").first()
    if last is not None:
        since = max(since, last.lifted_at or last.locked_until)
    return SignInFailure.objects.filter(identifier=identifier, failed_at__gt=since)


def begin_attempt(*, identifier: str, client_ip: str | None) -> SignInFailure | None:
    """Count a sign-in attempt before its password is checked. Returns the attempt (a pending failure) to
    report back on, or None when it must be refused unchecked: a lock is in force, or as many attempts as
    the limit allows were already counted (some may still be being checked)."""
    identifier = normalize(identifier)
    now = timezone.now()
    with transaction.atomic():
        _take_gate(identifier)
        if active_lock(identifier, now=now) or _counted(identifier, now).count() >= settings.PORTAL_LOCKOUT_FAILURES:
            return None
        return SignInFailure.objects.create(identifier=identifier, client_ip=client_ip, failed_at=now, pending=True)


def attempt_failed(attempt: SignInFailure) -> SignInLock | None:
    """The attempt's password was wrong: it stays counted, and locks the identifier when the failures known
    reach the limit. Returns the lock in force afterwards, if any (made now or by an attempt beside it)."""
    identifier = attempt.identifier
    now = timezone.now()
    with transaction.atomic():
        _take_gate(identifier)
        SignInFailure.objects.filter(pk=attempt.pk).update(pending=False)
        lock = active_lock(identifier, now=now)
        if lock is not None:
            return lock
        failures = _counted(identifier, now).filter(pending=False).count()
        if failures < settings.PORTAL_LOCKOUT_FAILURES:
            return None
        lock = SignInLock.objects.create(
            identifier=identifier,
            locked_at=now,
            locked_until=now + datetime.timedelta(minutes=settings.PORTAL_LOCKOUT_MINUTES),
        )
        audit.record(
            "auth.locked",
            actor_label=identifier,
            obj=lock,
            object_label=identifier,
            details={"failures": failures, "until": lock.locked_until.isoformat()},
        )
        return lock


def attempt_succeeded(attempt: SignInFailure) -> None:
    """The attempt's password was right: it is taken back, and so are the failures counted before it (the
    audit log keeps them). Attempts counted after it still count: the outcome is the one they would have
    had one after another, in the order they were counted."""
    with transaction.atomic():
        _take_gate(attempt.identifier)
        SignInFailure.objects.filter(identifier=attempt.identifier, pk__lte=attempt.pk).delete()


def withdraw_attempt(attempt: SignInFailure) -> None:
    """The attempt was refused before its password was checked (a throttle): it does not count."""
    SignInFailure.objects.filter(pk=attempt.pk).delete()


def clear_failures(identifier: str) -> None:
    """Forget counted failures (the audit log keeps them)."""
    SignInFailure.objects.filter(identifier=normalize(identifier)).delete()


def lift_lock(*, lock: SignInLock, by) -> None:
    """Staff lift a lock: sign-in works again at once."""
    with transaction.atomic():
        lock.lifted_at = timezone.now()
        lock.lifted_by = by
        lock.save(update_fields=["lifted_at", "lifted_by"])
        clear_failures(lock.identifier)
        audit.record("auth.lock_lifted", actor=by, obj=lock, object_label=lock.identifier)
