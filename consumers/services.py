"""Work on consumer cases: new business, changes, documents, renewals, access codes, requests for help."""

import datetime
import logging
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from delegations.models import Consent, Delegation
from delegations.selectors import open_delegation_of
from delegations.services import consent, consent_to_help, end_delegation, new_business_attestation, open_delegation
from portal import audit
from portal.changes import of_model, what_changed
from portal.models import User
from portal.notifications import notify, send_email_after_commit
from portal.uploads import kept_with_its_row
from portal.validators import normalize_case_number
from portal.words import Lines, Words, counted, label, lines, words

from .models import (
    AccessCode,
    CaseDocument,
    CaseNote,
    ChangeReport,
    ConsumerAccount,
    ConsumerCase,
    Enrollment,
    FollowUp,
    HouseholdMember,
    Verification,
    VerificationReminder,
)

logger = logging.getLogger(__name__)

ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
ACCESS_CODE_DAYS = 30


class CaseError(Exception):
    """A change to a case that cannot be made; the message is fit for the page."""


def possible_duplicates(*, first_name: str, last_name: str, date_of_birth, zip_code: str):
    """Cases of the same applicant: same name, date of birth and ZIP code."""
    return ConsumerCase.objects.filter(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
        zip_code=zip_code,
    )


def new_case_number() -> str:
    for _attempt in range(20):
        number = f"{secrets.randbelow(9_000_000_000) + 1_000_000_000:010d}"
        if not ConsumerCase.objects.filter(case_number=number).exists():
            return number
    raise CaseError(_("No case number could be assigned; try again."))


def write_new_business(*, agent, by, applicant: dict, household: list[dict], coverage: dict) -> ConsumerCase:
    """Write new business: a new case for a consumer, with their household and the coverage chosen,
    delegated (Active) to the agent at once, within the agent's present agency."""
    with transaction.atomic():
        case = ConsumerCase.objects.create(case_number=new_case_number(), **applicant)
        HouseholdMember.objects.bulk_create([HouseholdMember(case=case, **member) for member in household])
        case.current_enrollment = Enrollment.objects.create(case=case, status=Enrollment.Status.PENDING, **coverage)
        case.save(update_fields=["current_enrollment"])
        attestation = consent(channel=Consent.Channel.NEW_BUSINESS, consented_by=case.applicant_name,
                              covers=new_business_attestation(), recorded_by=by, attested=True)  # fmt: skip
        open_delegation(case=case, agent=agent, status=Delegation.Status.ACTIVE,
                        origin=Delegation.Origin.NEW_BUSINESS, at=timezone.now(), consent=attestation)  # fmt: skip
        audit.record("case.created", actor=by, obj=case, details={"agent": agent.license_number})
    return case


def report_change(*, case: ConsumerCase, by, kind: str, details: dict) -> ChangeReport:
    """Report a change for the household. Address and phone changes update the case; all are kept."""
    fields = ChangeReport.FIELDS[kind]
    with transaction.atomic():
        before = {field: getattr(case, field, None) for field in fields}
        if kind in (ChangeReport.Kind.ADDRESS, ChangeReport.Kind.PHONE):
            for field in fields:
                setattr(case, field, details[field])
        case.full_clean(exclude=["case_number"])
        case.save()
        report = ChangeReport.objects.create(case=case, kind=kind, details=details, reported_by=by)
        # The log names the kind of change and which fields changed, never the new address or income.
        changes = what_changed(ConsumerCase, before, {field: details[field] for field in fields})
        audit.record("case.change_reported", actor=by, obj=case, details={"kind": kind, "changes": changes})
    return report


def upload_case_document(*, case: ConsumerCase, by, kind: str, verification, upload, checked) -> CaseDocument:
    """Keep a verification document privately; an upload for a conditional-eligibility item marks it Submitted."""
    document = CaseDocument(case=case, verification=verification, kind=kind)
    with kept_with_its_row(document), transaction.atomic():
        _keep_case_document(document, by=by, upload=upload, checked=checked)
    return document


