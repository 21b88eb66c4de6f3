"""The Book of Business: the active delegations a person may see, one row per case, ready to page or export."""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from agencies.models import Membership
from agents.selectors import agency_agents_for
from consumers.models import ConsumerCase, Enrollment, FollowUp, HouseholdMember, Verification
from consumers.selectors import held_by_the_row, held_now
from delegations.models import Delegation
from delegations.selectors import (
    DELEGATION_COUNT_LABELS,
    case_number_digits,
    delegation_counts,
    delegations_for,
    matching_consumer,
)
from portal import replica
from portal.cache import kept_while_large
from portal.choices import CertificationStatus
from portal.permissions import Capability, permissions_for
from portal.selection import as_id

from .models import BookOfBusinessExport, SavedView

# Sort keys of the online view and the fields behind them (ties broken by the delegation's id).
BOOK_SORTS = {
    "case": "case__case_number",
    "name": "case__last_name",
    "language": "case__preferred_language",
    "county": "case__county",
    "household": "household_size",
    "issuer": "case__current_enrollment__issuer",
    "tier": "case__current_enrollment__metal_tier",
    "premium": "case__current_enrollment__monthly_premium",
    "net": "case__current_enrollment__net_premium",
    "status": "case__current_enrollment__status",
    "renewal": "case__renewal_status",
    "due": "earliest_due",
    "delegated": "started_at",
    "agent": "agent__last_name",
    "follow_up": "next_follow_up",
}
# The Book of Business's columns a person may choose and order, with the sort key of each (its header sorts by
# it). The applicant, the items due and the agent are always shown, first: they are what a row is worked by.
BOOK_COLUMNS = {
    "case": _("Case number"),
    "language": _("Language"),
    "county": _("County"),
    "household": _("Household"),
    "issuer": _("Issuer"),
    "tier": _("Metal tier"),
    "premium": _("Premium"),
    "net": _("Net premium"),
    "status": _("Enrollment"),
    "renewal": _("Renewal"),
    "delegated": _("Delegated"),
    "follow_up": _("Next follow-up"),
}
NUMERIC_COLUMNS = {"household", "premium", "net"}
DEFAULT_COLUMNS = list(BOOK_COLUMNS)


def book_columns(params) -> list[str]:
    """The optional columns a Book of Business query string asks for, in its order (`cols`, repeated; present but
    empty: none), or the default ones."""
    if "cols" not in params:
        return DEFAULT_COLUMNS
    return list(dict.fromkeys(key for key in params.getlist("cols") if key in BOOK_COLUMNS))


def saved_views_for(user) -> QuerySet[SavedView]:
    """The person's own saved views of their Book of Business: nobody else's."""
    return SavedView.objects.filter(owner=user)


# The sorts on the case's own columns, each with a sort index on the case, and those on its current enrollment's,
# each with a sort index on the enrollment.
CASE_SORTS = {"case", "name", "language", "county", "renewal"}
ENROLLMENT_SORTS = {"issuer", "tier", "premium", "net", "status"}


def book_for(user, *, agent=None) -> QuerySet[Delegation]:
    """The Book of Business `user` may see: the agency's (a manager, or Admin Staff granted it), narrowed
    to one agent of the agency when `agent` is given; an agent's own otherwise. One row per case."""
    rows = delegations_for(user).filter(status=Delegation.Status.ACTIVE)
    permissions = permissions_for(user)
    if agent is not None:
        rows = rows.filter(agent=agent)
    elif not permissions.allows(Capability.VIEW_BOOK):
        own = permissions.agent_id
        rows = rows.filter(agent_id=own) if own is not None else rows.none()
    return book_rows(rows)


@dataclass(frozen=True)
class BookScope:
    """Whose Book of Business a person is shown: the agency's (with its agents to narrow it by), narrowed to one
    of them, or their own. `allowed` is False for a person with no book; `agent_missing` when the agent asked
    for is not one of the agency's."""

    allowed: bool
    agents: QuerySet | None = None
    agent: object | None = None
    agent_missing: bool = False


