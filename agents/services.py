"""Changes to agents: certification."""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import AgencyInvitation, AgencyLocation, Membership
from agencies.selectors import people_to_tell
from agencies.services import save_location
from delegations.models import Delegation
from portal import audit, lockout
from portal.choices import CertificationStatus
from portal.invitations import send_invitation
from portal.models import AuditEvent, User
from portal.notifications import absolute_url, notify, send_email_after_commit
from portal.permissions import ADMIN_STAFF_GRANTS
from portal.words import label, lines, words

from .models import Agent, CertificationChange, CertificationReason, ExpiryReminder
from .signals import delegations_joined_agency, email_changed


class CertificationError(Exception):
    """A certification change that cannot be made; the message is fit for the page."""


def set_certification(
    *, agent: Agent, status: str, by, reason: str, note: str = "", expires_on: datetime.date | None = None
) -> CertificationChange:
    """Move an agent to a new certification status and record who did it, when and why (`reason`, a
    CertificationReason code, and a `note` in the words of the person who made the change).

    Every change says its reason; "Other" says it in the note. Certifying sets the date it expires, after today,
    so the expiry reminder can fire. Returns the history entry.
    """
    note = note.strip()
    if status not in CertificationStatus.values:
        raise CertificationError(_("Unknown certification status."))
    if reason not in CertificationReason.values:
        raise CertificationError(_("Choose the reason for the change."))
    if reason == CertificationReason.OTHER and not note:
        raise CertificationError(_("Say the reason in the note."))
    if status == CertificationStatus.CERTIFIED and (expires_on is None or expires_on <= timezone.localdate()):
        raise CertificationError(_("Give the date the certification expires, after today."))
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        previous = agent.certification_status
        agent.certification_status = status
        if status == CertificationStatus.CERTIFIED:
            agent.certified_on = timezone.localdate()
            agent.certification_expires_on = expires_on
        agent.save(update_fields=["certification_status", "certified_on", "certification_expires_on", "updated_at"])
        change = CertificationChange.objects.create(
            agent=agent, from_status=previous, to_status=status, reason=reason, note=note, changed_by=by
        )
        audit.record(
            "agent.certification_changed",
            actor=by,
            obj=agent,
            details={"from": previous, "to": status, "reason": reason, "note": note,
                     "expires_on": expires_on.isoformat() if status == CertificationStatus.CERTIFIED else None},
        )  # fmt: skip
        if previous != status:
            tell_about_certification(agent=agent, change=change)
        return change


def tell_about_certification(*, agent: Agent, change: CertificationChange) -> None:
    """Tell the agent and their Agency Manager, in the Secure Mailbox and by e-mail."""
    status = label(CertificationStatus(change.to_status))
    values = {"name": agent.full_name, "license": agent.license_number, "status": status}
    body = [words("The certification of %(name)s (license %(license)s) is now %(status)s.", **values)]
    if change.to_status == CertificationStatus.CERTIFIED and agent.certification_expires_on:
        body.append(words("It expires on %(date)s.", date=agent.certification_expires_on))
    if change.reason:
        body.append(words("Reason: %(reason)s", reason=label(CertificationReason(change.reason))))
    if change.note:
        body.append(words("Note: %(note)s", note=change.note))
    for person in people_to_tell(agent):
        notify(user=person, subject=words("Certification of %(name)s: %(status)s", **values),
               body=lines(*body, separator="\n\n"))  # fmt: skip


