"""Sign-in lockout: 3 failed sign-ins within 120 minutes block sign-in for 60 minutes.

Failures are counted per identifier (the e-mail address typed), whether or not an
account has it, so the lock message never tells an attacker which addresses exist.
Staff lift a lock in admin. Throttling by client address is allauth's rate limit.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .models import SignInFailure, SignInLock


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


def record_failure(*, identifier: str, client_ip: str | None) -> SignInLock | None:
    """Count a failed sign-in; lock the identifier when it reaches the limit. Returns the new lock."""
    identifier = normalize(identifier)
    now = timezone.now()
    with transaction.atomic():
        SignInFailure.objects.create(identifier=identifier, client_ip=client_ip, failed_at=now)
        if active_lock(identifier, now=now):
            return None
        since = now - datetime.timedelta(minutes=settings.PORTAL_LOCKOUT_WINDOW_MINUTES)
        # Failures before the last lock (or its lifting) were already paid for.
        last = SignInLock.objects.filter(identifier=identifier).order_by("-locked_at").first()
        if last is not None:
            since = max(since, last.lifted_at or last.locked_until)
        failures = SignInFailure.objects.filter(identifier=identifier, failed_at__gt=since).count()
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


def clear_failures(identifier: str) -> None:
    """Forget counted failures after a successful sign-in (the audit log keeps them)."""
    SignInFailure.objects.filter(identifier=normalize(identifier)).delete()


def lift_lock(*, lock: SignInLock, by) -> None:
    """Staff lift a lock: sign-in works again at once."""
    with transaction.atomic():
        lock.lifted_at = timezone.now()
        lock.lifted_by = by
        lock.save(update_fields=["lifted_at", "lifted_by"])
        clear_failures(lock.identifier)
        audit.record("auth.lock_lifted", actor=by, obj=lock, object_label=lock.identifier)
