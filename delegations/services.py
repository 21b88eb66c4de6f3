"""Changes to delegations: transfers between an agency's agents."""

from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencies.models import Membership
from agencies.selectors import people_to_tell
from portal import audit
from portal.changes import what_changed
from portal.collation import name_sort_key
from portal.notifications import notify
from portal.permissions import may_act_on_behalf, may_hold_agency_cases, permissions_for
from portal.words import Label, Text, Words, counted, lines, words

from .models import ActingOnBehalf, Consent, Delegation


class DelegationError(Exception):
    """A delegation change that cannot be made; the message is fit for the page."""


def _locked(delegation: Delegation) -> Delegation:
    """The delegation's row, locked, read as it is now. Alone: with a join, PostgreSQL re-checks a row changed by
    the transaction it waited for against the joined rows it had found, and would lose it (an agent changed)."""
    return Delegation.objects.select_for_update().get(pk=delegation.pk)


def _pending_locked(delegation: Delegation) -> Delegation:
    """The request's row, locked, while it is still Pending with the agent it was read with: whoever acts on it
    first (accept, decline, give away) wins, and the others are told, nothing changed."""
    expected_agent = delegation.agent_id
    delegation = _locked(delegation)
    if delegation.status != Delegation.Status.PENDING:
        raise DelegationError(_("This request was already answered; nothing was changed."))
    if delegation.agent_id != expected_agent:
        raise DelegationError(_("This request was given to another agent; nothing was changed."))
    return delegation


def helper_named(agent) -> str:
    """The helper as a consumer is told of them: their name, and their agency's when they are in one."""
    membership = Membership.objects.filter(user_id=agent.user_id).select_related("agency").current()
    return helper_phrase(agent.full_name, membership.agency.public_name if membership else None)


def helper_phrase(name: str, agency_name: str | None) -> str:
    return _("%(name)s of %(agency)s") % {"name": name, "agency": agency_name} if agency_name else name


def consent_to_help(agent) -> str:
    """What a consumer agrees to by asking `agent` for help, in the language active now: shown above the button
    that sends the request, and recorded as the consent's words."""
    return consent_words(helper_named(agent))


def consent_words(helper: str) -> str:
    return _(
        "By sending this request you allow %(helper)s to see your case (your household, your coverage, your "
        "documents and the case's history) and to work on it on your behalf: report changes, upload documents and "
        "help you enroll and renew. This lasts until you or your helper end it; you can end it at any time."
    ) % {"helper": helper}


def new_business_attestation() -> str:
    """What an agent attests when they write new business, in the language active now: the consent's words."""
    return _(
        "I attest that the consumer agreed that I help them: that I see their case and work on it on their behalf "
        "(report changes, upload documents, help them enroll and renew) until they or I end it."
    )


def consent(*, channel: str, consented_by: str, covers: str, recorded_by=None, attested: bool = False) -> Consent:
    """The consent a new delegation is opened with (saved by open_delegation with it), in the language active."""
    return Consent(channel=channel, consented_by=consented_by[:200], covers=covers, recorded_by=recorded_by,
                   attested=attested, language=get_language() or settings.LANGUAGE_CODE)  # fmt: skip


def open_delegation(*, case, agent, status: str, origin: str, at, consent: Consent) -> Delegation:
    """A new delegation of `case` to `agent`, within the agency the agent is Active in now (or none): Pending
    for a request, Active at once for Write new business; with the consumer's `consent` recorded beside it (no
    delegation is opened without one). The partial unique index refuses a second open one (IntegrityError),
    which the caller turns into its own message."""
    membership = Membership.objects.filter(user_id=agent.user_id).current()
    with transaction.atomic():
        delegation = Delegation.objects.create(
            case=case,
            agent=agent,
            agency_id=membership.agency_id if membership else None,
            status=status,
            origin=origin,
            requested_at=at,
            started_at=at if status == Delegation.Status.ACTIVE else None,
        )
        consent.delegation, consent.case, consent.agent = delegation, case, agent
        consent.agency_id = delegation.agency_id
        consent.consented_at = consent.recorded_at = at
        consent.save()
    return delegation


def staff_consent_words(helper: str, staff: str) -> str:
    return _("The consumer asked the service center to delegate the case to %(helper)s; %(staff)s recorded it.") % {
        "helper": helper, "staff": staff}  # fmt: skip