def send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Remind agents (and their managers) 30 days before a license or certification expires, once per date."""
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
                what = words("license") if kind == "license" else words("certification")
                values = {"what": what, "name": agent.full_name, "license": agent.license_number, "date": expires_on}
                for person in people_to_tell(agent):
                    notify(user=person, subject=words("The %(what)s of %(name)s expires on %(date)s", **values),
                           body=words("The %(what)s of %(name)s (license %(license)s) expires on %(date)s. Renew it "
                                      "before then so consumers keep their helper; call the Agent Service Center "
                                      "with any question.", **values))  # fmt: skip
            sent += 1
    return sent


def record_new_agent(*, agent: Agent, by) -> CertificationChange:
    """Open an agent's certification history with the status they were added in."""
    change = CertificationChange.objects.create(
        agent=agent,
        from_status="",
        to_status=agent.certification_status,
        reason=CertificationReason.ADDED,
        changed_by=by,
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
# What the agency may change of an agent's profile; the e-mail is the agent's own (request_email_change).
PROFILE_FIELDS = ("first_name", "last_name", "phone", "biography", "biography_es", "is_listed", "license_expires_on")


def add_agent_to_agency(*, agency, by, data: dict) -> tuple[Agent, bool]:
    """Add New Agent: create the agent's profile in the agency and start their certification (Pending); or, when
    the license number belongs to an agent already known to the marketplace who is in no agency, invite that agent
    to the agency's Agency Agreement (nothing of theirs changes until they accept). Returns (agent, invited)."""
    license_number = data["license_number"]
    with transaction.atomic():
        existing = Agent.objects.select_for_update().filter(license_number=license_number).first()
        if existing is not None:
            invite_agent(agent=existing, agency=agency, by=by, last_name=data["last_name"])
            return existing, True
        email = data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            # Said without saying whose: any manager could otherwise test which addresses have a sign-in.
            raise AgentError(
                _(
                    "This e-mail cannot be used for a new agent. Use the agent's own business e-mail; if this is "
                    "theirs, call the Agent Service Center."
                ),
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
            email=email,
            **{field: data[field] for field in PROFILE_FIELDS if field in data},
        )
        record_new_agent(agent=agent, by=by)
        agent.languages.set(data.get("languages", []))
        agent.product_expertise.set(data.get("product_expertise", []))
        agent.subsite_locations.set([loc for loc in data.get("subsite_locations", []) if loc.agency_id == agency.pk])
        # A new person has nothing of their own yet: they start in the agency that made their profile.
        Membership.objects.create(user=user, agency=agency, role=Membership.Role.AGENT)
        audit.record("agent.status_changed", actor=by, obj=agent, details={"agency": agency.pk, "to": "active",
                                                                            "linked": False})  # fmt: skip
        send_invitation(user=user, agency=agency, role_label=str(_("an agent")))
    return agent, False


def invite_agent(*, agent: Agent, agency, by, last_name: str) -> AgencyInvitation:
    """Offer the agency's Agency Agreement to an agent the marketplace knows (by license number and last name,
    both public): a new link, or a former agent coming back. The agent is told and answers it themselves."""
    # The last name first: with a license number alone (public), nothing is said of where the agent works.
    if agent.last_name.casefold() != last_name.strip().casefold():
        raise AgentError(
            _("License number %(license)s belongs to an agent with another last name. Check the number.")
            % {"license": agent.license_number},
            field="license_number",
        )
    active = Membership.objects.filter(user_id=agent.user_id).current()
    if active is not None and active.agency_id == agency.pk:
        raise AgentError(_("%(name)s is already on your roster.") % {"name": agent.full_name}, field="license_number")
    if active is not None:
        raise AgentError(
            _(
                "License number %(license)s belongs to an agent who is active in another agency. They must leave "
                "that agency before joining yours; the Agent Service Center can help."
            )
            % {"license": agent.license_number},
            field="license_number",
        )
    now = timezone.now()
    waiting = AgencyInvitation.objects.open(now=now).filter(agency=agency, user_id=agent.user_id).first()
    if waiting is not None:
        raise AgentError(
            _("%(name)s was already invited on %(date)s. They join your roster when they accept.")
            % {"name": agent.full_name, "date": date_format(timezone.localdate(waiting.created_at))},
            field="license_number",
        )
    # One a day from an agency to an agent, whatever became of the last (withdrawn, declined): never a way to
    # flood someone's mailbox.
    last = AgencyInvitation.objects.filter(agency=agency, user_id=agent.user_id).order_by("-created_at").first()
    if last is not None and last.created_at > now - datetime.timedelta(days=1):
        raise AgentError(
            _("%(name)s was invited less than a day ago. You can invite them again after %(time)s.")
            % {"name": agent.full_name,
               "time": date_format(timezone.localtime(last.created_at + datetime.timedelta(days=1)),
                                   "SHORT_DATETIME_FORMAT")},
            field="license_number",
        )  # fmt: skip
    # An invitation that expired unanswered is closed, so a new one may be made.
    AgencyInvitation.objects.filter(agency=agency, user_id=agent.user_id, answered_at__isnull=True).update(
        answered_at=now, outcome=AgencyInvitation.Outcome.WITHDRAWN
    )
    invitation = AgencyInvitation.objects.create(
        agency=agency, user_id=agent.user_id, invited_by=by, created_at=now,
        expires_at=now + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )  # fmt: skip
    audit.record("agent.invited", actor=by, obj=agent, details={"agency": agency.pk, "invitation": invitation.pk})
    user = agent.user
    notify(user=user, subject=words("%(agency)s invites you to join it", agency=agency.public_name),
           body=words("%(agency)s invites you to join it as one of its agents, under its Agency Agreement. Nothing "
                      "changes until you accept: sign in to the Agency Portal and open My Delegations to read the "
                      "invitation and accept or decline it. It is valid until %(date)s. If you do not know this "
                      "agency, decline it.", agency=agency.public_name,
                      date=timezone.localdate(invitation.expires_at)))  # fmt: skip
    if not user.has_usable_password():
        send_invitation(user=user, agency=agency, role_label=str(_("an agent")))
    return invitation


def accept_agency_invitation(*, invitation_id: int, by) -> Membership:
    """The agent accepts an agency's Agency Agreement: they become one of its Active agents, keeping their
    certification. At most one Active agency per person holds however many invitations are accepted at once."""
    try:
        with transaction.atomic():
            invitation = _open_invitation_locked(invitation_id, by)
            if Membership.objects.filter(user_id=by.pk).current() is not None:
                raise AgentError(
                    _("You are active in another agency. Leave it before joining %(agency)s.")
                    % {"agency": invitation.agency.public_name}
                )
            today, now = timezone.localdate(), timezone.now()
            membership = (
                Membership.objects.filter(user_id=by.pk, agency_id=invitation.agency_id)
                .order_by("-started_on")
                .first()
            )
            if membership is None:
                membership = Membership.objects.create(user_id=by.pk, agency_id=invitation.agency_id,
                                                       role=Membership.Role.AGENT, started_on=today, joined_at=now)  # fmt: skip
            else:
                # Back in an agency they left: the same membership, started again now, as what the invitation
                # offered (one of its agents), whatever role or grants it held before.
                membership.status, membership.role = Membership.Status.ACTIVE, Membership.Role.AGENT
                membership.started_on, membership.ended_on, membership.joined_at = today, None, now
                for grant in ADMIN_STAFF_GRANTS:
                    setattr(membership, grant, False)
                membership.save(update_fields=["status", "role", "started_on", "ended_on", "joined_at",
                                               *ADMIN_STAFF_GRANTS, "updated_at"])  # fmt: skip
            invitation.answered_at, invitation.outcome = timezone.now(), AgencyInvitation.Outcome.ACCEPTED
            invitation.save(update_fields=["answered_at", "outcome"])
            agent = by.agent
            # The consumers who chose this agent while in no agency come with them, as the agreement page says:
            # otherwise their own book would vanish from their view.
            case_ids = list(independent_delegations(agent).values_list("case_id", flat=True))
            brought = independent_delegations(agent).update(agency_id=invitation.agency_id)
            delegations_joined_agency.send(sender=Agent, agent=agent, agency_id=invitation.agency_id,
                                           case_ids=case_ids)  # fmt: skip
            audit.record("agent.invitation_answered", actor=by, obj=agent,
                         details={"agency": invitation.agency_id, "outcome": "accepted", "delegations": brought})  # fmt: skip
            audit.record("agent.status_changed", actor=by, obj=agent,
                         details={"agency": invitation.agency_id, "to": "active", "linked": True})  # fmt: skip
            _tell_managers(invitation, agent, accepted=True)
    except IntegrityError:
        # Another acceptance made them Active elsewhere at the same moment; the constraint kept one.
        raise AgentError(_("You are active in another agency. Leave it before joining another.")) from None
    return membership


def independent_delegations(agent: Agent):
    """The agent's pending and active delegations made while in no agency."""
    return Delegation.objects.filter(agent=agent, agency__isnull=True, status__in=Delegation.OPEN_STATUSES)


def decline_agency_invitation(*, invitation_id: int, by) -> AgencyInvitation:
    with transaction.atomic():
        invitation = _open_invitation_locked(invitation_id, by)
        invitation.answered_at, invitation.outcome = timezone.now(), AgencyInvitation.Outcome.DECLINED
        invitation.save(update_fields=["answered_at", "outcome"])
        audit.record("agent.invitation_answered", actor=by, obj=by.agent,
                     details={"agency": invitation.agency_id, "outcome": "declined"})  # fmt: skip
        _tell_managers(invitation, by.agent, accepted=False)
    return invitation


def withdraw_agency_invitation(*, invitation: AgencyInvitation, by) -> None:
    """The agency takes back an invitation not answered yet (a conditional UPDATE: an answer given at the same
    moment wins, and nothing is withdrawn twice)."""
    with transaction.atomic():
        withdrawn = AgencyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(), outcome=AgencyInvitation.Outcome.WITHDRAWN
        )
        if withdrawn:
            audit.record("agent.invitation_withdrawn", actor=by, obj=invitation.user.agent,
                         details={"agency": invitation.agency_id})  # fmt: skip