def book_agency_of(scope_user, scope: BookScope) -> int | None:
    """The agency every row of the book `scope` gives `scope_user` belongs to (an agency's book, by `book_for`'s
    agency filter), or None (an agent's own book, or service-center staff's, which may span agencies)."""
    permissions = permissions_for(scope_user)
    if scope.agents is None or permissions.allows(Capability.SERVICE_CENTER):
        return None
    return permissions.agency_id


def book_scope(scope_user, *, acting: bool, agent_id=None, mine: bool = False) -> BookScope:
    """The agency's book for a person who may view it (not while acting on behalf: then the agent's own), narrowed
    to `agent_id` or, with `mine`, to the person's own delegations; an agent's own book otherwise."""
    permissions = permissions_for(scope_user)
    if not acting and permissions.allows(Capability.VIEW_BOOK):
        agents = agency_agents_for(scope_user).order_by("last_name", "first_name")
        if mine and permissions.agent is not None:
            return BookScope(allowed=True, agents=agents, agent=permissions.agent)
        if agent_id not in (None, ""):  # one agent's book: of the agency's, or a 404 (a crafted id too)
            agent = agents.filter(pk=as_id(agent_id)).first() if as_id(agent_id) is not None else None
            return BookScope(allowed=True, agents=agents, agent=agent, agent_missing=agent is None)
        return BookScope(allowed=True, agents=agents)
    return BookScope(allowed=permissions.allows(Capability.OWN_DELEGATIONS))


def filtered_book(scope_user, *, agent=None, filters: dict | None, searched: bool = False) -> QuerySet[Delegation]:
    """The book `book_for` gives, with the view's filters (a BookFilterForm's cleaned data) applied and sorted;
    nothing at all for filters that did not validate (None)."""
    rows = book_for(scope_user, agent=agent)
    if filters is None:
        return rows.none()
    return sort_book(filter_book(rows, filters, me=scope_user), filters.get("sort") or "name", searched=searched)


