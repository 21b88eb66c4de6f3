"""A consumer's own account: link my case, My case (and its documents), Manage delegates.

Every page asks the permission layer for OWN_CASE (a consumer whose address is confirmed) and starts from
own_cases_for: nothing here names a case by its id, and a document or delegation id is looked up within the
consumer's own case only, so another case's is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delegations.models import Delegation
from delegations.selectors import consent_chain
from delegations.services import DelegationError, helper_named
from portal import audit
from portal.downloads import uploaded_file_download
from portal.middleware import has_second_factor
from portal.permissions import Capability, permissions_for

from . import services
from .forms import CaseDocumentForm, RequestHelpForm
from .selectors import case_history, named_for_a_consumer, own_case_of, own_delegations_for, own_documents_for
from .views import too_many_attempts, with_days_left


def _consumer(request) -> None:
    """Only a consumer's own account, its address confirmed: anyone else has no "My case" (a 404, as for a page
    that is not theirs)."""
    if not permissions_for(request.user).allows(Capability.OWN_CASE):
        raise Http404


def _own_case(request):
    _consumer(request)
    return own_case_of(request.user)


@login_required
def my_case(request):
    """What the consumer may see of their own case, in their language; and their documents' upload."""
    case = _own_case(request)
    if case is None:
        return redirect("my_case:link")
    return _my_case_page(request, case)


def _my_case_page(request, case, *, document_form=None):
    audit.record("case.viewed", obj=case, details={"by": "consumer"})
    verifications = with_days_left(case.verifications.select_related("household_member").order_by("due_date"))
    helper = own_delegations_for(request.user).filter(status__in=Delegation.OPEN_STATUSES).first()
    documents = list(own_documents_for(request.user).select_related("uploaded_by").order_by("-uploaded_at"))
    for document in documents:
        document.by = "" if document.uploaded_by is None else named_for_a_consumer(document.uploaded_by)
    return render(
        request,
        "consumers/my_case.html",
        {
            "case": case,
            "helper": helper,
            "helper_named": helper_named(helper.agent) if helper else "",
            "members": case.household_members.all(),
            # The current enrollment; a case written before it was kept shows its latest.
            "enrollment": case.current_enrollment
            or case.enrollments.order_by("-plan_year", "-coverage_start", "-pk").first(),
            "verifications": verifications,
            "documents": documents,
            "document_form": document_form or CaseDocumentForm(case=case),
            "history": case_history(case, for_consumer=True),
            "consents": consent_chain(helper),
            "for_consumer": True,
            "second_factor_recommended": not has_second_factor(request.user),
        },
        status=400 if document_form is not None and document_form.errors else 200,
    )


@require_POST
@login_required
def upload(request):
    case = _own_case(request)
    if case is None:
        raise Http404
    form = CaseDocumentForm(request.POST, request.FILES, case=case)
    if not form.is_valid():
        return _my_case_page(request, case, document_form=form)
    data = form.cleaned_data
    services.upload_own_document(user=request.user, case=case, kind=data["kind"], verification=data["verification"],
                                 upload=data["file"], checked=form.checked)  # fmt: skip
    messages.success(request, _("Your document was uploaded. Your helper can see it now."))
    return redirect("my_case:case")


@login_required
def download(request, document_id: int):
    _consumer(request)
    document = get_object_or_404(own_documents_for(request.user), pk=document_id)
    audit.record("case.document_downloaded", obj=document.case, details={"document": document.pk, "by": "consumer"})
    return uploaded_file_download(document)


@login_required
def link(request):
    """Link my case: the case number and the access code Customer Service gave; once, for one case."""
    _consumer(request)
    if own_case_of(request.user) is not None:
        messages.info(request, _("Your account is already linked to your case."))
        return redirect("my_case:case")
    form = RequestHelpForm(request.POST or None)  # the same two fields, checked the same way
    if request.method == "POST" and form.is_valid():
        if too_many_attempts(request, form.cleaned_data["case_number"]):
            form.add_error(None, _("Too many attempts. Wait an hour, or call Customer Service for help."))
        else:
            try:
                services.link_case(user=request.user, case_number=form.cleaned_data["case_number"],
                                   access_code=form.cleaned_data["access_code"])  # fmt: skip
            except services.CaseError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your case is linked to your account."))
                return redirect("my_case:case")
    return render(request, "consumers/link_case.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def delegates(request):
    """Manage delegates: the current and pending helpers (remove one, or choose another), and the earlier ones."""
    case = _own_case(request)
    if case is None:
        return redirect("my_case:link")
    rows = list(own_delegations_for(request.user))
    return render(request, "consumers/delegates.html", {
        "case": case,
        "open": [row for row in rows if row.is_open],
        "earlier": [row for row in rows if not row.is_open],
    })  # fmt: skip


@require_POST
@login_required
def remove(request, delegation_id: int):
    _consumer(request)
    delegation = get_object_or_404(own_delegations_for(request.user), pk=delegation_id)
    try:
        was = services.remove_helper(user=request.user, delegation=delegation)
    except DelegationError as error:
        messages.info(request, str(error))
    else:
        if was == Delegation.Status.PENDING:
            text = _("Your request to %(name)s was withdrawn.")
        else:
            text = _("%(name)s is no longer your helper and can no longer see your case.")
        messages.success(request, text % {"name": delegation.agent.full_name})
    return redirect("my_case:delegates")