def _keep_case_document(document: CaseDocument, *, by, upload, checked) -> None:
    """Inside the caller's transaction, which `kept_with_its_row` surrounds (the outermost one: a file written in a
    savepoint whose transaction later rolls back would otherwise stay behind)."""
    verification = document.verification
    document.store(upload, checked, by=by)
    changes = []
    if verification is not None and verification.status == Verification.Status.OPEN:
        changes = of_model(Verification, what_changed(
            Verification, {"status": verification.status}, {"status": Verification.Status.SUBMITTED},
            about=verification.kind,
        ))  # fmt: skip
        verification.status = Verification.Status.SUBMITTED
        verification.save(update_fields=["status"])
    audit.record(
        "case.document_uploaded",
        actor=by,
        obj=document.case,
        details={
            "document": document.pk,
            "verification": verification.pk if verification else None,
            "changes": changes,
        },
    )


def record_renewal(*, case: ConsumerCase, by, status: str) -> ConsumerCase:
    """Record where the household's renewal stands; the history says from what to what."""
    with transaction.atomic():
        previous = case.renewal_status
        case.renewal_status = status
        case.save(update_fields=["renewal_status", "updated_at"])
        changes = what_changed(ConsumerCase, {"renewal_status": previous}, {"renewal_status": status})
        audit.record("case.renewal_recorded", actor=by, obj=case,
                     details={"from": previous, "to": status, "changes": changes})  # fmt: skip
    return case


def add_note(*, case: ConsumerCase, holder: Delegation, by, body: str) -> CaseNote:
    """A note on the case, kept with whoever holds it now (`holder`, its Active delegation). The log says a note
    was added, never what it says."""
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, agency_id=holder.agency_id, helper_id=holder.agent_id, author=by,
                                       body=body)  # fmt: skip
        audit.record("case.note_added", actor=by, obj=case, details={"note": note.pk})
    return note


def add_follow_up(*, case: ConsumerCase, holder: Delegation, by, owner, due_date, text: str) -> FollowUp:
    """A follow-up on the case for `owner` (chosen among those consumers.selectors.follow_up_owners gives), by a
    day, kept with whoever holds the case now."""
    with transaction.atomic():
        follow_up = FollowUp.objects.create(case=case, agency_id=holder.agency_id, helper_id=holder.agent_id,
                                            owner=owner, due_date=due_date, text=text, created_by=by)  # fmt: skip
        audit.record("case.follow_up_added", actor=by, obj=case,
                     details={"follow_up": follow_up.pk, "owner": owner.pk, "due_date": due_date.isoformat()})  # fmt: skip
    return follow_up


def mark_follow_up_done(*, follow_up: FollowUp, by) -> FollowUp:
    """Mark an open follow-up done, once: of people marking it at the same moment one does (a conditional
    UPDATE decides), and the others are told it already was."""
    now = timezone.now()
    with transaction.atomic():
        if not FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(done_at=now, done_by=by):
            raise CaseError(_("This follow-up was already marked done."))
        follow_up.done_at, follow_up.done_by = now, by
        audit.record("case.follow_up_done", actor=by, obj=follow_up.case, details={"follow_up": follow_up.pk})
    return follow_up


def generate_access_code(*, case: ConsumerCase, by, identity_checks: dict) -> str:
    """Service-center staff, after verifying the consumer's identity, make a code for the case.
    Only its hash is kept; the code is returned to be read to the consumer once. Earlier codes stop working."""
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _n in range(8))
    now = timezone.now()
    with transaction.atomic():
        case.access_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        code = AccessCode(
            case=case,
            created_by=by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=ACCESS_CODE_DAYS),
            identity_checks=identity_checks,
        )
        code.set_code(raw)
        code.save()
        audit.record("access_code.generated", actor=by, obj=case, details={"checks": sorted(identity_checks)})
    return f"{raw[:4]}-{raw[4:]}"


def normalize_access_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


REQUEST_REFUSED = gettext_lazy(
    "The case number and access code do not match. Check both and try again; an access code works once, "
    "for 30 days. The Customer Service line can give you a new one."
)


_HASHES_OF_NO_CODE: dict[str, str] = {}


def _hash_of_no_code() -> str:
    """A hash of a random code by the current hasher at its current cost, made once per process: a request for a
    case with no live code is checked against it, so it takes the same work as a wrong code (as Django's
    ModelBackend hashes a password for a user who does not exist)."""
    hasher = get_hasher()
    encoded = _HASHES_OF_NO_CODE.get(hasher.algorithm)
    if encoded is None or hasher.must_update(encoded):
        encoded = _HASHES_OF_NO_CODE[hasher.algorithm] = make_password(secrets.token_urlsafe(), hasher=hasher)
    return encoded