def book_rows(rows: QuerySet[Delegation]) -> QuerySet[Delegation]:
    """Active delegations with what a Book of Business row shows: the case, its current enrollment, the
    household size, open conditional-eligibility items and the earliest due date, the earliest due date of the
    open follow-ups of the row's agency (or independent agent), the agent and agency."""
    members = (
        HouseholdMember.objects.filter(case_id=OuterRef("case_id"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    open_items = Verification.objects.filter(case_id=OuterRef("case_id"), status__in=Verification.OPEN_STATUSES)
    return rows.select_related("case", "case__current_enrollment", "agent", "agency").annotate(
        household_size=Coalesce(Subquery(members), Value(0), output_field=IntegerField()) + 1,
        open_items=Coalesce(
            Subquery(open_items.order_by().values("case_id").annotate(n=Count("*")).values("n")),
            Value(0),
            output_field=IntegerField(),
        ),
        earliest_due=Subquery(open_items.order_by().values("case_id").annotate(d=Min("due_date")).values("d")),
        next_follow_up=Subquery(
            open_follow_ups().order_by().values("case_id").annotate(d=Min("due_date")).values("d")
        ),
    )


def open_follow_ups() -> QuerySet[FollowUp]:
    """The open follow-ups of a Book of Business row's case kept by the row's agency (or independent agent), for
    a subquery of the row (see consumers.selectors.held_by_the_row)."""
    return FollowUp.objects.filter(held_by_the_row(), case_id=OuterRef("case_id"), done_at__isnull=True)


def filter_book(rows: QuerySet[Delegation], filters: dict, *, me=None) -> QuerySet[Delegation]:
    """Apply the online view's filters (a BookFilterForm's cleaned data) and search. `me` is the person whose
    follow-ups "mine" means (the scope user: the agent acted for, while acting on behalf)."""
    if filters.get("agent"):
        rows = rows.filter(agent=filters["agent"])
    for key, field in (
        ("enrollment_status", "case__current_enrollment__status"),
        ("issuer", "case__current_enrollment__issuer"),
        ("metal_tier", "case__current_enrollment__metal_tier"),
        ("renewal_status", "case__renewal_status"),
        ("language", "case__preferred_language"),
        ("county", "case__county"),
    ):
        if filters.get(key):
            rows = rows.filter(**{field: filters[key]})
    if filters.get("due_within") is not None:
        horizon = timezone.localdate() + datetime.timedelta(days=filters["due_within"])
        due = Verification.objects.filter(
            case_id=OuterRef("case_id"), status__in=Verification.OPEN_STATUSES, due_date__lte=horizon
        )
        rows = rows.filter(Exists(due))
    if filters.get("due_week"):
        monday = filters["due_week"] - datetime.timedelta(days=filters["due_week"].weekday())
        in_week = Verification.objects.filter(
            case_id=OuterRef("case_id"), status__in=Verification.OPEN_STATUSES,
            due_date__gte=monday, due_date__lt=monday + datetime.timedelta(days=7),
        )  # fmt: skip
        rows = rows.filter(Exists(in_week))
    if filters.get("overdue"):
        late = Verification.objects.filter(
            case_id=OuterRef("case_id"), status=Verification.AWAITING_DOCUMENTS, due_date__lt=timezone.localdate()
        )
        rows = rows.filter(Exists(late))
    follow_up = filters.get("follow_up")
    if follow_up == "due":
        rows = rows.filter(Exists(open_follow_ups().filter(due_date__lte=timezone.localdate())))
    elif follow_up == "open":
        rows = rows.filter(Exists(open_follow_ups()))
    elif follow_up == "mine":
        rows = rows.filter(Exists(open_follow_ups().filter(owner_id=me.pk))) if me is not None else rows.none()
    if filters.get("delegated_from"):
        rows = rows.filter(started_at__date__gte=filters["delegated_from"])
    if filters.get("delegated_to"):
        rows = rows.filter(started_at__date__lte=filters["delegated_to"])
    return matching_consumer(rows, filters.get("q"))


@dataclass(frozen=True)
class Found:
    """What a search of a book found: its first rows (`object_list`, as a page has them, so the list is audited
    like one) and how many matched, counted up to a bound (`more`: there are more than `count`)."""

    object_list: list
    count: int
    more: bool = False
    number: int = 1


def search_book(scope_user, query: str, *, agent=None, limit: int | None = None) -> Found:
    """The first `limit` cases of `book_for(scope_user, agent=agent)` that the Book's search `q` finds: a case
    number's start, in case-number order (along the case number's index), or the words of a name, in name order
    (the trigram indexes find the matching names; the database then sorts just those, as `sort_book` explains).

    Two queries whatever the book or the number of matches: the ids of the matches, at most SEARCH_COUNT_UP_TO and
    one (how many there are, or `more` than that: a common name is not counted across a million cases), and the
    rows shown. Measured on 1,000,000 cases, for the manager of a 445,000-case agency: a common surname (16,700
    cases, 7,400 of the agency's) 165-190 ms, a rare one 5 ms, a case number's start 10-45 ms."""
    limit = limit or settings.SEARCH_RESULTS
    bound = max(settings.SEARCH_COUNT_UP_TO, limit)
    by_number = bool(case_number_digits(query))
    rows = filtered_book(scope_user, agent=agent, filters={"q": query, "sort": "case" if by_number else "name"},
                         searched=not by_number)  # fmt: skip
    ids = list(rows.values_list("pk", flat=True)[: bound + 1])
    count, more, ids = min(len(ids), bound), len(ids) > bound, ids[:limit]
    details = {row.pk: row for row in Delegation.objects.filter(pk__in=ids).select_related("case", "agent")}
    return Found(object_list=[details[pk] for pk in ids if pk in details], count=count, more=more)


def sort_book(rows: QuerySet[Delegation], sort: str, *, searched: bool = False) -> QuerySet[Delegation]:
    """Order a book by one of BOOK_SORTS. Ties are broken by the case (a book holds each case once: one active
    delegation per case), so a sort on the case's own columns follows one of the case's sort indexes and stops
    after the page instead of sorting a 100,000-case agency.

    A name search keeps a few rows, which the trigram indexes find; the database then sorts just those. Walking
    a sort index to find them would read most of the million cases (PostgreSQL cannot tell how few names
    match, nor where), so a searched book is sorted on the same values as written expressions, which no index
    follows."""
    key = sort.lstrip("-") if sort.lstrip("-") in BOOK_SORTS else "name"
    descending = sort.startswith("-") and key == sort.lstrip("-")
    fields = [BOOK_SORTS[key], "case__first_name"] if key == "name" else [BOOK_SORTS[key]]
    if key in ENROLLMENT_SORTS:  # the enrollment's sort indexes hold its id (see EnrollmentSorted)
        fields.append("case__current_enrollment_id")
    if key != "case":  # the case number is unique: nothing to break
        fields.append("case_id")
    if searched and key in CASE_SORTS:
        fields = [Concat(F(field), Value("")) if field != "case_id" else F(field) for field in fields]
    else:
        fields = [F(field) for field in fields]
    return rows.order_by(*(field.desc() if descending else field.asc() for field in fields))


def dashboard_for(user, *, agent=None) -> dict:
    """Counts for the dashboard of a Book of Business (the same scope as `book_for`): delegations by status,
    enrollments by issuer and metal tier, conditional-eligibility items due by week, renewals, and, for an
    agency, agents by certification status. Four grouped queries, whatever the size of the book.

    A large book (BOOK_COUNT_CACHE_FROM active cases and more: grouping the largest agency's 116,000 cases
    takes a second) keeps its counts for DASHBOARD_CACHE_SECONDS, under its scope's query; `as_of` then says
    when they were counted. Labels are put on afterwards, in the reader's language."""
    permissions = permissions_for(user)
    agency_wide = agent is None and permissions.allows(Capability.VIEW_BOOK)
    delegations = delegations_for(user)
    if not agency_wide:
        own = agent or permissions.agent
        delegations = delegations.filter(agent=own) if own is not None else delegations.none()
    with_roster = agency_wide and permissions.allows(Capability.VIEW_ROSTER)
    try:
        scope = f"{delegations.query}|{with_roster}|{timezone.localdate()}"
    except EmptyResultSet:
        scope = None
    key = "dashboard:" + hashlib.sha256(scope.encode()).hexdigest() if scope else None
    counts = cache.get(key) if key else None
    if counts is None:
        # Counts may come from the replica (portal/replica.py): never older than this person's own last change.
        counts = replica.fall_back(lambda: _dashboard_counts(user, delegations, with_roster=with_roster))
        if key and counts["size"] >= settings.BOOK_COUNT_CACHE_FROM:
            counts["as_of"] = timezone.now()
            cache.set(key, counts, settings.DASHBOARD_CACHE_SECONDS)

    # Every bar is a link to the list it counts: the Book of Business (the person's own when the dashboard is an
    # agent's and they could see the agency's), the delegations, or the roster, with that filter.
    book = reverse("bookofbusiness:book") + (
        "?mine=1&" if not agency_wide and permissions.allows(Capability.VIEW_BOOK) else "?"
    )
    delegations_list = reverse("agencies:delegations") if agency_wide else reverse("delegations:mine")

    def labelled(rows, labels, link):
        return [(str(labels.get(value, value)), n, link(value)) for value, n in rows]

    charts = {
        "delegations": labelled(counts["delegations"], DELEGATION_COUNT_LABELS,
                                lambda value: f"{delegations_list}?{urlencode({'status': value})}"),
        "issuers": labelled(counts["issuers"], {}, lambda value: book + urlencode({"issuer": value})),
        "tiers": labelled(counts["tiers"], dict(Enrollment.MetalTier.choices),
                          lambda value: book + urlencode({"metal_tier": value})),
        "due": [(date_format(week, "SHORT_MONTH_DAY_FORMAT"), n, book + urlencode({"due_week": week.isoformat()}))
                for week, n in counts["due"]],
        "renewals": labelled(counts["renewals"], dict(ConsumerCase.RenewalStatus.choices),
                             lambda value: book + urlencode({"renewal_status": value})),
        "as_of": counts.get("as_of"),
    }  # fmt: skip
    if with_roster:
        roster = reverse("agencies:roster") + "?"
        charts["certification"] = labelled(counts["certification"], dict(CertificationStatus.choices),
                                           lambda value: roster + urlencode({"certification": value}))  # fmt: skip
    return charts


def _dashboard_counts(user, delegations: QuerySet[Delegation], *, with_roster: bool) -> dict:
    """The raw counts behind `dashboard_for`: (value, count) pairs, largest first."""
    from django.db.models.functions import TruncWeek

    active = delegations.filter(status=Delegation.Status.ACTIVE)
    today = timezone.localdate()

    def largest_first(counter: dict) -> list:
        return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))

    def grouped(queryset, field) -> list:
        return largest_first(
            {row[field]: row["n"] for row in queryset.order_by().values(field).annotate(n=Count("*"))}
        )

    # Issuer, metal tier and renewal status of every case of the book in one pass over it.
    issuers, tiers, renewals = {}, {}, {}
    combinations = (
        ConsumerCase.objects.filter(Exists(active.filter(case_id=OuterRef("pk"))))
        .order_by()
        .values("current_enrollment__issuer", "current_enrollment__metal_tier", "renewal_status")
        .annotate(n=Count("*"))
    )
    for row in combinations:
        issuer, tier, n = row["current_enrollment__issuer"], row["current_enrollment__metal_tier"], row["n"]
        if issuer is not None:  # a case without an enrollment has neither
            issuers[issuer] = issuers.get(issuer, 0) + n
            tiers[tier] = tiers.get(tier, 0) + n
        renewals[row["renewal_status"]] = renewals.get(row["renewal_status"], 0) + n
    due = (
        Verification.objects.filter(
            Exists(active.filter(case_id=OuterRef("case_id"))),
            status__in=Verification.OPEN_STATUSES,
            due_date__gte=today - datetime.timedelta(days=today.weekday()),
            due_date__lt=today + datetime.timedelta(weeks=8),
        )
        .annotate(week=TruncWeek("due_date"))
        .order_by()
        .values("week")
        .annotate(n=Count("*"))
        .order_by("week")
    )
    statuses = largest_first({status: n for status, n in delegation_counts(delegations).items() if n})
    return {
        "size": dict(statuses).get(Delegation.Status.ACTIVE, 0),
        "delegations": statuses,
        "issuers": largest_first(issuers),
        "tiers": largest_first(tiers),
        "due": [(row["week"], row["n"]) for row in due],
        "renewals": largest_first(renewals),
        "certification": grouped(agency_agents_for(user), "certification_status") if with_roster else [],
    }


class BookPaginator(Paginator):
    """Django's paginator, except that the number of rows of a large book (BOOK_COUNT_CACHE_FROM rows and more)
    is kept for BOOK_COUNT_CACHE_SECONDS under the count query itself, so paging through a filtered 100,000-case
    book counts it once a minute rather than on every page. Small books are always counted exactly. `counted`
    is what to count when the pages are read from something else (EnrollmentSorted)."""

    def __init__(self, object_list, per_page, *, counted=None):
        super().__init__(object_list, per_page)
        self.counted = counted if counted is not None else object_list

    @cached_property
    def count(self) -> int:
        # Counted on the replica when it has this person's own last change (portal/replica.py), else the primary.
        return kept_while_large(self.counted, lambda: replica.fall_back(self.counted.count))

    def page(self, number):
        """A full page whatever the count says (Django's stops at the count, which may be a minute old)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class EnrollmentSorted:
    """The ids of a book sorted on its current enrollment's column, read in two parts: the cases with a current
    enrollment, in the order of one of the enrollment's sort indexes (which the database walks, stopping after
    the page, instead of sorting a 116,000-case agency), and the cases without one, where PostgreSQL puts
    them in one sorted query (NULLs come last ascending, first descending). Sliced like the queryset it
    stands for, with the same rows in the same order."""

    def __init__(self, rows: QuerySet[Delegation], *, descending: bool, agency_id: int | None = None):
        ids = rows.values_list("pk", flat=True)
        enrolled = ids.filter(case__current_enrollment__isnull=False)
        if agency_id is not None:
            # Rows of one agency's book (every one an Active delegation within it): their enrollments carry that
            # agency (kept by the database, consumers migration 0012), so the walk follows the agency's own
            # sort index. Without this the walk reads every agency's enrollments in order to keep its own.
            enrolled = enrolled.filter(case__current_enrollment__book_agency_id=agency_id)
        not_enrolled = ids.filter(case__current_enrollment__isnull=True)
        self.parts = [not_enrolled, enrolled] if descending else [enrolled, not_enrolled]

    def __getitem__(self, window: slice) -> list:
        start, stop, found = window.start or 0, window.stop, []
        for part in self.parts:
            if stop <= 0:
                break
            got = list(part[max(start, 0) : stop])
            found += got
            if len(got) == stop - max(start, 0):
                break  # this part fills the window
            size = max(start, 0) + len(got) if got else part.count()  # rows in this part
            start, stop = start - size, stop - size
        return found


class DueSorted:
    """The ids of a book sorted by its earliest open conditional-eligibility item, soonest first, read without
    computing every case's earliest date: the open items are walked in order of due date (an index), each case
    kept where it first appears (which is at its earliest item, ties by case as in `sort_book`), until the
    page is full; the cases with nothing open follow, by case, as in the one sorted query."""

    def __init__(self, rows: QuerySet[Delegation]):
        self.rows = rows.order_by()
        self.items = (
            Verification.objects.filter(
                Exists(self.rows.filter(case_id=OuterRef("case_id"))), status__in=Verification.OPEN_STATUSES
            )
            .order_by("due_date", "case_id")
            .values_list("case_id", flat=True)
        )
        nothing_open = Verification.objects.filter(case_id=OuterRef("case_id"), status__in=Verification.OPEN_STATUSES)
        self.rest = self.rows.exclude(Exists(nothing_open)).order_by("case_id").values_list("pk", flat=True)

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        cases, read, batch = {}, 0, max(2 * stop, 200)
        while len(cases) < stop:
            got = list(self.items[read : read + batch])
            cases.update((case_id, None) for case_id in got)
            if len(got) < batch:
                break  # every open item read
            read, batch = read + batch, batch * 2
        cases = list(cases)
        chosen = cases[start:stop]
        ids = dict(self.rows.filter(case_id__in=chosen).values_list("case_id", "pk"))
        found = [ids[case_id] for case_id in chosen]
        if len(found) < stop - start:  # past the cases with something open
            found += list(self.rest[max(start - len(cases), 0) : stop - len(cases)])
        return found


def page_of_book(rows: QuerySet[Delegation], number, *, per_page: int = 50, sort: str | None = None,
                 agency_id: int | None = None):  # fmt: skip
    """One page of a Book of Business in two steps: the page's ids by the sort alone (the database skips the
    per-row subqueries for the rows it does not show), then those rows in full, in the same order. `sort`, the
    book's sort when it may follow an index (not for a name search), lets a sort on the enrollment or by items
    due read its ids through EnrollmentSorted or DueSorted. `agency_id`: the agency when every row is of its
    book (`book_agency_of`), so a sort on the enrollment follows that agency's own index."""
    key = (sort or "").lstrip("-")
    ids = rows.values_list("pk", flat=True)
    if key in ENROLLMENT_SORTS:
        pages = EnrollmentSorted(rows, descending=sort.startswith("-"), agency_id=agency_id)
    elif sort == "due":
        pages = DueSorted(rows)
    else:
        pages = ids
    page = BookPaginator(pages, per_page, counted=ids).get_page(number)
    ids = list(page.object_list)
    details = {row.pk: row for row in book_rows(Delegation.objects.filter(pk__in=ids))}
    page.object_list = [details[pk] for pk in ids if pk in details]
    return page


