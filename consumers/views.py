"""Consumer cases: the case page and the work on it, new business, and the public request for help."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agents.selectors import find_local_help_agents
from delegations.selectors import consent_chain, open_delegation_of
from delegations.services import consent_to_help
from portal import audit
from portal.downloads import uploaded_file_download
from portal.middleware import redirect_to_second_factor, second_factor_done
from portal.permissions import Capability, permissions_for

from . import services
from .forms import (
    ApplicantForm,
    AttestationForm,
    CaseDocumentForm,
    CaseNoteForm,
    ChangeReportForm,
    CoverageForm,
    FollowUpForm,
    HouseholdFormSet,
    RenewalForm,
    RequestHelpForm,
)
from .selectors import (
    can_act_on_case,
    case_documents_for,
    case_history,
    case_holder,
    cases_for,
    follow_up_owner_choices,
    follow_up_owners,
    follow_ups_of,
    may_keep_notes,
    notes_of,
    own_case_of,
)


def _case(request, case_id: int):
    """A case the person (or the agent they act for) may see, or 404."""
    return get_object_or_404(cases_for(request.scope_user), pk=case_id)


def _case_to_work_on(request, case_id: int):
    case = _case(request, case_id)
    if not can_act_on_case(request.scope_user, case):
        raise PermissionDenied
    return case


@login_required
def case_detail(request, case_id: int):
    """The case page: household, eligibility, enrollments, conditional-eligibility items, documents, notes and
    follow-ups, history."""
    return _case_page(request, _case(request, case_id))


def _case_page(request, case, *, note_form=None, follow_up_form=None, change_form=None, document_form=None):
    """The case page, audited as a view of the case; with a form that did not validate (a note, a follow-up, a
    change, a document), that form with its messages beside its fields and what was typed, answered 400."""
    audit.record("case.viewed", obj=case)
    today = timezone.localdate()
    verifications = with_days_left(case.verifications.select_related("household_member").order_by("due_date"), today)
    can_act = can_act_on_case(request.scope_user, case)
    holder = case_holder(case)
    keeps_notes = may_keep_notes(request.scope_user, holder)  # and only they read them: private to the holder
    follow_ups = with_days_left(follow_ups_of(case, holder), today) if keeps_notes else []
    if keeps_notes:
        note_form = note_form or CaseNoteForm()
        follow_up_form = follow_up_form or _follow_up_form(request, holder)
    return render(
        request,
        "consumers/case_detail.html",
        {
            "case": case,
            "can_act": can_act,
            "members": case.household_members.all(),
            "enrollments": case.enrollments.all(),
            "verifications": verifications,
            "documents": case.documents.select_related("uploaded_by"),
            "notes": notes_of(case, holder) if keeps_notes else None,
            "follow_ups": follow_ups,
            "history": case_history(case),
            "consents": consent_chain(open_delegation_of(case)),
            "change_form": (change_form or ChangeReportForm(initial={"effective_on": today})) if can_act else None,
            "document_form": (document_form or CaseDocumentForm(case=case)) if can_act else None,
            "renewal_form": RenewalForm(initial={"renewal_status": case.renewal_status}) if can_act else None,
            "note_form": note_form if keeps_notes else None,
            "follow_up_form": follow_up_form if keeps_notes else None,
        },
        status=400 if any(form is not None and form.is_bound and form.errors
                          for form in (note_form, follow_up_form, change_form, document_form)) else 200,
    )  # fmt: skip


def with_days_left(rows, today=None) -> list:
    """Items or follow-ups with the days left to their due date (`left`) and the days overdue (`overdue_days`)."""
    today = today or timezone.localdate()
    rows = list(rows)
    for row in rows:
        row.left = row.days_left(today)
        row.overdue_days = max(0, -row.left)
    return rows


def _follow_up_form(request, holder, data=None) -> FollowUpForm:
    """The follow-up form: for whom defaults to the agent the case is delegated to."""
    return FollowUpForm(data, owners=follow_up_owners(holder, request.user),
                        owner_choices=follow_up_owner_choices(holder, request.user),
                        initial={"owner": holder.agent.user_id})  # fmt: skip


def _holder_to_keep_notes(request, case):
    """The case's holder, when the person is of it (its agency, or its independent agent); 403 otherwise."""
    holder = case_holder(case)
    if not may_keep_notes(request.scope_user, holder):
        raise PermissionDenied
    return holder