class _CodeRefused(Exception):
    """The case number and access code did not match (raised inside the transaction, recorded after it)."""

    def __init__(self, case: ConsumerCase | None):
        self.case = case


def _claim_access_code(*, case_number: str, access_code: str, now) -> ConsumerCase:
    """Inside a transaction: the case of `case_number`, locked, with its live access code marked used, when the code
    is right; _CodeRefused otherwise. Any mismatch takes the same work: the same queries and exactly one hash check,
    whether the case number is unknown, its case has no live code, or the code is wrong."""
    raw = normalize_access_code(access_code)
    number = normalize_case_number(case_number)
    case = ConsumerCase.objects.select_for_update().filter(case_number=number).first()
    # Making a code ends the earlier ones, so a case has one live code: the newest is the one checked.
    live = (
        AccessCode.objects.filter(case__case_number=number, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if not check_password(raw, live.code_hash if live else _hash_of_no_code()):
        raise _CodeRefused(case)
    live.used_at = now
    live.save(update_fields=["used_at"])
    return case


def _refuse_code(refused: _CodeRefused, details: dict):
    """Record the refusal (after the transaction that found it, so it is kept) and say the one message."""
    case = refused.case
    audit.record("access_code.refused", object_label=f"case {case.case_number}" if case else "", obj=case,
                 details=details)  # fmt: skip
    raise CaseError(str(REQUEST_REFUSED)) from None


def _tell_the_agent_of_a_request(agent) -> None:
    notify(user=agent.user,  # in the agent's language, not the consumer's
           subject=words("A consumer asked for your help"),  # the subject is also the e-mail's: no consumer data
           body=words("A consumer asked for your help through Find Local Help. Accept or decline in My "
                      "Delegations."))  # fmt: skip


ALREADY_HELPED = gettext_lazy(
    "This case already has a helper or a request waiting. To change helpers, call Customer Service."
)


def request_help(*, agent, case_number: str, access_code: str) -> Delegation:
    """A consumer asks a helper listed in Find Local Help for help: with a valid access code the case gets
    a Pending delegation to that helper, who is told. Any mismatch gives one message that says nothing
    of which part was wrong (see _claim_access_code), and is recorded."""
    now = timezone.now()
    try:
        with transaction.atomic():
            case = _claim_access_code(case_number=case_number, access_code=access_code, now=now)
            try:
                with transaction.atomic():
                    given = consent(channel=Consent.Channel.FIND_LOCAL_HELP, consented_by=case.applicant_name,
                                    covers=consent_to_help(agent))  # fmt: skip
                    delegation = open_delegation(case=case, agent=agent, status=Delegation.Status.PENDING,
                                                 origin=Delegation.Origin.FIND_LOCAL_HELP, at=now, consent=given)  # fmt: skip
            except IntegrityError:
                raise CaseError(str(ALREADY_HELPED)) from None
            audit.record("access_code.used", obj=case, details={"agent": agent.license_number})
            audit.record("delegation.requested", obj=delegation, details={"agent": agent.license_number})
            _tell_the_agent_of_a_request(agent)
    except _CodeRefused as refused:
        _refuse_code(refused, {"agent": agent.license_number})
    return delegation


# -- a consumer's own account ------------------------------------------------------------------------------------

ALREADY_LINKED = gettext_lazy(
    "This case is already linked to another account. If that is not yours, call Customer Service at %(phone)s."
)


def link_case(*, user, case_number: str, access_code: str) -> ConsumerAccount:
    """Link a consumer's account to their case, with its case number and an access code (which it uses up, as a
    request for help does). One account per case and one case per account: two people linking the same case at
    the same moment lock its row, and the second finds the code used. The case's helper, if it has one, is told."""
    now = timezone.now()
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()  # one link at a time per account
            if ConsumerAccount.objects.filter(user=user).exists():
                raise CaseError(_("Your account is already linked to a case."))
            case = _claim_access_code(case_number=case_number, access_code=access_code, now=now)
            if ConsumerAccount.objects.filter(case=case).exists():
                raise _LinkedElsewhere(case)
            account = ConsumerAccount.objects.create(user=user, case=case, linked_at=now)
            audit.record("access_code.used", actor=user, obj=case, details={"to": "link an account"})
            audit.record("case.account_linked", actor=user, obj=case, details={"account": user.pk})
            helper = open_delegation_of(case)
            if helper is not None:
                notify(user=helper.agent.user, subject=words("A consumer linked their account to their case"),
                       body=words("The consumer of case %(case)s made an account and linked it to their case. They "
                                  "can now see the case, upload documents and choose or remove their helper.",
                                  case=case.case_number))  # fmt: skip
    except _CodeRefused as refused:
        _refuse_code(refused, {"account": user.pk})
    except _LinkedElsewhere as linked:
        audit.record("case.account_link_refused", actor=user, obj=linked.case, details={"account": user.pk})
        raise CaseError(str(ALREADY_LINKED) % {"phone": settings.PORTAL_CUSTOMER_SERVICE_PHONE}) from None
    return account


class _LinkedElsewhere(Exception):
    def __init__(self, case):
        self.case = case


def request_help_signed_in(*, user, agent) -> Delegation:
    """A signed-in consumer asks a helper listed in Find Local Help to help with their linked case: no access code is
    needed (the account was linked with one). The request is Pending until the helper accepts, as every request."""
    now = timezone.now()
    with transaction.atomic():
        account = ConsumerAccount.objects.filter(user=user).first()
        if account is None:
            raise CaseError(_("Link your case to your account first."))
        case = ConsumerCase.objects.select_for_update().get(pk=account.case_id)
        try:
            with transaction.atomic():
                given = consent(channel=Consent.Channel.SIGNED_IN, consented_by=case.applicant_name,
                                covers=consent_to_help(agent), recorded_by=user)  # fmt: skip
                delegation = open_delegation(case=case, agent=agent, status=Delegation.Status.PENDING,
                                             origin=Delegation.Origin.FIND_LOCAL_HELP, at=now, consent=given)  # fmt: skip
        except IntegrityError:
            raise CaseError(str(HAS_A_HELPER)) from None
        audit.record("delegation.requested", actor=user, obj=delegation,
                     details={"agent": agent.license_number, "signed_in": True})  # fmt: skip
        _tell_the_agent_of_a_request(agent)
    return delegation


HAS_A_HELPER = gettext_lazy(
    "Your case already has a helper or a request waiting. To choose another helper, remove that one first in "
    "Manage delegates."
)


def remove_helper(*, user, delegation: Delegation) -> str:
    """The consumer removes a helper (Active) or withdraws a request (Pending): the delegation ends at once, the
    helper loses the case at their next request and is told; nothing else of the case changes. Returns the status
    it had when it ended (read under the row's lock: a request accepted a moment before is a helper removed)."""
    with transaction.atomic():
        was = Delegation.objects.select_for_update().values_list("status", flat=True).get(pk=delegation.pk)
        end_delegation(delegation=delegation, by=user, reason=Delegation.EndReason.CONSUMER_REQUEST)
    return was


def upload_own_document(*, user, case: ConsumerCase, kind: str, verification, upload, checked) -> CaseDocument:
    """The consumer uploads a verification document to their own case (checked by content, as a helper's); an item
    becomes Submitted; their helper, if they have one, is told."""
    document = CaseDocument(case=case, verification=verification, kind=kind)
    with kept_with_its_row(document), transaction.atomic():
        _keep_case_document(document, by=user, upload=upload, checked=checked)
        helper = open_delegation_of(case)
        if helper is not None and helper.status == Delegation.Status.ACTIVE:
            notify(user=helper.agent.user, subject=words("A consumer uploaded a document"),
                   body=words("The consumer of case %(case)s uploaded a document to their case.",
                              case=case.case_number))  # fmt: skip
    return document


DIGEST_DUE_DAYS = 10


def send_verification_digests(*, today: datetime.date | None = None) -> int:
    """Daily: one message per helper listing their open items that are overdue (first, with the days overdue) or
    due within 10 days, by case number (the e-mail has no PII). A helper with only overdue items gets it too.
    One query reads every such item with the agent its case is actively delegated to, in agent and date order."""
    from itertools import groupby

    from django.db.models import OuterRef, Subquery

    today = today or timezone.localdate()
    holder = Delegation.objects.filter(case_id=OuterRef("case_id"), status=Delegation.Status.ACTIVE)
    items = (
        Verification.objects.filter(
            status__in=Verification.OPEN_STATUSES, due_date__lte=today + datetime.timedelta(days=DIGEST_DUE_DAYS)
        )
        # Past its date, an item whose documents are submitted awaits the review: not the helper's to chase.
        .exclude(status=Verification.Status.SUBMITTED, due_date__lt=today)
        .annotate(helper_user_id=Subquery(holder.values("agent__user_id")[:1]))
        .filter(helper_user_id__isnull=False)
        .select_related("case")
        .order_by("helper_user_id", "due_date", "pk")  # by date: the overdue come first
    )
    helpers = User.objects.in_bulk(set(items.values_list("helper_user_id", flat=True)))
    sent = 0
    for user_id, group in groupby(items.iterator(chunk_size=2000), key=lambda item: item.helper_user_id):
        helper = helpers[user_id]
        group = list(group)  # one helper's open items overdue or due within 10 days
        overdue = [item for item in group if item.due_date < today]
        due = [item for item in group if item.due_date >= today]
        subject, body = _digest(overdue, due, today)
        notify(user=helper, subject=subject, body=body)
        sent += 1
    return sent


def _digest(overdue: list, due: list, today: datetime.date) -> tuple[Words, Lines]:
    """The subject and body of one helper's digest, in the catalogue's words (said in the reader's language)."""
    if overdue and due:
        subject = counted("%(overdue)d conditional-eligibility item is overdue, %(due)d due within 10 days",
                          "%(overdue)d conditional-eligibility items are overdue, %(due)d due within 10 days",
                          len(overdue), overdue=len(overdue), due=len(due))  # fmt: skip
    elif overdue:
        subject = counted("%(n)d conditional-eligibility item is overdue",
                          "%(n)d conditional-eligibility items are overdue", len(overdue), n=len(overdue))  # fmt: skip
    else:
        subject = counted("%(n)d conditional-eligibility item is due within 10 days",
                          "%(n)d conditional-eligibility items are due within 10 days", len(due), n=len(due))  # fmt: skip
    sections = []
    if overdue:
        sections.append(lines(
            words("Overdue:"),
            *[counted("Case %(case)s: %(kind)s was due %(date)s (%(days)d day overdue)",
                      "Case %(case)s: %(kind)s was due %(date)s (%(days)d days overdue)", (today - item.due_date).days,
                      case=item.case.case_number, kind=label(Verification.Kind(item.kind)),
                      date=item.due_date.isoformat(), days=(today - item.due_date).days)
              for item in overdue],
        ))  # fmt: skip
    if due:
        items = [
            counted("Case %(case)s: %(kind)s due %(date)s (%(days)d day left)",
                    "Case %(case)s: %(kind)s due %(date)s (%(days)d days left)", (item.due_date - today).days,
                    case=item.case.case_number, kind=label(Verification.Kind(item.kind)),
                    date=item.due_date.isoformat(), days=(item.due_date - today).days)
            for item in due
        ]  # fmt: skip
        sections.append(lines(words("Due within 10 days:"), *items) if overdue else lines(*items))
    return subject, lines(*sections, separator="\n\n")


# -- deadline reminders to consumers -----------------------------------------------------------------


def reminder_windows(today: datetime.date) -> list[tuple[int, datetime.date, datetime.date]]:
    """For each threshold (CONSUMER_REMINDER_DAYS, e.g. 15, 5, 1 days before), the due dates that get its reminder
    today: those exactly that many days away, and those up to CONSUMER_REMINDER_CATCH_UP_DAYS nearer (a daily run
    missed is made up the next day), but never as near as the next threshold, nor in the past. So a missed run
    never sends a stale reminder once the next one is nearer, and one day gets at most one reminder per item."""
    thresholds = sorted(set(settings.CONSUMER_REMINDER_DAYS), reverse=True)
    windows = []
    for index, days in enumerate(thresholds):
        nearer = thresholds[index + 1] if index + 1 < len(thresholds) else -1
        earliest = max(days - settings.CONSUMER_REMINDER_CATCH_UP_DAYS, nearer + 1, 0)
        windows.append((days, today + datetime.timedelta(days=earliest), today + datetime.timedelta(days=days)))
    return windows


def claim_reminder(*, item: Verification, days_before: int, today: datetime.date) -> bool:
    """Write the reminder's row, in the caller's transaction: True if this run wrote it (and so sends the e-mail),
    False if another run already had. Runs at once: the second insert waits for the first's commit, then fails on
    the unique constraint (or goes ahead, if the first rolled back)."""
    try:
        with transaction.atomic():  # a savepoint: a row written first elsewhere leaves the caller's transaction usable
            VerificationReminder.objects.create(
                verification=item, days_before=days_before, due_date=item.due_date, sent_on=today
            )
    except IntegrityError:
        return False
    return True


def consumer_language(code: str) -> str:
    """The language to write to a consumer in: theirs when the portal is translated into it, English otherwise."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def deadline_reminder(case: ConsumerCase, due_date: datetime.date, today: datetime.date) -> tuple[str, str]:
    """The subject and body of a reminder, in the active language: the consumer's first name and the due date only
    (no last name, case number, address, nor what the document is about: an e-mail is read by whoever sees it)."""
    from django.utils.formats import date_format

    date = date_format(due_date, "DATE_FORMAT")
    days = (due_date - today).days
    subject = _("Reminder: a document for your health coverage is due on %(date)s") % {"date": date}
    when = (
        _("It is due today, %(date)s.") % {"date": date}
        if days == 0
        else ngettext("It is due on %(date)s, in %(days)d day.", "It is due on %(date)s, in %(days)d days.", days)
        % {"date": date, "days": days}
    )
    body = "\n\n".join([
        _("Hello %(name)s,") % {"name": case.first_name},
        _("The marketplace is waiting for a document from your household to keep your health coverage and the "
          "help paying for it.") + " " + when,
        _("If you have sent it already, you need not do anything. For help, contact your agent or call Customer "
          "Service at %(phone)s.") % {"phone": settings.PORTAL_CUSTOMER_SERVICE_PHONE},
        _("You get this reminder because your agent's agency sends deadline reminders. We never ask for personal "
          "information by e-mail."),
    ])  # fmt: skip
    return str(subject), str(body)


def send_deadline_reminders(*, today: datetime.date | None = None) -> int:
    """Daily: e-mail each consumer whose case has an e-mail address, and whose case's Active delegation is with an
    agency that turned reminders on, before an open item's due date (see reminder_windows), in their language.
    Each item gets each threshold's reminder once: its row is claimed in the transaction that sends the e-mail
    (on commit), so two runs at once send one. A case's items due the same day make one e-mail. One query reads
    the items to remind of. Returns how many e-mails were sent."""
    from itertools import groupby

    from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

    today = today or timezone.localdate()
    windows = reminder_windows(today)
    if not windows:
        return 0
    agency_sends = Delegation.objects.filter(
        case_id=OuterRef("case_id"), status=Delegation.Status.ACTIVE, agency__remind_consumers=True
    )
    items = (
        Verification.objects.filter(
            status__in=Verification.OPEN_STATUSES, due_date__range=(today, max(last for _d, _f, last in windows))
        )
        .exclude(case__email="")
        .annotate(
            threshold=Case(
                *(When(due_date__range=(first, last), then=Value(days)) for days, first, last in windows),
                output_field=IntegerField(),
            )
        )
        .filter(threshold__isnull=False)
        .filter(Exists(agency_sends))
        .exclude(
            Exists(
                VerificationReminder.objects.filter(verification_id=OuterRef("pk"), days_before=OuterRef("threshold"))
            )
        )
        .select_related("case")
        .order_by("due_date", "case_id", "pk")
    )
    sent = 0
    for _key, group in groupby(items.iterator(chunk_size=500), key=lambda item: (item.due_date, item.case_id)):
        group = list(group)  # one case's items due the same day: one or two
        case, due_date = group[0].case, group[0].due_date
        with transaction.atomic():
            claimed = [claim_reminder(item=item, days_before=item.threshold, today=today) for item in group]
            if not any(claimed):
                continue  # another run has told them
            with translation.override(consumer_language(case.preferred_language)):
                subject, body = deadline_reminder(case, due_date, today)
            # Consumers are not users: no Secure Mailbox, the e-mail itself (django.core.mail, DEFAULT_FROM_EMAIL).
            send_email_after_commit(to=case.email, subject=subject, body=body, prefixed=False)
        sent += 1
    logger.info("deadline reminders: %d sent", sent)  # counts only: no consumer data in logs
    return sent