def current_spell_started(user, membership) -> datetime.datetime | None:
    """When the person's present situation began: joining their Active agency, or, in none, leaving the last one
    (None if they never were in one)."""
    if membership is not None:
        return membership.spell_started
    ends = [m.spell_ended for m in Membership.objects.filter(user_id=user.pk).exclude(status=Membership.Status.ACTIVE)]
    ends = [end for end in ends if end is not None]
    return max(ends) if ends else None


def exports_for(user) -> QuerySet[BookOfBusinessExport]:
    """A person's own large exports, only while they still hold the scope each was made in: still allowed to
    export, still seeing the agency's book or their own cases, and in the same agency (or still in none)."""
    permissions = permissions_for(user)
    mine = BookOfBusinessExport.objects.filter(requested_by_id=permissions.facts.user_id)
    if not permissions.allows(Capability.EXPORT_BOOK) or not (
        permissions.allows(Capability.VIEW_BOOK) or permissions.allows(Capability.VIEW_OWN_CASES)
    ):
        return mine.none()
    # Made since the person's current spell began (joining the agency, or leaving the last one): an export from
    # before they left and came back, or from their days in no agency before one, lists cases not theirs now.
    since = current_spell_started(user, permissions.membership)
    mine = mine.filter(created_at__gte=since) if since is not None else mine
    if permissions.agency_id is None:
        return mine.filter(agency__isnull=True)
    return mine.filter(agency_id=permissions.agency_id)


