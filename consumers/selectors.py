"""What consumer cases a user may see. Every case page, list and export starts here."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import IsNull
from django.utils.translation import gettext as _

from agents.selectors import user_ids_who_may_hold_cases
from delegations.models import Delegation
from delegations.selectors import own_agency_filter
from portal.cache import kept
from portal.changes import Change, describe_changes
from portal.collation import name_sort_key
from portal.models import AuditEvent, User
from portal.permissions import Capability, permissions_for

from .models import CaseDocument, CaseNote, ChangeReport, ConsumerCase, FollowUp


def cases_for(user) -> QuerySet[ConsumerCase]:
    """Service-center staff see every case. A manager (or Admin Staff allowed to view the Book of
    Business) sees the cases actively delegated within their agency; a certified agent sees the cases
    actively delegated to them within their present agency (or, unaffiliated, outside any agency).
    Admin Staff without the grant, agents who are not certified, and anyone else, see none."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return ConsumerCase.objects.all()
    active = Delegation.objects.filter(case_id=OuterRef("pk"), status=Delegation.Status.ACTIVE)
    if permissions.allows(Capability.VIEW_BOOK):
        return ConsumerCase.objects.filter(Exists(active.filter(agency_id=permissions.agency_id)))
    if permissions.allows(Capability.VIEW_OWN_CASES):
        # Only delegations made within the agent's present agency (or none, if unaffiliated):
        # an agent made Inactive keeps nothing of the old agency's book.
        own = active.filter(agent_id=permissions.agent_id, **own_agency_filter(permissions))
        return ConsumerCase.objects.filter(Exists(own))
    return ConsumerCase.objects.none()


def own_cases_for(user) -> QuerySet[ConsumerCase]:
    """A consumer's own case, once linked to their account (and their address confirmed): at most one. Nobody else
    has an own case; a helper's cases are cases_for's."""
    if not permissions_for(user).allows(Capability.OWN_CASE):
        return ConsumerCase.objects.none()
    return ConsumerCase.objects.filter(account__user_id=user.pk)


def own_case_of(user) -> ConsumerCase | None:
    return own_cases_for(user).first()


def own_documents_for(user) -> QuerySet[CaseDocument]:
    """The documents of the consumer's own case (theirs and their helpers')."""
    return CaseDocument.objects.filter(case__in=own_cases_for(user))


def own_delegations_for(user) -> QuerySet[Delegation]:
    """The delegations of the consumer's own case, newest first, with their helpers and agencies."""
    return (
        Delegation.objects.filter(case__in=own_cases_for(user))
        .select_related("agent", "agency")
        .prefetch_related("agent__languages")
        .order_by("-requested_at", "-pk")
    )


def can_act_on_case(user, case: ConsumerCase) -> bool:
    """Whether `user` may work on the case: the certified agent who holds its Active delegation (within their
    present agency), or the Agency Manager of the agency it is delegated within. Admin Staff never."""
    permissions = permissions_for(user)
    active = Delegation.objects.filter(case=case, status=Delegation.Status.ACTIVE)
    if permissions.allows(Capability.WORK_AGENCY_CASES) and active.filter(agency_id=permissions.agency_id).exists():
        return True
    if not permissions.allows(Capability.WORK_OWN_CASES):
        return False
    return active.filter(agent_id=permissions.agent_id, **own_agency_filter(permissions)).exists()


def case_documents_for(user) -> QuerySet[CaseDocument]:
    """The documents of the cases a user may see (see cases_for)."""
    return CaseDocument.objects.filter(case__in=cases_for(user))


# -- notes and follow-ups: whoever holds the case -------------------------------------------------------------------
#
# A note or follow-up belongs to whoever held the case when it was written: the agency it was delegated within, or,
# for an independent agent (a delegation within no agency), that agent. It is shown while the same holder holds the
# case: every note of the agency, across transfers between its agents; never to another agency after the consumer
# moves to it, nor to an agent who left (they no longer see the case). An independent agent who joins an agency
# with their consumers brings their notes along (consumers.signals), as their delegations come along.