@require_POST
@login_required
def add_note(request, case_id: int):
    case = _case(request, case_id)
    holder = _holder_to_keep_notes(request, case)
    form = CaseNoteForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, note_form=form)
    services.add_note(case=case, holder=holder, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("The note was added."))
    return redirect(reverse("consumers:case", args=[case.pk]) + "#notes-heading")


@require_POST
@login_required
def add_follow_up(request, case_id: int):
    case = _case(request, case_id)
    holder = _holder_to_keep_notes(request, case)
    form = _follow_up_form(request, holder, request.POST)
    if not form.is_valid():
        return _case_page(request, case, follow_up_form=form)
    data = form.cleaned_data
    services.add_follow_up(case=case, holder=holder, by=request.user, owner=data["owner"], due_date=data["due_date"],
                           text=data["text"])  # fmt: skip
    messages.success(request, _("The follow-up was added."))
    return redirect(reverse("consumers:case", args=[case.pk]) + "#follow-ups-heading")


@require_POST
@login_required
def follow_up_done(request, case_id: int, follow_up_id: int):
    case = _case(request, case_id)
    holder = case_holder(case)
    follow_up = get_object_or_404(follow_ups_of(case, holder), pk=follow_up_id)
    if not may_keep_notes(request.scope_user, holder):
        raise PermissionDenied
    try:
        services.mark_follow_up_done(follow_up=follow_up, by=request.user)
    except services.CaseError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, _("The follow-up was marked done."))
    return redirect(reverse("consumers:case", args=[case.pk]) + "#follow-ups-heading")


@require_POST
@login_required
def report_change(request, case_id: int):
    case = _case_to_work_on(request, case_id)
    form = ChangeReportForm(request.POST)
    if form.is_valid():
        services.report_change(case=case, by=request.user, kind=form.cleaned_data["kind"], details=form.details())
        messages.success(request, _("The change was reported."))
        return redirect("consumers:case", case_id=case.pk)
    return _case_page(request, case, change_form=form)


@require_POST
@login_required
def upload_document(request, case_id: int):
    case = _case_to_work_on(request, case_id)
    form = CaseDocumentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        services.upload_case_document(
            case=case,
            by=request.user,
            kind=form.cleaned_data["kind"],
            verification=form.cleaned_data["verification"],
            upload=form.cleaned_data["file"],
            checked=form.checked,
        )
        messages.success(request, _("The document was uploaded."))
        return redirect("consumers:case", case_id=case.pk)
    return _case_page(request, case, document_form=form)


@login_required
def download_document(request, case_id: int, document_id: int):
    case = _case(request, case_id)
    document = get_object_or_404(case_documents_for(request.scope_user).filter(case=case), pk=document_id)
    audit.record("case.document_downloaded", obj=case, details={"document": document.pk})
    return uploaded_file_download(document)


@require_POST
@login_required
def record_renewal(request, case_id: int):
    case = _case_to_work_on(request, case_id)
    form = RenewalForm(request.POST)
    if form.is_valid():
        services.record_renewal(case=case, by=request.user, status=form.cleaned_data["renewal_status"])
        messages.success(request, _("The renewal status was recorded."))
    return redirect("consumers:case", case_id=case.pk)


