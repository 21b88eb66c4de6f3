"""What delegations a user may see."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from portal.cache import kept_while_large
from portal.permissions import Capability, Permissions, permissions_for

from .models import Consent, Delegation


def delegations_for(user) -> QuerySet[Delegation]:
    """Service-center staff see all; a manager their agency's; Admin Staff allowed to view the
    Book of Business their agency's; a certified agent those made to them within their present agency."""
    permissions = permissions_for(user)
    if permissions.allows(Capability.SERVICE_CENTER):
        return Delegation.objects.all()
    if permissions.allows(Capability.VIEW_BOOK):
        return Delegation.objects.filter(agency_id=permissions.agency_id)
    if permissions.allows(Capability.VIEW_OWN_CASES):  # a certified agent: no consumer's data otherwise
        return Delegation.objects.filter(agent_id=permissions.agent_id, **own_agency_filter(permissions))
    return Delegation.objects.none()


# What each count of `delegation_counts` is called on every page (the templates say the same msgids).
DELEGATION_COUNT_LABELS = {
    Delegation.Status.ACTIVE: _("Active delegations"),
    Delegation.Status.PENDING: _("Pending requests"),
}


def delegation_counts(rows: QuerySet[Delegation], *, keep_large: bool = False) -> dict[str, int]:
    """The two counts of delegations the portal shows, each always under its own label: "active" (shown as
    "Active delegations": cases an agent holds) and "pending" (shown as "Pending requests": consumers' requests
    waiting for an answer). Ended delegations are never counted. The roster, an agent's page, the transfer page,
    My Delegations and the agency home all count through this (or `delegation_counts_per_agent`).

    `keep_large` (a page everyone of a large agency opens, its home): counts of BOOK_COUNT_CACHE_FROM delegations
    and more are kept BOOK_COUNT_CACHE_SECONDS under the count query itself, as the Book of Business keeps its
    count; smaller ones are always counted exactly."""

    def count():
        return rows.aggregate(
            active=Count("pk", filter=Q(status=Delegation.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Delegation.Status.PENDING)),
        )

    if not keep_large:
        return count()
    return kept_while_large(rows, count, size=lambda counted: counted["active"] + counted["pending"])


def delegation_counts_per_agent(agency_id) -> dict:
    """`delegation_counts` of each agent within an agency, as annotations for a query of agents:
    `active_delegations` and `pending_requests`."""

    def counted(status):
        return Coalesce(
            Subquery(
                Delegation.objects.filter(agent_id=OuterRef("pk"), agency_id=agency_id, status=status)
                .order_by()
                .values("agent_id")
                .annotate(n=Count("*"))
                .values("n")
            ),
            Value(0),
            output_field=IntegerField(),
        )

    return {
        "active_delegations": counted(Delegation.Status.ACTIVE),
        "pending_requests": counted(Delegation.Status.PENDING),
    }


def own_agency_filter(permissions: Permissions) -> dict:
    """Lookups that keep an agent to delegations of their present agency, or of none."""
    if permissions.agency_id is None:
        return {"agency__isnull": True}
    return {"agency_id": permissions.agency_id}


def case_number_digits(query: str) -> str:
    """The digits of a search that is a case number or its start ("12-345 678" too), or "" for a name."""
    digits = query.strip().replace("-", "").replace(" ", "")
    return digits if digits.isdigit() else ""


def matching_consumer(rows: QuerySet[Delegation], query: str) -> QuerySet[Delegation]:
    """Delegations whose case number starts with the search's digits, or whose consumer's name holds every word
    of it (the trigram indexes find them): the search of the Book of Business, the queue and the header."""
    query = (query or "").strip()
    if not query:
        return rows
    digits = case_number_digits(query)
    if digits:
        return rows.filter(case__case_number__startswith=digits)
    for word in query.split():
        rows = rows.filter(Q(case__first_name__icontains=word) | Q(case__last_name__icontains=word))
    return rows


def open_delegation_of(case) -> Delegation | None:
    """The case's Pending or Active delegation (a case has at most one), or None."""
    return Delegation.objects.filter(case=case, status__in=Delegation.OPEN_STATUSES).first()


def consent_chain(delegation: Delegation | None) -> list[Consent]:
    """The delegation's consent and those it continues, newest first: a transferred case's leads back to the
    consumer's own. One query: the case's records (few), walked from the delegation's; records of the case's
    other helpers, not on this chain, are read but never returned."""
    if delegation is None:
        return []
    records = Consent.objects.filter(case_id=delegation.case_id).select_related("agent", "agency", "recorded_by")
    by_id = {record.pk: record for record in records}
    link = next((record for record in by_id.values() if record.delegation_id == delegation.pk), None)
    chain = []
    while link is not None and link not in chain:
        chain.append(link)
        link = by_id.get(link.continues_id)
    return chain
