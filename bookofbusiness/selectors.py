"""The Book of Business: the active delegations a person may see, one row per case, ready to page or export."""

import datetime

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.selectors import active_membership_for
from consumers.models import HouseholdMember, Verification
from delegations.models import Delegation
from delegations.selectors import delegations_for

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
}


def book_for(user, *, agent=None) -> QuerySet[Delegation]:
    """The Book of Business `user` may see: the agency's (a manager, or Admin Staff granted it), narrowed
    to one agent of the agency when `agent` is given; an agent's own otherwise. One row per case."""
    rows = delegations_for(user).filter(status=Delegation.Status.ACTIVE)
    membership = active_membership_for(user)
    if agent is not None:
        rows = rows.filter(agent=agent)
    elif membership is None or not membership.allows("view_book"):
        own = getattr(user, "agent", None)
        rows = rows.filter(agent=own) if own is not None else rows.none()
    return book_rows(rows)


def book_rows(rows: QuerySet[Delegation]) -> QuerySet[Delegation]:
    """Active delegations with what a Book of Business row shows: the case, its current enrollment, the
    household size, open conditional-eligibility items and the earliest due date, the agent and agency."""
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
    )


def filter_book(rows: QuerySet[Delegation], filters: dict) -> QuerySet[Delegation]:
    """Apply the online view's filters (a BookFilterForm's cleaned data) and search."""
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
    if filters.get("delegated_from"):
        rows = rows.filter(started_at__date__gte=filters["delegated_from"])
    if filters.get("delegated_to"):
        rows = rows.filter(started_at__date__lte=filters["delegated_to"])
    query = (filters.get("q") or "").strip()
    if query:
        digits = query.replace("-", "").replace(" ", "")
        if digits.isdigit():
            rows = rows.filter(case__case_number__startswith=digits)
        else:
            for word in query.split():
                rows = rows.filter(Q(case__first_name__icontains=word) | Q(case__last_name__icontains=word))
    return rows


def sort_book(rows: QuerySet[Delegation], sort: str) -> QuerySet[Delegation]:
    key = sort.lstrip("-")
    field = BOOK_SORTS.get(key, BOOK_SORTS["name"])
    descending = sort.startswith("-") and key in BOOK_SORTS
    primary = f"-{field}" if descending else field
    if key == "name":
        return rows.order_by(primary, "-case__first_name" if descending else "case__first_name", "pk")
    return rows.order_by(primary, "pk")


def dashboard_for(user, *, agent=None) -> dict:
    """Counts for the dashboard of a Book of Business (the same scope as `book_for`): delegations by status,
    enrollments by issuer and metal tier, conditional-eligibility items due by week, renewals, and, for an
    agency, agents by certification status. A handful of grouped queries, whatever the size of the book."""
    from django.db.models.functions import TruncWeek

    from agents.selectors import agency_agents_for
    from consumers.models import ConsumerCase, Enrollment

    membership = active_membership_for(user)
    agency_wide = agent is None and membership is not None and membership.allows("view_book")
    delegations = delegations_for(user)
    if not agency_wide:
        own = agent or getattr(user, "agent", None)
        delegations = delegations.filter(agent=own) if own is not None else delegations.none()
    active = delegations.filter(status=Delegation.Status.ACTIVE)
    cases = ConsumerCase.objects.filter(Exists(active.filter(case_id=OuterRef("pk"))))
    today = timezone.localdate()

    def grouped(queryset, field, labels=None):
        counts = queryset.order_by().values(field).annotate(n=Count("*")).order_by("-n")
        return [(str(labels.get(row[field], row[field]) if labels else row[field]), row["n"]) for row in counts]

    statuses = dict(Delegation.Status.choices)
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
    charts = {
        "delegations": grouped(delegations.filter(status__in=Delegation.OPEN_STATUSES), "status", statuses),
        "issuers": grouped(Enrollment.objects.filter(pk__in=cases.values("current_enrollment_id")), "issuer"),
        "tiers": grouped(
            Enrollment.objects.filter(pk__in=cases.values("current_enrollment_id")),
            "metal_tier",
            dict(Enrollment.MetalTier.choices),
        ),
        "due": [(row["week"].strftime("%m/%d"), row["n"]) for row in due],
        "renewals": grouped(cases, "renewal_status", dict(ConsumerCase.RenewalStatus.choices)),
    }
    if agency_wide and membership.allows("view_roster"):
        from portal.choices import CertificationStatus

        charts["certification"] = grouped(
            agency_agents_for(user), "certification_status", dict(CertificationStatus.choices)
        )
    return charts


def page_of_book(rows: QuerySet[Delegation], number, *, per_page: int = 50):
    """One page of a Book of Business in two steps: the page's ids by the sort alone (the database skips the
    per-row subqueries for the rows it does not show), then those rows in full, in the same order."""
    from django.core.paginator import Paginator

    page = Paginator(rows.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    details = {row.pk: row for row in book_rows(Delegation.objects.filter(pk__in=ids))}
    page.object_list = [details[pk] for pk in ids if pk in details]
    return page