def transfer_consent_words(*, by: str, agency: str, giver: str, to: str, at, consented_at) -> str:
    return _(
        "%(by)s transferred the case within %(agency)s from %(from)s to %(to)s on %(date)s. The consumer's "
        "consent of %(consented)s continues with %(to)s."
    ) % {"by": by, "agency": agency, "from": giver, "to": to, "date": f"{timezone.localtime(at):%Y-%m-%d}",
         "consented": f"{timezone.localtime(consented_at):%Y-%m-%d}"}  # fmt: skip


def record_staff_consent(*, delegation: Delegation, by) -> Consent:
    """The consent of a delegation service-center staff opened in admin, on the consumer's call."""
    record = consent(
        channel=Consent.Channel.STAFF, consented_by=delegation.case.applicant_name, recorded_by=by,
        covers=staff_consent_words(helper_named(delegation.agent), by.get_full_name() or by.email),
    )  # fmt: skip
    record.delegation, record.case_id, record.agent_id = delegation, delegation.case_id, delegation.agent_id
    record.agency_id = delegation.agency_id
    record.consented_at = record.recorded_at = delegation.requested_at
    record.save()
    audit.record("delegation.consent_recorded", actor=by, obj=delegation, details={"channel": record.channel})
    return record


def transfer_delegations(*, by, agency, from_agent, to_agent, case_ids=None) -> int:
    """Move the agency's active delegations of `from_agent` (all, or those of `case_ids`) to `to_agent`."""
    if from_agent.pk == to_agent.pk:
        raise DelegationError(_("Choose another agent to receive the delegations."))
    held = Delegation.objects.filter(agency=agency, agent=from_agent, status=Delegation.Status.ACTIVE)
    if case_ids is not None:
        held = held.filter(case_id__in=case_ids)
    return move_delegations(by=by, agency=agency, delegation_ids=list(held.values_list("pk", flat=True)),
                            to_agent=to_agent, from_agent=from_agent)  # fmt: skip


def move_delegations(*, by, agency, delegation_ids, to_agent, from_agent=None) -> int:
    """Move the agency's active delegations among `delegation_ids` (those of `from_agent` only, when given) to
    `to_agent`, in one transaction: each is ended as transferred and a new active one starts, linked to it. Rows
    already with `to_agent`, ended or transferred meanwhile are left as they are. Each agent who gives cases gets
    one audit record and one message, naming how many; `to_agent` one message. Returns how many moved."""
    if not may_hold_agency_cases(permissions_for(to_agent.user), agency_id=agency.pk):
        raise DelegationError(_("Delegations can only go to a certified agent who is active in your agency."))
    now = timezone.now()
    with transaction.atomic():
        # Locked alone (see _locked), then read with the case numbers and agents they name.
        locked = (
            Delegation.objects.select_for_update()
            .filter(pk__in=delegation_ids, agency=agency, status=Delegation.Status.ACTIVE)
            .exclude(agent=to_agent)
        )
        if from_agent is not None:
            locked = locked.filter(agent=from_agent)
        ids = list(locked.values_list("pk", flat=True))
        if not ids:
            raise DelegationError(_("There are no active delegations to transfer."))
        moving = list(
            Delegation.objects.filter(pk__in=ids)
            .order_by("agent_id", "case__case_number")
            .values_list("pk", "case_id", "agent_id", "case__case_number")
        )
        Delegation.objects.filter(pk__in=ids).update(
            status=Delegation.Status.ENDED, ended_at=now, end_reason=Delegation.EndReason.TRANSFERRED
        )
        created = Delegation.objects.bulk_create(
            [
                Delegation(
                    case_id=case_id, agent=to_agent, agency=agency, status=Delegation.Status.ACTIVE,
                    origin=Delegation.Origin.TRANSFER, requested_at=now, started_at=now, transferred_from_id=pk,
                )
                for pk, case_id, _agent, _number in moving
            ],
            batch_size=2000,
        )  # fmt: skip
        agents = Delegation._meta.get_field("agent").related_model.objects  # the agents app sits above this one
        givers = agents.select_related("user").in_bulk({agent_id for _pk, _case, agent_id, _number in moving})
        giver_of = {pk: givers[agent_id] for pk, _case, agent_id, _number in moving}
        _continue_consents(created, giver_of=giver_of, to_agent=to_agent, agency=agency, by=by, at=now)
        for agent_id, rows in groupby(moving, key=lambda row: row[2]):
            cases = [number for _pk, _case, _agent, number in rows]
            giver = givers[agent_id]
            audit.record("delegation.transferred", actor=by, obj=giver,
                         details={"to_agent": to_agent.license_number, "from_agent": giver.license_number,
                                  "cases": cases,
                                  "changes": what_changed(Delegation, {"agent": giver.license_number},
                                                          {"agent": to_agent.license_number})})  # fmt: skip
            notify(user=giver.user,
                   subject=counted("%(count)d consumer was transferred to another agent",
                                   "%(count)d consumers were transferred to another agent", len(cases),
                                   count=len(cases)),
                   body=counted("Your Agency Manager transferred the delegation of case %(cases)s from you to %(name)s.",
                                "Your Agency Manager transferred the delegations of cases %(cases)s from you to "
                                "%(name)s.", len(cases), cases=case_list(cases), name=to_agent.full_name))  # fmt: skip
        count = len(moving)
        names = ", ".join(
            givers[agent_id].full_name for agent_id in sorted(givers, key=lambda k: name_sort_key(givers[k].last_name))
        )
        cases = sorted(number for _pk, _case, _agent, number in moving)
        notify(user=to_agent.user,
               subject=counted("%(count)d consumer was transferred to you",
                               "%(count)d consumers were transferred to you", count, count=count),
               body=counted("Your Agency Manager transferred the delegation of case %(cases)s from %(name)s to you. "
                            "It is in My Delegations.",
                            "Your Agency Manager transferred the delegations of cases %(cases)s from %(name)s to you. "
                            "They are in My Delegations.", count, cases=case_list(cases), name=names))  # fmt: skip
    return count