def case_holder(case: ConsumerCase) -> Delegation | None:
    """The case's Active delegation (the agent and agency that hold it now), or None."""
    return Delegation.objects.filter(case=case, status=Delegation.Status.ACTIVE).select_related("agent").first()


def held_by(holder: Delegation | None) -> Q:
    """Notes or follow-ups of the holder of `holder` (an Active delegation): its agency's, or, for an independent
    agent, theirs from within no agency. Nothing without a holder."""
    if holder is None:
        return Q(pk__in=[])
    if holder.agency_id is not None:
        return Q(agency_id=holder.agency_id)
    return Q(agency__isnull=True, helper_id=holder.agent_id)


def held_by_the_row() -> Q:
    """`held_by` for a queryset of notes or follow-ups inside a query of Active delegations (a Book of Business
    row): those of the row's agency, or, for a row within no agency, of the row's agent from within none."""
    return Q(agency_id=OuterRef("agency_id")) | Q(
        IsNull(OuterRef("agency_id"), True), agency__isnull=True, helper_id=OuterRef("agent_id")
    )


def held_now() -> Q:
    """Follow-ups (or notes) whose case is still held by whoever held it when they were written."""
    active = Delegation.objects.filter(case_id=OuterRef("case_id"), status=Delegation.Status.ACTIVE)
    return Q(Exists(active.filter(agency_id=OuterRef("agency_id")))) | Q(
        Exists(active.filter(agency__isnull=True, agent_id=OuterRef("helper_id"))), agency__isnull=True
    )


def may_keep_notes(user, holder: Delegation | None) -> bool:
    """Whether `user` (who may see the case) is of whoever holds it: of its agency (its manager, the agent, Admin
    Staff allowed to view the book), or the independent agent it is delegated to. Only they add notes and
    follow-ups and mark them done; service-center staff read them."""
    if holder is None:
        return False
    permissions = permissions_for(user)
    if holder.agency_id is not None:
        return permissions.agency_id == holder.agency_id
    return permissions.agency_id is None and permissions.agent_id == holder.agent_id


def notes_of(case: ConsumerCase, holder: Delegation | None) -> QuerySet[CaseNote]:
    """The case's notes that its holder may read, newest first, with who wrote them."""
    return case.notes.filter(held_by(holder)).select_related("author")


def follow_ups_of(case: ConsumerCase, holder: Delegation | None) -> QuerySet[FollowUp]:
    """The case's follow-ups of its holder: open ones first, soonest due first; then the done ones, latest first."""
    return (
        case.follow_ups.filter(held_by(holder))
        .select_related("owner", "done_by", "created_by")
        .order_by(F("done_at").desc(nulls_first=True), "due_date", "pk")
    )


def follow_up_owners(holder: Delegation | None, author) -> QuerySet[User]:
    """Whom a follow-up may be given to: the certified, Active agents of the agency holding the case (or, for an
    independent agent, that agent), and the person adding it."""
    if holder is None:
        return User.objects.filter(pk=author.pk)
    agents = user_ids_who_may_hold_cases(holder.agency_id) if holder.agency_id is not None else [holder.agent.user_id]
    return User.objects.filter(Q(pk__in=agents) | Q(pk=author.pk)).order_by("last_name", "first_name", "pk")


FOLLOW_UP_OWNERS_SECONDS = 60


def follow_up_owner_choices(holder: Delegation | None, author) -> list[tuple[int, str]]:
    """The options of a follow-up's "Whose", in name order: follow_up_owners as (user id, name). An agency's list
    (820 people in the largest) is kept FOLLOW_UP_OWNERS_SECONDS: it only offers; what is chosen is checked against
    follow_up_owners as they are now."""

    def label(first, last, email):
        return f"{first} {last}".strip() or email

    if holder is None or holder.agency_id is None:
        rows = follow_up_owners(holder, author).values_list("pk", "first_name", "last_name", "email")
        return [(pk, label(first, last, email)) for pk, first, last, email in rows]
    agents = kept(f"follow-up-owners:{holder.agency_id}", FOLLOW_UP_OWNERS_SECONDS,
                  lambda: list(User.objects.filter(pk__in=user_ids_who_may_hold_cases(holder.agency_id))
                               .values_list("pk", "first_name", "last_name", "email")))  # fmt: skip
    if author.pk not in {row[0] for row in agents}:
        agents = [*agents, (author.pk, author.first_name, author.last_name, author.email)]
    ordered = sorted(agents, key=lambda row: (name_sort_key(row[2]), name_sort_key(row[1]), row[0]))
    return [(pk, label(first, last, email)) for pk, first, last, email in ordered]