def _open_invitation_locked(invitation_id: int, user) -> AgencyInvitation:
    invitation = (
        AgencyInvitation.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=invitation_id, user_id=user.pk)
        .first()
    )
    if invitation is None or invitation.answered_at is not None or invitation.expires_at <= timezone.now():
        raise AgentError(_("This invitation is no longer open."))
    inviter_still_manages = Membership.objects.filter(
        user_id=invitation.invited_by_id, agency_id=invitation.agency_id, role=Membership.Role.MANAGER,
        status=Membership.Status.ACTIVE,
    ).exists()  # fmt: skip
    if invitation.agency.certification_status != CertificationStatus.CERTIFIED or not inviter_still_manages:
        raise AgentError(_("This invitation is no longer open."))
    return invitation


def _tell_managers(invitation: AgencyInvitation, agent: Agent, *, accepted: bool) -> None:
    managers = Membership.objects.filter(
        agency_id=invitation.agency_id, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE
    ).select_related("user")
    for membership in managers:
        person = membership.user
        values = {"name": agent.full_name, "license": agent.license_number}
        if accepted:
            subject = words("%(name)s joined your agency", **values)
            body = words("%(name)s (license %(license)s) accepted your invitation and is on your roster.", **values)
        else:
            subject = words("%(name)s declined your invitation", **values)
            body = words("%(name)s (license %(license)s) declined your invitation to join your agency.", **values)
        notify(user=person, subject=subject, body=body)


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
                wanted = list(data[relation])
                if relation == "subsite_locations":
                    # The agent's own office is not the agency's to choose: it stays theirs, listed again if
                    # they are ever in no agency.
                    wanted += [
                        loc for loc in AgencyLocation.objects.filter(owner_id=agent.user_id) if loc not in wanted
                    ]
                before = set(getattr(agent, relation).values_list("pk", flat=True))
                if before != {item.pk for item in wanted}:
                    getattr(agent, relation).set(wanted)
                    changed.append(relation)
        audit.record("agent.profile_changed", actor=by, obj=agent, details={"fields": changed})
    return agent


