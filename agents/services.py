"""Changes to agents: certification."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


class AgentError(Exception):
    """A change to an agent that cannot be made; the message is fit for the page."""


KIND_FOR_AGENCY = {"insurance_agency": "agent", "enrollment_entity": "cec", "plan_based_enroller": "pbe"}
PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "biography", "is_listed", "license_expires_on")


def add_agent_to_agency(*, agency, by, data: dict) -> tuple[Agent, bool]:
    """Add New Agent: create the agent's profile in the agency and start their certification (Pending),
    or, when the license number belongs to an agent already known to the marketplace who is in no agency,
    link that agent (keeping their certification). Returns (agent, linked_existing)."""
    from agencies.models import Membership
    from portal.invitations import send_invitation
    from portal.models import User

    license_number = data["license_number"]
    with transaction.atomic():
        existing = Agent.objects.select_for_update().filter(license_number=license_number).first()
        if existing is not None:
            active = Membership.objects.filter(user_id=existing.user_id, status=Membership.Status.ACTIVE).first()
            if active is not None and active.agency_id == agency.pk:
                raise AgentError(_("%(name)s is already on your roster.") % {"name": existing.full_name})
            if active is not None:
                raise AgentError(
                    _(
                        "License number %(license)s belongs to an agent who is active in another agency. They must "
                        "leave that agency before joining yours; the Agent Service Center can help."
                    )
                    % {"license": license_number}
                )
            if existing.last_name.casefold() != data["last_name"].strip().casefold():
                raise AgentError(
                    _("License number %(license)s belongs to an agent with another last name. Check the number.")
                    % {"license": license_number}
                )
            agent, linked = existing, True
        else:
            email = data["email"].strip().lower()
            if User.objects.filter(email__iexact=email).exists():
                raise AgentError(
                    _("%(email)s already has a sign-in for the portal. Use the agent's own business e-mail.")
                    % {"email": email}
                )
            user = User.objects.create_user(email=email, first_name=data["first_name"], last_name=data["last_name"])
            user.set_unusable_password()
            user.save(update_fields=["password"])
            agent = Agent.objects.create(
                user=user,
                kind=KIND_FOR_AGENCY.get(agency.kind, Agent.Kind.AGENT),
                license_number=license_number,
                certification_status=CertificationStatus.PENDING,
                **{field: data[field] for field in PROFILE_FIELDS if field in data},
            )
            record_new_agent(agent=agent, by=by)
            linked = False
        agent.languages.set(data.get("languages", []))
        agent.product_expertise.set(data.get("product_expertise", []))
        agent.subsite_locations.set([loc for loc in data.get("subsite_locations", []) if loc.agency_id == agency.pk])
        membership = Membership.objects.filter(user_id=agent.user_id, agency=agency).first()
        if membership is None:
            Membership.objects.create(user_id=agent.user_id, agency=agency, role=Membership.Role.AGENT)
        else:
            # Back in an agency they left: the same membership, active again.
            membership.status, membership.ended_on = Membership.Status.ACTIVE, None
            membership.save(update_fields=["status", "ended_on", "updated_at"])
        audit.record("agent.status_changed", actor=by, obj=agent, details={"agency": agency.pk, "to": "active",
                                                                            "linked": linked})  # fmt: skip
        if not linked or not agent.user.has_usable_password():
            send_invitation(user=agent.user, agency=agency, role_label=str(_("an agent")))
    return agent, linked


def update_agent_profile(*, agent: Agent, by, data: dict) -> Agent:
    """Edit Agent Within Agency / My Agent Profile: the profile consumers see in Find Local Help."""
    with transaction.atomic():
        for field in PROFILE_FIELDS:
            if field in data:
                setattr(agent, field, data[field])
        agent.full_clean(exclude=["user", "languages", "product_expertise", "subsite_locations"])
        agent.save()
        for relation in ("languages", "product_expertise", "subsite_locations"):
            if relation in data:
                getattr(agent, relation).set(data[relation])
    return agent


def set_agent_status(*, agent: Agent, agency, by, active: bool):
    """Make an agent Active or Inactive in the agency. An agent with active delegations in the agency
    cannot be made Inactive until they are transferred."""
    from agencies.models import Membership
    from delegations.models import Delegation

    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user_id=agent.user_id, agency=agency, role__in=[Membership.Role.AGENT, Membership.Role.MANAGER])
            .order_by("status", "-started_on")
            .first()
        )
        if membership is None:
            raise AgentError(_("This agent is not on your roster."))
        wanted = Membership.Status.ACTIVE if active else Membership.Status.INACTIVE
        if membership.status == wanted:
            return membership
        if not active:
            if by.pk == agent.user_id:
                raise AgentError(_("You cannot make yourself Inactive."))
            held = Delegation.objects.filter(agent=agent, agency=agency, status__in=Delegation.OPEN_STATUSES).count()
            if held:
                raise ActiveDelegationsRemain(held)
            membership.ended_on = timezone.localdate()
        else:
            if Membership.objects.filter(user_id=agent.user_id, status=Membership.Status.ACTIVE).exists():
                raise AgentError(_("This agent is active in another agency."))
            membership.ended_on = None
        membership.status = wanted
        membership.save(update_fields=["status", "ended_on", "updated_at"])
        audit.record("agent.status_changed", actor=by, obj=agent, details={"agency": agency.pk, "to": wanted})
    return membership


class ActiveDelegationsRemain(AgentError):
    """The agent still holds delegations that must be transferred first."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(
            ngettext(
                "This agent still has %(count)d pending or active delegation. Transfer it to another agent "
                "before making them Inactive.",
                "This agent still has %(count)d pending or active delegations. Transfer them to another agent "
                "before making them Inactive.",
                count,
            )
            % {"count": count}
        )
