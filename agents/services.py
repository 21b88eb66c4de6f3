"""Changes to agents: certification."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.choices import CertificationStatus

from .models import Agent, CertificationChange


class CertificationError(Exception):
    """A certification change that cannot be made; the message is fit for the page."""


def set_certification(
    *, agent: Agent, status: str, by, reason: str = "", expires_on: datetime.date | None = None
) -> CertificationChange:
    """Move an agent to a new certification status and record who did it, when and why.

    Decertifying and suspending need a reason. Returns the history entry.
    """
    if status not in CertificationStatus.values:
        raise CertificationError(_("Unknown certification status."))
    if status in (CertificationStatus.DECERTIFIED, CertificationStatus.SUSPENDED) and not reason.strip():
        raise CertificationError(_("Give the reason for decertifying or suspending the agent."))
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        previous = agent.certification_status
        agent.certification_status = status
        if status == CertificationStatus.CERTIFIED:
            agent.certified_on = timezone.localdate()
            if expires_on is not None:
                agent.certification_expires_on = expires_on
        agent.save(update_fields=["certification_status", "certified_on", "certification_expires_on", "updated_at"])
        change = CertificationChange.objects.create(
            agent=agent, from_status=previous, to_status=status, reason=reason.strip(), changed_by=by
        )
        audit.record(
            "agent.certification_changed",
            actor=by,
            obj=agent,
            details={"from": previous, "to": status, "reason": change.reason},
        )
        return change


def record_new_agent(*, agent: Agent, by) -> CertificationChange:
    """Open an agent's certification history with the status they were added in."""
    change = CertificationChange.objects.create(
        agent=agent, from_status="", to_status=agent.certification_status, reason="Added", changed_by=by
    )
    audit.record(
        "agent.certification_changed", actor=by, obj=agent, details={"from": "", "to": agent.certification_status}
    )
    return change
