"""Changes to delegations: transfers between an agency's agents."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import audit
from portal.notifications import notify

from .models import Delegation


class DelegationError(Exception):
    """A delegation change that cannot be made; the message is fit for the page."""


def transfer_delegations(*, by, agency, from_agent, to_agent, case_ids=None) -> int:
    """Move the agency's active delegations of `from_agent` (all, or those of `case_ids`) to `to_agent`,
    in one transaction: each is ended as transferred and a new active one starts, linked to it.
    Returns how many moved."""
    from agencies.models import Membership
    from agents.selectors import AGENT_ROLES

    if from_agent.pk == to_agent.pk:
        raise DelegationError(_("Choose another agent to receive the delegations."))
    receives = Membership.objects.filter(
        user_id=to_agent.user_id, agency=agency, role__in=AGENT_ROLES, status=Membership.Status.ACTIVE
    ).exists()
    if not receives or not to_agent.is_certified:
        raise DelegationError(_("Delegations can only go to a certified agent who is active in your agency."))
    now = timezone.now()
    with transaction.atomic():
        moving = Delegation.objects.select_for_update().filter(
            agency=agency, agent=from_agent, status=Delegation.Status.ACTIVE
        )
        if case_ids is not None:
            moving = moving.filter(case_id__in=case_ids)
        moving = list(moving.select_related("case"))
        if not moving:
            raise DelegationError(_("There are no active delegations to transfer."))
        Delegation.objects.filter(pk__in=[d.pk for d in moving]).update(
            status=Delegation.Status.ENDED, ended_at=now, end_reason=Delegation.EndReason.TRANSFERRED
        )
        Delegation.objects.bulk_create(
            [
                Delegation(
                    case_id=d.case_id, agent=to_agent, agency=agency, status=Delegation.Status.ACTIVE,
                    origin=Delegation.Origin.TRANSFER, requested_at=now, started_at=now, transferred_from=d,
                )
                for d in moving
            ]
        )  # fmt: skip
        audit.record(
            "delegation.transferred",
            actor=by,
            obj=from_agent,
            details={
                "to_agent": to_agent.license_number,
                "from_agent": from_agent.license_number,
                "cases": [d.case.case_number for d in moving],
            },
        )
        count = len(moving)
        notify(
            user=to_agent.user,
            subject=ngettext(
                "%(count)d consumer was transferred to you", "%(count)d consumers were transferred to you", count
            )
            % {"count": count},
            body=_("Your Agency Manager transferred delegations from %(name)s to you. They are in My Delegations.")
            % {"name": from_agent.full_name},
        )
    return count
