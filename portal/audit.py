"""The audit log: one habit, `audit.record("case.viewed", obj=case)`, and one list of what each action means.

The request being served (client address, browser, the signed-in user and whom
they act for) is known to `record` through a context variable that
`AuditContextMiddleware` sets, so services and signal handlers need not pass it.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

logger = logging.getLogger(__name__)

# Every action the portal records, with the sentence an auditor reads in admin.
ACTIONS: dict[str, Any] = {
    "auth.signed_in": _("Signed in with password"),
    "auth.sign_in_failed": _("Sign-in failed"),
    "auth.signed_out": _("Signed out"),
    "auth.locked": _("Sign-in locked after repeated failures"),
    "auth.lock_refused": _("Sign-in refused: locked"),
    "auth.lock_lifted": _("Sign-in lock lifted by staff"),
    "auth.throttled": _("Sign-in refused: too many attempts from this address"),
    "auth.password_changed": _("Password changed"),
    "auth.password_reset": _("Password reset by e-mailed link"),
    "auth.session_expired": _("Session ended by the portal"),
    "otp.enrolled": _("Second factor enrolled"),
    "otp.verified": _("Second factor verified"),
    "otp.verify_failed": _("Second-factor code refused"),
    "otp.recovery_code_used": _("Recovery code used"),
    "otp.recovery_codes_issued": _("New recovery codes issued"),
    "case.viewed": _("Consumer case viewed"),
    "case.created": _("New business: case created"),
    "case.change_reported": _("Change reported for the household"),
    "case.document_uploaded": _("Verification document uploaded"),
    "case.document_downloaded": _("Case document downloaded"),
    "case.renewal_recorded": _("Renewal status recorded"),
    "access_code.generated": _("Access code generated after identity verification"),
    "access_code.used": _("Access code used to request help"),
    "access_code.refused": _("Request for help refused: case number or access code did not match"),
    "delegation.requested": _("Consumer asked a helper for help"),
    "delegation.accepted": _("Delegation accepted"),
    "delegation.declined": _("Delegation declined"),
    "delegation.ended": _("Delegation ended"),
    "cases.listed": _("List of consumer cases viewed"),
    "export.created": _("Export made"),
    "file.downloaded": _("File downloaded"),
    "acting.started": _("Started acting on behalf of an agent"),
    "acting.stopped": _("Stopped acting on behalf of an agent"),
    "delegation.changed": _("Delegation changed"),
    "delegation.transferred": _("Delegation transferred"),
    "agent.status_changed": _("Agent made Active or Inactive in the agency"),
    "agent.profile_changed": _("Agent profile changed"),
    "agency.account_changed": _("Agency account changed"),
    "agency.location_changed": _("Agency location or hours changed"),
    "agency.document_uploaded": _("Agency document uploaded"),
    "agency.staff_added": _("Admin Staff added"),
    "agency.staff_changed": _("Admin Staff grants changed"),
    "agency.staff_removed": _("Admin Staff removed"),
    "notice.sent": _("Notice sent"),
    "agent.certification_changed": _("Agent certification changed"),
    "extranet.onboarding_sent": _("Extranet onboarding e-mails sent"),
    "extranet.reset_requested": _("Extranet password reset link sent"),
    "extranet.password_set": _("Extranet password set"),
    "extranet.password_expired": _("Extranet sign-in refused: password expired"),
    "extranet.deactivated": _("Extranet account deactivated"),
    "admin.added": _("Added in admin"),
    "admin.changed": _("Changed in admin"),
    "admin.deleted": _("Deleted in admin"),
}

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_current_request", default=None
)


class AuditContextMiddleware:
    """Makes the request known to `record` for the time it is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, honouring the trusted proxies configured for allauth."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # an unparseable or missing address is recorded as unknown
        return None


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    object_label: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Write one audit event. The actor defaults to the signed-in user of the current request."""
    event = AuditEvent(action=action, actor=actor, actor_label=actor_label, details=details or {})
    if obj is not None:
        event.object_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        event.object_id = str(obj.pk)
        event.object_label = (object_label or audit_label(obj))[:200]
    return record_event(event, request=request)


def record_event(event: AuditEvent, *, request: HttpRequest | None = None) -> AuditEvent:
    """Complete an event with what the request being served knows (who, from where), and save it."""
    if event.action not in ACTIONS:
        raise ValueError(f"Unknown audit action {event.action!r}: add it to portal.audit.ACTIONS.")
    request = request or _current_request.get()
    user = getattr(request, "user", None)
    if event.actor_id is None and user is not None and user.is_authenticated:
        event.actor = user
    if not event.actor_label and event.actor_id is not None:
        event.actor_label = event.actor.email
    event.on_behalf_of = getattr(request, "acting_for_user", None)
    event.client_ip = client_ip(request)
    event.user_agent = (request.headers.get("user-agent", "") if request is not None else "")[:300]
    event.save()
    logger.info("audit %s actor=%s object=%s:%s", event.action, event.actor_id, event.object_type_id, event.object_id)
    return event


def audit_label(obj: models.Model) -> str:
    """How an object is named in the log: its own `audit_label` (identifiers, no PII) or its type and key."""
    label = getattr(obj, "audit_label", None)
    if label:
        return str(label)
    return f"{obj._meta.verbose_name} #{obj.pk}"


def describe(action: str) -> str:
    return str(ACTIONS.get(action, action))


def record_case_list(request: HttpRequest, *, view: str, page) -> AuditEvent:
    """Record which cases a list page showed (by case number): a list of cases is a view of PII."""
    case_numbers = [item.case.case_number for item in page.object_list]
    return record("cases.listed", request=request, details={"view": view, "page": page.number, "cases": case_numbers})