HISTORY_ACTIONS = ("case.created", "case.renewal_recorded", "case.document_uploaded", "case.account_linked")


def case_events(case: ConsumerCase, *, limit: int = 100) -> QuerySet[AuditEvent]:
    """The audit events of changes to the case the case page's history shows (change reports and delegations
    have records of their own), newest first, with who made them."""
    return (
        AuditEvent.objects.filter(
            object_type=ContentType.objects.get_for_model(ConsumerCase),
            object_id=str(case.pk),
            action__in=HISTORY_ACTIONS,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass
class HistoryEntry:
    """A line of the case's history: when, what happened (a sentence in the reader's language), what changed."""

    when: datetime.datetime
    what: str
    changes: list[Change] = field(default_factory=list)


def named_for_a_consumer(user) -> str:
    """Who did something, as a consumer reads it: a person's name, never a sign-in address (service-center staff
    and agency employees without a name on their account are "the marketplace's service center")."""
    if user is None:
        return _("the portal")
    return user.get_full_name() or _("the marketplace's service center")


def case_history(case: ConsumerCase, *, for_consumer: bool = False) -> list[HistoryEntry]:
    """The case's history, newest first: its change reports, its delegations (a transfer says from which agent to
    which) and the changes the audit log records of it (created, renewal status, a document clearing an item),
    each saying which fields changed, and from what to what where the value is not the household's personal
    data. Three queries."""
    entries = []
    for report in case.change_reports.select_related("reported_by"):
        changed = [{"field": name, "changed": True} for name in ChangeReport.FIELDS.get(report.kind, ())]
        entries.append(HistoryEntry(
            report.reported_at,
            _("%(kind)s change reported by %(who)s") % {
                "kind": report.get_kind_display(),
                "who": named_for_a_consumer(report.reported_by) if for_consumer else report.reported_by,
            },
            describe_changes(ConsumerCase, changed),
        ))  # fmt: skip
    delegations = case.delegations.select_related("agent", "transferred_from__agent").order_by("-requested_at")
    for d in delegations:
        what = _("Delegation to %(name)s (%(origin)s): %(status)s") % {
            "name": d.agent.full_name, "origin": d.get_origin_display(), "status": d.get_status_display()
        }  # fmt: skip
        for reason in (d.get_end_reason_display() if d.end_reason else "", d.decline_reason):
            what += f" — {reason}" if reason else ""
        changes = []
        if d.transferred_from is not None:
            moved = [{"field": "agent", "old": d.transferred_from.agent.full_name, "new": d.agent.full_name}]
            changes = describe_changes(Delegation, moved)
        entries.append(HistoryEntry(d.requested_at, what, changes))
    sentences = {
        "case.created": _("Case created by %(who)s"),
        "case.renewal_recorded": _("Renewal status recorded by %(who)s"),
        "case.document_uploaded": _("Document uploaded by %(who)s"),
        "case.account_linked": _("The consumer linked their account to the case"),
    }
    for event in case_events(case):
        who = event.actor if event.actor is not None else (event.actor_label or _("the portal"))
        if for_consumer:
            who = named_for_a_consumer(event.actor)
        changes = event.details.get("changes")
        if changes is None and "from" in event.details:  # recorded before the log said what changed
            changes = [{"field": "renewal_status", "old": event.details["from"], "new": event.details.get("to")}]
        if event.action == "case.document_uploaded" and event.actor is not None and event.actor.is_consumer:
            who = _("the consumer")
        entries.append(HistoryEntry(
            event.created_at, sentences[event.action] % {"who": who}, describe_changes(ConsumerCase, changes)
        ))  # fmt: skip
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
