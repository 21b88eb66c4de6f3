"""Changes to agents: certification."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Membership
from agencies.selectors import people_to_tell
from delegations.models import Delegation
from portal import audit
from portal.choices import CertificationStatus
from portal.invitations import send_invitation
from portal.models import User
from portal.notifications import notify

from .models import Agent, CertificationChange, ExpiryReminder


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
        if previous != status:
            tell_about_certification(agent=agent, change=change)
        return change


def tell_about_certification(*, agent: Agent, change: CertificationChange) -> None:
    """Tell the agent and their Agency Manager, in the Secure Mailbox and by e-mail."""
    status = CertificationStatus(change.to_status).label
    for person in people_to_tell(agent):
        with translation.override(person.preferred_language):
            subject = _("Certification of %(name)s: %(status)s") % {"name": agent.full_name, "status": status}
            body = _("The certification of %(name)s (license %(license)s) is now %(status)s.") % {
                "name": agent.full_name,
                "license": agent.license_number,
                "status": status,
            }
            if change.reason:
                body += "\n\n" + _("Reason: %(reason)s") % {"reason": change.reason}
        notify(user=person, subject=str(subject), body=str(body))


def send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Remind agents (and their managers) 30 days before a license or certification expires, once per date."""
    from django.conf import settings

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.PORTAL_EXPIRY_REMINDER_DAYS)
    sent = 0
    for kind, field in (("license", "license_expires_on"), ("certification", "certification_expires_on")):
        due = Agent.objects.filter(**{f"{field}__gt": today, f"{field}__lte": horizon}).exclude(
            certification_status__in=[CertificationStatus.DECERTIFIED, CertificationStatus.EXPIRED]
        )
        already = ExpiryReminder.objects.filter(kind=kind, agent_id=OuterRef("pk"), expires_on=OuterRef(field))
        for agent in due.exclude(Exists(already)).select_related("user").iterator(chunk_size=500):
            expires_on = getattr(agent, field)
            with transaction.atomic():
                _reminder, created = ExpiryReminder.objects.get_or_create(
                    agent=agent, kind=kind, expires_on=expires_on
                )
                if not created:
                    continue
                for person in people_to_tell(agent):
                    with translation.override(person.preferred_language):
                        what = _("license") if kind == "license" else _("certification")
                        subject = _("The %(what)s of %(name)s expires on %(date)s") % {
                            "what": what, "name": agent.full_name, "date": date_format(expires_on),
                        }  # fmt: skip
                        body = _(
                            "The %(what)s of %(name)s (license %(license)s) expires on %(date)s. Renew it before then "
                            "so consumers keep their helper; call the Agent Service Center with any question."
                        ) % {"what": what, "name": agent.full_name, "license": agent.license_number,
                             "date": date_format(expires_on)}  # fmt: skip
                    notify(user=person, subject=str(subject), body=str(body))
            sent += 1
    return sent


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
    """A change to an agent that cannot be made; the message is fit for the page, `field` the form field
    it belongs to (None for the form as a whole)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


KIND_FOR_AGENCY = {"insurance_agency": "agent", "enrollment_entity": "cec", "plan_based_enroller": "pbe"}
PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "biography", "is_listed", "license_expires_on")


def add_agent_to_agency(*, agency, by, data: dict) -> tuple[Agent, bool]:
    """Add New Agent: create the agent's profile in the agency and start their certification (Pending),
    or, when the license number belongs to an agent already known to the marketplace who is in no agency,
    link that agent (keeping their certification). Returns (agent, linked_existing)."""
    license_number = data["license_number"]
    with transaction.atomic():
        existing = Agent.objects.select_for_update().filter(license_number=license_number).first()
        if existing is not None:
            active = Membership.objects.filter(user_id=existing.user_id).current()
            if active is not None and active.agency_id == agency.pk:
                raise AgentError(
                    _("%(name)s is already on your roster.") % {"name": existing.full_name}, field="license_number"
                )
            if active is not None:
                raise AgentError(
                    _(
                        "License number %(license)s belongs to an agent who is active in another agency. They must "
                        "leave that agency before joining yours; the Agent Service Center can help."
                    )
                    % {"license": license_number},
                    field="license_number",
                )
            if existing.last_name.casefold() != data["last_name"].strip().casefold():
                raise AgentError(
                    _("License number %(license)s belongs to an agent with another last name. Check the number.")
                    % {"license": license_number},
                    field="license_number",
                )
            agent, linked = existing, True
        else:
            email = data["email"].strip().lower()
            if User.objects.filter(email__iexact=email).exists():
                raise AgentError(
                    _("%(email)s already has a sign-in for the portal. Use the agent's own business e-mail.")
                    % {"email": email},
                    field="email",
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
    """Edit Agent Within Agency / My Agent Profile: the profile consumers see in Find Local Help. Audited with the
    names of the fields that changed (never their values)."""
    relations = ("languages", "product_expertise", "subsite_locations")
    with transaction.atomic():
        # Against the stored values: a ModelForm's validation has already put the new ones on `agent`.
        stored = Agent.objects.filter(pk=agent.pk).values(*PROFILE_FIELDS).get()
        changed = [field for field in PROFILE_FIELDS if field in data and stored[field] != data[field]]
        for field in changed:
            setattr(agent, field, data[field])
        agent.full_clean(exclude=["user", *relations])
        agent.save()
        for relation in relations:
            if relation in data:
                before = set(getattr(agent, relation).values_list("pk", flat=True))
                if before != {item.pk for item in data[relation]}:
                    getattr(agent, relation).set(data[relation])
                    changed.append(relation)
        audit.record("agent.profile_changed", actor=by, obj=agent, details={"fields": changed})
    return agent


def set_agent_status(*, agent: Agent, agency, by, active: bool):
    """Make an agent Active or Inactive in the agency. An agent with active delegations in the agency
    cannot be made Inactive until they are transferred."""
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