def save_own_office(*, agent: Agent, by, data: dict, hours: list[dict]) -> AgencyLocation:
    """An agent in no agency adds or changes their own office (the fields of agencies.services.LOCATION_FIELDS,
    placed at its ZIP code as agency locations are) with its opening hours: Find Local Help then finds them there
    like at any subsite. An agent in an agency is found at its locations instead."""
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        if Membership.objects.filter(user_id=agent.user_id).current() is not None:
            raise AgentError(
                _("You are in an agency: consumers find you at the agency's locations you choose on your profile.")
            )
        office = AgencyLocation.objects.filter(owner_id=agent.user_id).first()
        office = save_location(agency=None, owner=agent.user, by=by, location=office, data=data, hours=hours)
        agent.subsite_locations.add(office)
    return office


def set_agent_status(*, agent: Agent, agency, by, active: bool):
    """Make an agent Inactive in the agency. An agent with active delegations in the agency cannot be made
    Inactive until they are transferred. Nobody is made Active by the agency: a former agent comes back by
    accepting an invitation (invite_agent)."""
    if active:
        raise AgentError(
            _("A former agent comes back through Add New Agent: they are invited and join when they accept.")
        )
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user_id=agent.user_id, agency=agency, role__in=[Membership.Role.AGENT, Membership.Role.MANAGER])
            .order_by("status", "-started_on")
            .first()
        )
        if membership is None:
            raise AgentError(_("This agent is not on your roster."))
        wanted = Membership.Status.INACTIVE
        if membership.status == wanted:
            return membership
        if by.pk == agent.user_id:
            raise AgentError(_("You cannot make yourself Inactive."))
        held = Delegation.objects.filter(agent=agent, agency=agency, status__in=Delegation.OPEN_STATUSES).count()
        if held:
            raise ActiveDelegationsRemain(held)
        membership.ended_on, membership.left_at = timezone.localdate(), timezone.now()
        membership.status = wanted
        membership.save(update_fields=["status", "ended_on", "left_at", "updated_at"])
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


