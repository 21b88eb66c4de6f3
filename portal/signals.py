"""What the portal records when Django, allauth and admin report that something happened."""

import time

from allauth.account.signals import email_confirmed, password_changed, password_reset
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import audit, lockout
from .context_processors import OUTAGES_CACHE_KEY
from .models import AuditEvent


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    # The failures counted before it were forgiven when its password was found right (portal.adapters).
    if request is not None and hasattr(request, "session"):
        request.session["signed_in_at"] = time.time()
        request.session["last_activity"] = time.time()
    audit.record("auth.signed_in", request=request, actor=user)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.signed_out", request=request, actor=user)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Counted towards the lock before the password was checked (portal.adapters); recorded here for the audit.
    identifier = lockout.normalize(credentials.get("email") or credentials.get("username"))
    audit.record("auth.sign_in_failed", request=request, actor_label=identifier)


@receiver(password_changed)
def password_was_changed(sender, request, user, **kwargs):
    audit.record("auth.password_changed", request=request, actor=user)


@receiver(email_confirmed)
def address_was_confirmed(sender, request, email_address, **kwargs):
    audit.record("auth.email_confirmed", request=request, actor=email_address.user)


@receiver(password_reset)
def password_was_reset(sender, request, user, **kwargs):
    audit.record("auth.password_reset", request=request, actor=user)


ADMIN_ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


@receiver(post_save, sender=LogEntry)
def admin_change(sender, instance: LogEntry, created, **kwargs):
    if not created:
        return
    # Label the object by its identifiers, not its __str__ (a case's includes the applicant's name).
    obj = None
    if instance.action_flag != DELETION and instance.content_type_id:
        obj = instance.content_type.model_class()._default_manager.filter(pk=instance.object_id).first()
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = (
        audit.audit_label(obj)
        if obj is not None
        else f"{model._meta.verbose_name if model else ''} #{instance.object_id}"
    )
    event = AuditEvent(
        action=ADMIN_ACTIONS[instance.action_flag],
        actor_id=instance.user_id,
        object_type_id=instance.content_type_id,
        object_id=str(instance.object_id or "")[:64],
        object_label=label[:200],
        details={"change": instance.get_change_message()},
    )
    audit.record_event(event)


@receiver(post_save, sender="portal.OutageNotice")
@receiver(post_delete, sender="portal.OutageNotice")
def forget_outage_notices(**kwargs):
    """Staff changed a notice: pages show the change at once (within OUTAGES_LOCAL_SECONDS in other processes,
    which keep their copy that long)."""
    from django.core.cache import cache, caches

    cache.delete(OUTAGES_CACHE_KEY)
    caches["local"].delete(OUTAGES_CACHE_KEY)
