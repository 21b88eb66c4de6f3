"""The audit log: one habit, `audit.record("case.viewed", obj=case)`; each app declares the actions it records.

State changes are recorded by the service that makes them; reads, downloads and exports (which change nothing
and have no service) by the view that serves them.

The request being served (client address, browser, the signed-in user and whom
they act for) is known to `record` through a context variable that
`AuditContextMiddleware` sets, so services and signal handlers need not pass it.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent

logger = logging.getLogger(__name__)


def actions() -> dict[str, Any]:
    """Every action the portal records, with the sentence an auditor reads in admin. Each app declares its own
    in its AppConfig (`audit_actions`); a code two apps declare is an error."""
    global _actions
    if _actions is None:
        collected: dict[str, Any] = {}
        for config in apps.get_app_configs():
            for code, sentence in getattr(config, "audit_actions", {}).items():
                if code in collected:
                    raise ImproperlyConfigured(f"Audit action {code!r} is declared twice (again by {config.label}).")
                collected[code] = sentence
        _actions = collected
    return _actions


_actions: dict[str, Any] | None = None

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
    if event.action not in actions():
        raise ValueError(f"Unknown audit action {event.action!r}: declare it in its app's AppConfig.audit_actions.")
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
    return str(actions().get(action, action))


def record_case_list(request: HttpRequest, *, view: str, page) -> AuditEvent:
    """Record which cases a list page showed (by case number): a list of cases is a view of PII."""
    case_numbers = [item.case.case_number for item in page.object_list]
    return record("cases.listed", request=request, details={"view": view, "page": page.number, "cases": case_numbers})