# -- Today -----------------------------------------------------------------------------------------


def business_days_before(moment: datetime.datetime, days: int) -> datetime.datetime:
    """The moment `days` business days (Monday to Friday) before `moment`, in the portal's time zone."""
    moment = timezone.localtime(moment)
    while days > 0:
        moment -= datetime.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def in_renewal_window(day: datetime.date) -> bool:
    (open_month, open_day), (close_month, close_day) = settings.RENEWAL_WINDOW
    opens, closes = (open_month, open_day), (close_month, close_day)
    here = (day.month, day.day)
    return opens <= here or here <= closes if opens > closes else opens <= here <= closes


@dataclass
class Today:
    """What a person has to do today, in their scope: the agency's for its manager (and Admin Staff who may view
    the book), their own for an agent."""

    agency_wide: bool
    overdue: int = 0
    due_soon: int = 0
    overdue_items: list = None
    pending: int = 0
    stale: int = 0
    oldest_pending: list = None
    renewals_not_started: int | None = None  # None outside the renewal window
    expiring: list = None  # agents of the roster (managers and Admin Staff who may view it)
    exports: list = None
    as_of: datetime.datetime | None = None  # when the counts of a large book were counted
    follow_ups_due: list = None  # the person's own, due within TODAY_DUE_SOON_DAYS or overdue, soonest first
    follow_up_cases: int = 0  # the cases of the book with an open follow-up of the person's (the book's "mine")