def _continue_consents(created: list[Delegation], *, giver_of: dict, to_agent, agency, by, at) -> None:
    """Each transferred delegation's consent record: it continues the consent of the delegation it was moved from
    (when and by whom the consumer consented stay as they were), in words that name the move."""
    previous = {
        row["delegation_id"]: row
        for row in Consent.objects.filter(delegation_id__in=[d.transferred_from_id for d in created]).values(
            "pk", "delegation_id", "consented_by", "consented_at"
        )
    }
    language = get_language() or settings.LANGUAGE_CODE
    records = []
    for delegation in created:
        before = previous.get(delegation.transferred_from_id)
        if before is None:  # a delegation opened before consent was recorded would have a HISTORY record
            raise DelegationError(_("A delegation without a consent record cannot be transferred."))
        covers = transfer_consent_words(by=by.get_full_name() or by.email, agency=agency.public_name,
                                        giver=giver_of[delegation.transferred_from_id].full_name,
                                        to=to_agent.full_name, at=at, consented_at=before["consented_at"])  # fmt: skip
        records.append(Consent(
            delegation=delegation, case_id=delegation.case_id, agent=to_agent, agency=agency,
            channel=Consent.Channel.TRANSFER, consented_by=before["consented_by"], consented_at=before["consented_at"],
            recorded_at=at, recorded_by=by, language=language, covers=covers, continues_id=before["pk"],
        ))  # fmt: skip
    Consent.objects.bulk_create(records, batch_size=2000)


CASES_LISTED = 20  # a message names at most this many cases, and says how many more


def case_list(numbers: list[str]) -> Text:
    """Case numbers for a message: all of them, or the first CASES_LISTED and how many others."""
    if len(numbers) <= CASES_LISTED:
        return lines(*numbers, separator=", ")
    more = len(numbers) - CASES_LISTED
    return counted("%(cases)s and %(more)d other", "%(cases)s and %(more)d others", more,
                   cases=lines(*numbers[:CASES_LISTED], separator=", "), more=more)  # fmt: skip


