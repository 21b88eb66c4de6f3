"""Search from anywhere: the header's box finds a case by its number or the consumer's name in the person's Book of
Business, and an agent of the roster by name or license number, for those who may see the roster.

Each part answers within its page's scope: the cases are the Book of Business the person is shown
(`book_scope`, the acted-for agent's own while acting on behalf), the agents the roster's (not while acting).
The cases listed are audited as a list of cases, like the Book's pages (by case number; the words searched for,
which may be a name, are neither audited nor logged)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from agents.selectors import agency_agents_for, agents_matching
from bookofbusiness.selectors import Found, book_scope, search_book
from portal import audit
from portal.permissions import Capability, permissions_for

from .forms import SearchForm


@require_GET
@login_required
def search(request):
    acting = request.acting is not None
    book = book_scope(request.scope_user, acting=acting)
    may = permissions_for(request.user)
    office = not acting and may.allows(Capability.USE_AGENCY_PORTAL)
    with_roster = office and may.allows(Capability.VIEW_ROSTER)
    if not (book.allowed or with_roster):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    cases = agents = None
    if query and book.allowed:
        cases = search_book(request.scope_user, query)
        audit.record_case_list(request, view="search", page=cases)
    if query and with_roster:
        agents = _agents(request.user, query)
    scope = permissions_for(request.scope_user)
    return render(
        request,
        "pages/search.html",
        {
            "form": form,
            "query": query,
            "searched": urlencode({"q": query}),
            "cases": cases,
            "agents": agents,
            "book_allowed": book.allowed,
            "sees_cases": scope.allows(Capability.VIEW_BOOK) or scope.allows(Capability.VIEW_OWN_CASES),
            "agency_wide": book.agents is not None,
            "with_roster": with_roster,
            "with_queue": office and may.allows(Capability.VIEW_BOOK),
        },
    )


def _agents(user, query: str) -> Found:
    """The first agents of the roster the query finds, in name order, and how many it finds (a roster is a few
    hundred agents at most: counted exactly). Two queries."""
    found = agents_matching(agency_agents_for(user), query)
    shown = found.only("pk", "first_name", "last_name", "license_number", "certification_status")
    rows = list(shown.order_by("last_name", "first_name", "pk")[: settings.SEARCH_RESULTS])
    return Found(object_list=rows, count=found.count())