@login_required
def new_business(request):
    """Write new business: a new case delegated to the agent (or the agent acted for) at once."""
    agent = getattr(request.scope_user, "agent", None)
    if agent is None or not agent.is_certified:
        raise PermissionDenied
    applicant = ApplicantForm(request.POST or None, prefix="applicant")
    household = HouseholdFormSet(request.POST or None, prefix="household")
    coverage = CoverageForm(request.POST or None, prefix="coverage", initial={"plan_year": timezone.localdate().year})
    attestation = AttestationForm(request.POST or None, prefix="consent")
    duplicates, duplicate_elsewhere = [], False
    valid = [form.is_valid() for form in (applicant, household, coverage, attestation)]  # every form's errors shown
    if request.method == "POST" and all(valid):
        data = applicant.cleaned_data
        found = services.possible_duplicates(
            first_name=data["first_name"], last_name=data["last_name"],
            date_of_birth=data["date_of_birth"], zip_code=data["zip_code"],
        )  # fmt: skip
        # Case numbers only of cases the person may already see; of any other, only that one exists.
        visible = found.filter(pk__in=cases_for(request.scope_user).values("pk"))
        duplicates = list(visible.values_list("case_number", flat=True)[:5])
        duplicate_elsewhere = not duplicates and found.exists()
        if not (duplicates or duplicate_elsewhere) or request.POST.get("confirm_duplicate") == "yes":
            members = [form.cleaned_data for form in household if form.cleaned_data]
            case = services.write_new_business(
                agent=agent, by=request.user, applicant=data, household=members, coverage=coverage.cleaned_data
            )
            messages.success(
                request, _("Case %(number)s was created and delegated to you.") % {"number": case.case_number}
            )
            return redirect("consumers:case", case_id=case.pk)
    return render(
        request,
        "consumers/new_business.html",
        {
            "applicant": applicant,
            "household": household,
            "coverage": coverage,
            "attestation": attestation,
            "duplicates": duplicates,
            "duplicate_elsewhere": duplicate_elsewhere,
        },  # fmt: skip
    )


THROTTLE_WINDOW = 3600
THROTTLE_BY_ADDRESS = 10
THROTTLE_BY_CASE = 5


def too_many_attempts(request, case_number: str) -> bool:
    """Access codes tried (a request for help, linking an account) are limited per client address and per case
    number, per hour, together."""
    keys = [
        (f"help:ip:{audit.client_ip(request)}", THROTTLE_BY_ADDRESS),
        (f"help:case:{case_number}", THROTTLE_BY_CASE),
    ]
    over = False
    for key, limit in keys:
        cache.add(key, 0, THROTTLE_WINDOW)
        try:
            over = cache.incr(key) > limit or over
        except ValueError:
            cache.set(key, 1, THROTTLE_WINDOW)
    return over


def request_help(request, agent_id: int):
    """Public: a consumer asks a helper listed in Find Local Help for help, with case number and access code; or,
    signed in to their own account with their case linked, with no code."""
    agent = get_object_or_404(find_local_help_agents(), pk=agent_id)
    if permissions_for(request.user).allows(Capability.OWN_CASE):
        return _request_help_signed_in(request, agent)
    form = RequestHelpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if too_many_attempts(request, form.cleaned_data["case_number"]):
            form.add_error(None, _("Too many attempts. Wait an hour, or call Customer Service for help."))
        else:
            try:
                services.request_help(
                    agent=agent,
                    case_number=form.cleaned_data["case_number"],
                    access_code=form.cleaned_data["access_code"],
                )
            except services.CaseError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "consumers/request_help_sent.html", {"agent": agent})
    return render(request, "consumers/request_help.html",
                  {"agent": agent, "form": form, "consent": consent_to_help(agent)})  # fmt: skip


def _request_help_signed_in(request, agent):
    """The request of a consumer signed in to their own account: for their linked case, no access code asked."""
    if not second_factor_done(request.user):  # this page is open before the second factor to everyone else
        return redirect_to_second_factor(request)
    case = own_case_of(request.user)
    current = open_delegation_of(case) if case is not None else None
    error = None
    if request.method == "POST" and case is not None and current is None:
        try:
            services.request_help_signed_in(user=request.user, agent=agent)
        except services.CaseError as refused:
            error = str(refused)
            current = open_delegation_of(case)
        else:
            return render(request, "consumers/request_help_sent.html", {"agent": agent, "signed_in": True})
    return render(request, "consumers/request_help_signed_in.html", {
        "agent": agent, "case": case, "current": current, "error": error, "consent": consent_to_help(agent),
    }, status=400 if error else 200)  # fmt: skip