def give_requests(*, by, agency, delegation_ids, to_agent) -> int:
    """Give the agency's pending requests among `delegation_ids` to `to_agent` at once, in one transaction; those
    already with `to_agent` or answered meanwhile are left as they are. Each request keeps its own audit record,
    as one given alone does; each agent concerned gets one message. Returns how many were given."""
    if not may_hold_agency_cases(permissions_for(to_agent.user), agency_id=agency.pk):
        raise DelegationError(_("Choose a certified agent who is Active in your agency."))
    with transaction.atomic():
        ids = list(
            Delegation.objects.select_for_update()
            .filter(pk__in=delegation_ids, agency=agency, status=Delegation.Status.PENDING)
            .exclude(agent=to_agent)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise DelegationError(_("None of the chosen requests is still pending with another agent."))
        given = list(Delegation.objects.filter(pk__in=ids).select_related("agent__user", "case").order_by("agent_id"))
        Delegation.objects.filter(pk__in=ids).update(agent=to_agent)
        for delegation in given:
            audit.record("delegation.reassigned", actor=by, obj=delegation,
                         details={"from_agent": delegation.agent.license_number,
                                  "to_agent": to_agent.license_number})  # fmt: skip
        for _agent_id, rows in groupby(given, key=lambda delegation: delegation.agent_id):
            rows = list(rows)
            notify(user=rows[0].agent.user,
                   subject=counted("%(count)d request for help was given to another agent",
                                   "%(count)d requests for help were given to another agent", len(rows),
                                   count=len(rows)),
                   body=words("Your Agency Manager gave requests for help to %(name)s: cases %(cases)s.",
                              name=to_agent.full_name,
                              cases=case_list(sorted(d.case.case_number for d in rows))))  # fmt: skip
        notify(user=to_agent.user,
               subject=counted("%(count)d request for help was given to you",
                               "%(count)d requests for help were given to you", len(given), count=len(given)),
               body=words("Your Agency Manager gave you requests for help with cases %(cases)s. Accept or decline them "
                          "in My Delegations.", cases=case_list(sorted(d.case.case_number for d in given))))  # fmt: skip
    return len(given)


def accept_delegation(*, delegation: Delegation, by) -> Delegation:
    """The helper accepts a pending request: the delegation becomes Active and the case joins their book."""
    with transaction.atomic():
        delegation = _pending_locked(delegation)
        if not delegation.agent.is_certified:
            raise DelegationError(_("Only a certified agent can accept a request."))
        delegation.status = Delegation.Status.ACTIVE
        delegation.started_at = timezone.now()
        delegation.save(update_fields=["status", "started_at"])
        audit.record("delegation.accepted", actor=by, obj=delegation)
        tell_managers(
            delegation,
            words("%(name)s accepted a request for help"),
            words("%(name)s accepted a request for help with case %(case)s; it is in the agency's Book of Business."),
        )
        name = delegation.agent.full_name
        tell_the_consumer(delegation, words("%(name)s accepted your request for help", name=name),
                          words("%(name)s is now your helper: they can see your case and work on it with you. You can "
                                "remove them at any time in Manage delegates.", name=name))  # fmt: skip
    return delegation


def reassign_request(*, delegation: Delegation, to_agent, by) -> Delegation:
    """The Agency Manager gives a pending request to another of the agency's certified, Active agents. The request
    stays Pending for its new helper to accept; both agents are told. Whoever acts first on the request (this, or
    the first agent accepting or declining it) wins: each locks the row and checks it is still Pending."""
    with transaction.atomic():
        delegation = _pending_locked(delegation)
        if delegation.agent_id == to_agent.pk:
            raise DelegationError(_("The request is already with this agent."))
        if not may_hold_agency_cases(permissions_for(to_agent.user), agency_id=delegation.agency_id):
            raise DelegationError(_("Choose a certified agent who is Active in your agency."))
        before = delegation.agent
        delegation.agent = to_agent
        delegation.save(update_fields=["agent"])
        audit.record("delegation.reassigned", actor=by, obj=delegation,
                     details={"from_agent": before.license_number, "to_agent": to_agent.license_number})  # fmt: skip
        case = delegation.case.case_number
        notify(user=to_agent.user, subject=words("A request for help was given to you"),
               body=words("Your Agency Manager gave you the request for help with case %(case)s. Accept or decline it "
                          "in My Delegations.", case=case))  # fmt: skip
        notify(user=before.user, subject=words("A request for help was given to another agent"),
               body=words("Your Agency Manager gave the request for help with case %(case)s to %(name)s.",
                          case=case, name=to_agent.full_name))  # fmt: skip
    return delegation


def tell_the_consumer(delegation: Delegation, subject: Words, body: Words) -> None:
    """Tell the consumer of the case, when they have an account of their own (reached through the case: this app
    does not know consumers' accounts), in their Secure Mailbox and in their language."""
    account = getattr(delegation.case, "account", None)
    if account is not None:
        notify(user=account.user, subject=subject, body=body)


def tell_managers(delegation: Delegation, subject: Words, body: Words) -> None:
    """Tell the Agency Managers of the delegation's agency (not the agent) what became of a request, each in their
    own language (`subject` and `body` are given the request's values: name, case and reason).
    The case number stays in the Secure Mailbox: the subject is also the e-mail's."""
    names = {
        "name": delegation.agent.full_name,
        "case": delegation.case.case_number,
        "reason": delegation.decline_reason,
    }
    subject, body = subject.with_values(**names), body.with_values(**names)
    for manager in people_to_tell(delegation.agent)[1:]:
        notify(user=manager, subject=subject, body=body)


def decline_delegation(*, delegation: Delegation, by, reason: str) -> Delegation:
    """The helper declines a pending request, with a reason kept on the delegation."""
    if not reason.strip():
        raise DelegationError(_("Say why you decline, so the consumer can be helped by someone else."))
    with transaction.atomic():
        delegation = _pending_locked(delegation)
        delegation.status = Delegation.Status.DECLINED
        delegation.ended_at = timezone.now()
        delegation.decline_reason = reason.strip()[:300]
        delegation.save(update_fields=["status", "ended_at", "decline_reason"])
        audit.record("delegation.declined", actor=by, obj=delegation, details={"reason": delegation.decline_reason})
        tell_managers(
            delegation,
            words("%(name)s declined a request for help"),
            words("%(name)s declined a request for help with case %(case)s: %(reason)s"),
        )
        name = delegation.agent.full_name
        tell_the_consumer(delegation, words("%(name)s declined your request for help", name=name),
                          words("%(name)s cannot help with your case: %(reason)s. You can ask another helper in Find "
                                "Local Help.", name=name, reason=delegation.decline_reason))  # fmt: skip
    return delegation


def end_delegation(*, delegation: Delegation, by, reason: str, note: str = "") -> Delegation:
    """End a pending or active delegation (staff carry out a consumer's request to remove their helper).
    The helper loses access at once and is told."""
    with transaction.atomic():
        delegation = _locked(delegation)
        if not delegation.is_open:
            raise DelegationError(_("This delegation has already ended."))
        delegation.status = Delegation.Status.ENDED
        delegation.ended_at = timezone.now()
        delegation.end_reason = reason
        delegation.note = note
        delegation.save(update_fields=["status", "ended_at", "end_reason", "note"])
        audit.record("delegation.ended", actor=by, obj=delegation, details={"reason": reason})
        notify(user=delegation.agent.user, subject=words("A delegation ended"),
               body=words("A delegation of case %(case)s to you ended: %(reason)s.", case=delegation.case.case_number,
                          reason=Label(Delegation.EndReason, reason)))  # fmt: skip
        if not getattr(by, "is_consumer", False):  # the consumer who removed them knows; staff on their call tell them
            tell_the_consumer(delegation, words("Your helper no longer helps with your case"),
                              words("%(name)s no longer helps with your case: %(reason)s. You can ask another helper "
                                    "in Find Local Help.", name=delegation.agent.full_name,
                                    reason=Label(Delegation.EndReason, reason)))  # fmt: skip
    return delegation


def start_acting(*, manager, agent, agency):
    """An Agency Manager starts acting on behalf of one of the agency's agents."""
    if not may_act_on_behalf(permissions_for(manager), permissions_for(agent.user), agency_id=agency.pk):
        raise DelegationError(_("You can act on behalf of the active agents of your agency only."))
    with transaction.atomic():
        stop_acting(manager=manager)
        acting = ActingOnBehalf.objects.create(manager=manager, agent=agent, agency=agency)
        audit.record("acting.started", actor=manager, obj=agent)
    return acting


def stop_acting(*, manager) -> int:
    """End the manager's acting-on-behalf session, if one is open (on stop, sign-out, session expiry, or when either
    person stops qualifying). Each is ended and audited once, however many requests end it at the same moment: one
    conditional UPDATE per session decides which request did."""
    ended = 0
    for acting in ActingOnBehalf.objects.filter(manager=manager, ended_at__isnull=True).select_related("agent"):
        if ActingOnBehalf.objects.filter(pk=acting.pk, ended_at__isnull=True).update(ended_at=timezone.now()):
            audit.record("acting.stopped", actor=manager, obj=acting.agent)
            ended += 1
    return ended