# -- the agent's own e-mail ------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "agents.services.email-change"
EMAIL_CHANGE_HOURS = 24
EMAIL_CHANGES_PER_HOUR = 3  # confirmation links to new addresses: never a way to send mail to anyone, at will


def masked_email(email: str) -> str:
    """n•••@example.com: enough for the owner to recognise, nothing for a reader of someone else's mail."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def request_email_change(*, agent: Agent, new_email: str) -> None:
    """The agent asks to change their e-mail (their sign-in and where extranet links go). A link to confirm it goes
    to the new address, valid EMAIL_CHANGE_HOURS; the old address is told at once. Nothing changes until the link
    is used, by the agent, signed in. The answer is the same whether or not the address belongs to someone else
    (who is then sent nothing), and every request counts toward EMAIL_CHANGES_PER_HOUR, under the agent's row lock."""
    new_email = new_email.strip().lower()
    with transaction.atomic():
        Agent.objects.select_for_update().filter(pk=agent.pk).first()
        asked = AuditEvent.objects.filter(
            action="agent.email_change_requested", object_id=str(agent.pk),
            created_at__gt=timezone.now() - datetime.timedelta(hours=1),
        ).count()  # fmt: skip
        if asked >= EMAIL_CHANGES_PER_HOUR:
            raise AgentError(ngettext("You asked for this %(count)d time in the last hour. Try again later.",
                                      "You asked for this %(count)d times in the last hour. Try again later.", asked)
                             % {"count": asked}, field="email")  # fmt: skip
        taken = User.objects.filter(email__iexact=new_email).exclude(pk=agent.user_id).exists()
        request = audit.record("agent.email_change_requested", actor=agent.user, obj=agent,
                               details={"to": masked_email(new_email), "sent": not taken})  # fmt: skip
        if taken:
            return  # nothing to the owner of that address, nothing that says it has one
        token = signing.dumps(
            {"agent": agent.pk, "old": agent.email.lower(), "new": new_email, "request": request.pk},
            salt=EMAIL_CHANGE_SALT,
        )
        url = absolute_url(reverse("agents:confirm_email", args=[token]))
        with translation.override(agent.preferred_language):
            confirm_subject = _("Confirm your new e-mail address")
            confirm_body = _(
                "Someone, most likely you, asked to make this address the e-mail of the agent profile of %(name)s in "
                "the Agency Portal. To confirm it, sign in and open this link within %(hours)d hours:\n\n%(url)s\n\n"
                "If it was not you, do nothing: nothing changes."
            ) % {"name": agent.full_name, "hours": EMAIL_CHANGE_HOURS, "url": url}
            notice_subject = _("A change of your e-mail address was asked for")
            notice_body = _(
                "Someone asked to change the e-mail of your agent profile in the Agency Portal to %(masked)s. Nothing "
                "changes until the new address is confirmed. If it was not you, change your password and call the "
                "Agent Service Center at %(phone)s."
            ) % {"masked": masked_email(new_email), "phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE}
        send_email_after_commit(to=new_email, subject=str(confirm_subject), body=str(confirm_body))
        send_email_after_commit(to=agent.email, subject=str(notice_subject), body=str(notice_body))


class SignInLocked(AgentError):
    """The person's sign-in is locked after repeated wrong passwords: their session ends."""


def confirm_own_password(*, user, raw_password: str, client_ip: str | None) -> bool:
    """Whether a signed-in person typed their own password (to change their e-mail). Counted like a sign-in, before
    it is checked, so a borrowed session cannot be used to guess it: SignInLocked when the sign-in is locked (it is
    not checked then) or this wrong password locks it."""
    attempt = lockout.begin_attempt(identifier=user.email, client_ip=client_ip)
    if attempt is None:
        raise SignInLocked(_("Your sign-in is locked after repeated wrong passwords. Try again in an hour."))
    if user.check_password(raw_password):
        lockout.attempt_succeeded(attempt)
        return True
    if lockout.attempt_failed(attempt) is not None:
        raise SignInLocked(_("Your sign-in is locked after repeated wrong passwords. Try again in an hour."))
    return False


def pending_email_change(token: str, *, user) -> str | None:
    """The new address a confirmation link carries, if it is this signed-in agent's, still valid, the newest they
    asked for, and no change was made since it was asked for: a link works once, and an older one never."""
    try:
        asked = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_HOURS * 3600)
    except signing.BadSignature:
        return None
    agent = getattr(user, "agent", None)
    if agent is None or asked.get("agent") != agent.pk or asked.get("old") != agent.email.lower():
        return None
    events = AuditEvent.objects.filter(
        object_id=str(agent.pk), action__in=["agent.email_change_requested", "agent.email_changed"]
    ).order_by("-pk")  # fmt: skip
    newest = events.values_list("pk", "action").first()
    if newest != (asked.get("request"), "agent.email_change_requested"):
        return None
    return asked["new"]