def today_for(user, *, listed: int = 10) -> Today:
    """Today's counts and the first rows behind each, a handful of queries whatever the book's size. The counts
    of a large book are kept like the dashboard's (BOOK_COUNT_CACHE_FROM, DASHBOARD_CACHE_SECONDS) and say when."""
    permissions = permissions_for(user)
    agency_wide = permissions.allows(Capability.VIEW_BOOK)
    delegations = delegations_for(user)
    if not agency_wide:
        delegations = delegations.filter(agent_id=permissions.agent_id)
    today = timezone.localdate()
    now = timezone.now()
    active = delegations.filter(status=Delegation.Status.ACTIVE)
    # Items due by the end of the due-soon days, of the book's cases: found along the open items' due-date index and
    # matched against the book's case ids (read from its index of active cases alone).
    horizon = today + datetime.timedelta(days=settings.TODAY_DUE_SOON_DAYS)
    open_items = Verification.objects.filter(
        status__in=Verification.OPEN_STATUSES, due_date__lte=horizon, case_id__in=active.values("case_id")
    )
    stale_before = business_days_before(now, settings.TODAY_REQUEST_TARGET_BUSINESS_DAYS)
    window = in_renewal_window(today)
    try:
        scope = f"today|{delegations.query}|{today}|{window}"
    except EmptyResultSet:
        scope = None
    key = "today:" + hashlib.sha256(scope.encode()).hexdigest() if scope else None
    counts = cache.get(key) if key else None
    if counts is None:
        counts = open_items.aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=today, status=Verification.AWAITING_DOCUMENTS)),
            due_soon=Count("pk", filter=Q(due_date__gte=today)),
        )
        counts |= delegations.filter(status=Delegation.Status.PENDING).aggregate(
            pending=Count("pk"), stale=Count("pk", filter=Q(requested_at__lt=stale_before))
        )
        counts["renewals"] = (
            ConsumerCase.objects.filter(
                Exists(active.filter(case_id=OuterRef("pk"))), renewal_status=ConsumerCase.RenewalStatus.NOT_STARTED
            ).count()
            if window
            else None
        )
        if key and (counts["overdue"] + counts["pending"] >= settings.BOOK_COUNT_CACHE_FROM
                    or active.count() >= settings.BOOK_COUNT_CACHE_FROM):  # fmt: skip
            counts["as_of"] = now
            cache.set(key, counts, settings.DASHBOARD_CACHE_SECONDS)
    overdue_items = list(
        open_items.filter(due_date__lt=today, status=Verification.AWAITING_DOCUMENTS)
        .select_related("case")
        .order_by("due_date", "case__case_number", "pk")[:listed]
    )
    for item in overdue_items:
        item.days_overdue = (today - item.due_date).days
    oldest = list(
        delegations.filter(status=Delegation.Status.PENDING)
        .select_related("case", "agent")
        .order_by("requested_at", "pk")[:listed]
    )
    for request in oldest:
        request.is_stale = request.requested_at < stale_before
        request.days_waiting = (today - timezone.localdate(request.requested_at)).days
    expiring = None
    if agency_wide and permissions.allows(Capability.VIEW_ROSTER):
        horizon = today + datetime.timedelta(days=settings.TODAY_EXPIRING_DAYS)
        expiring = list(
            agency_agents_for(user)
            .filter(
                Q(license_expires_on__gte=today, license_expires_on__lte=horizon)
                | Q(certification_expires_on__gte=today, certification_expires_on__lte=horizon)
            )
            .order_by("last_name", "first_name", "pk")[:listed]
        )
        for agent in expiring:
            dates = [
                d for d in (agent.license_expires_on, agent.certification_expires_on) if d and today <= d <= horizon
            ]
            agent.expires_first = min(dates)
    exports = list(
        exports_for(user)
        .filter(status=BookOfBusinessExport.Status.READY, expires_at__gt=now)
        .order_by("-finished_at")[:5]
    )
    # The person's own follow-ups on cases of the book, still kept by whoever holds the case: never cached (the
    # counts above are shared by everyone of the same book); each reads the owner's partial index.
    mine = FollowUp.objects.filter(
        held_now(), Exists(active.filter(case_id=OuterRef("case_id"))), owner_id=user.pk, done_at__isnull=True
    )
    follow_ups_due = list(
        mine.filter(due_date__lte=today + datetime.timedelta(days=settings.TODAY_DUE_SOON_DAYS))
        .select_related("case")
        .order_by("due_date", "case__case_number", "pk")[:listed]
    )
    for follow_up in follow_ups_due:
        follow_up.left = (follow_up.due_date - today).days
        follow_up.overdue_days = max(0, -follow_up.left)
    return Today(
        agency_wide=agency_wide,
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        overdue_items=overdue_items,
        pending=counts["pending"],
        stale=counts["stale"],
        oldest_pending=oldest,
        renewals_not_started=counts["renewals"],
        expiring=expiring,
        exports=exports,
        as_of=counts.get("as_of"),
        follow_ups_due=follow_ups_due,
        follow_up_cases=mine.values("case_id").distinct().count(),
    )
