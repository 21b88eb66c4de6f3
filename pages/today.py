"""Today: the landing page of Agency Managers, Admin Staff and agents. What is overdue, what is due soon, who is
waiting for an answer, and what the roster needs, each figure a link to the list behind it."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from bookofbusiness.selectors import today_for
from portal import audit
from portal.permissions import Capability, permissions_for


@login_required
def today(request):
    user = request.scope_user
    may = permissions_for(user)
    if not (may.allows(Capability.USE_AGENCY_PORTAL) or may.allows(Capability.OWN_DELEGATIONS)):
        raise Http404
    work = today_for(user)
    # The overdue items, oldest requests and follow-ups due name consumers: a list view of cases, audited as one.
    shown = [*work.overdue_items, *work.oldest_pending, *work.follow_ups_due]
    if shown:
        audit.record("cases.listed", request=request,
                     details={"view": "today", "page": 1, "cases": sorted({row.case.case_number for row in shown})})  # fmt: skip
    return render(
        request,
        "pages/today.html",
        {
            "work": work,
            "target_days": settings.TODAY_REQUEST_TARGET_BUSINESS_DAYS,
            "due_soon_days": settings.TODAY_DUE_SOON_DAYS,
            "expiring_days": settings.TODAY_EXPIRING_DAYS,
            "may_view_book": may.allows(Capability.VIEW_BOOK) or may.allows(Capability.VIEW_OWN_CASES),
            "agent": may.agent,  # an agent who is not certified is told what happens next
        },
    )