def confirm_email_change(*, token: str, user) -> Agent:
    """Make the confirmed address the agent's e-mail and sign-in; live extranet links sent to the old one die; the
    old address is told it happened."""
    try:
        with transaction.atomic():
            agent = Agent.objects.select_for_update().select_related("user").get(user=user)
            new_email = pending_email_change(token, user=agent.user)
            if new_email is None:
                raise AgentError(_("This link is no longer valid. Ask for a new one from My Agent Profile."))
            if User.objects.filter(email__iexact=new_email).exclude(pk=agent.user_id).exists():
                raise AgentError(_("This address cannot be used. Choose another one."))
            old_email = agent.email
            agent.email = new_email
            agent.save(update_fields=["email", "updated_at"])
            User.objects.filter(pk=agent.user_id).update(email=new_email)
            # django-allauth's own record of addresses must not keep the old one as a way to sign in.
            EmailAddress.objects.filter(user_id=agent.user_id).exclude(email__iexact=new_email).delete()
            user.email = new_email
            audit.record("agent.email_changed", actor=user, obj=agent,
                         details={"from": masked_email(old_email), "to": masked_email(new_email)})  # fmt: skip
            email_changed.send(sender=Agent, agent=agent, old_email=old_email)
            with translation.override(agent.preferred_language):
                subject = _("Your e-mail address was changed")
                body = _(
                    "The e-mail of your agent profile in the Agency Portal is now %(masked)s, and you sign in with it. "
                    "If it was not you, call the Agent Service Center at %(phone)s at once."
                ) % {"masked": masked_email(new_email), "phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE}
            send_email_after_commit(to=old_email, subject=str(subject), body=str(body))
    except IntegrityError:
        raise AgentError(_("This address cannot be used. Choose another one.")) from None
    return agent
