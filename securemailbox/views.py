"""The Secure Mailbox written both ways: a person's notices and threads with the service center, writing to it and
reading its answers; the service center's list of messages to answer and its page to answer one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import audit
from portal.masking import mask_ssns
from portal.permissions import Capability, permissions_for
from portal.views import mailbox_for

from . import services
from .forms import ReplyForm, WriteForm
from .selectors import (
    case_in_scope,
    cases_to_name,
    messages_of,
    threads_for,
    threads_staff_may_read,
    threads_to_answer,
    who_wrote,
)

PAGE_SIZE = 25
RECENT_THREADS = 5


def _may_write(request) -> bool:
    return permissions_for(request.user).allows(Capability.CHAT)


def _thread(request, thread_id: int):
    """The person's own thread, or 404 (another person's reads as one that does not exist)."""
    return get_object_or_404(threads_for(request.user).select_related("case"), pk=thread_id)


def _staff_thread(request, thread_id: int):
    """A thread the service-center member may read, or 404."""
    return get_object_or_404(threads_staff_may_read(request.user).select_related("person", "case"), pk=thread_id)


@login_required
def mailbox(request):
    """The Secure Mailbox: the person's latest threads with the service center (for those who may write to it)
    and the portal's notices to them."""
    page = Paginator(mailbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    may_write = _may_write(request)
    recent = list(threads_for(request.user)[: RECENT_THREADS + 1]) if may_write else []
    return render(
        request,
        "securemailbox/mailbox.html",
        {
            "page": page,
            "may_write": may_write,
            "threads": recent[:RECENT_THREADS],
            "more_threads": len(recent) > RECENT_THREADS,
        },
    )


@login_required
def threads(request):
    """Every thread of the person with the service center, newest first."""
    if not _may_write(request):
        raise Http404
    page = Paginator(threads_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "securemailbox/threads.html", {"page": page})


@login_required
def write(request):
    """Write to the service center: subject, message and, optionally, one of the person's cases."""
    if not _may_write(request):
        raise Http404
    form = WriteForm(
        request.POST or None, cases=cases_to_name(request.user), initial={"case": request.GET.get("case", "")}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                thread = services.write_to_service_center(
                    person=request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    case=form.cleaned_data.get("case"),
                    language=translation.get_language(),
                )
            except services.CaseNotYours as refused:
                form.add_error("case", forms.ValidationError(str(refused), code="case_not_yours"))
            else:
                messages.success(
                    request, _("Your message was sent to the Service Center. We will e-mail you when it answers.")
                )
                return redirect("securemailbox:thread", thread.pk)
        if form.has_error("case", "case_not_yours"):
            # Naming a case one may not see is recorded, as a request for help with a wrong code is.
            audit.record("mailbox.case_refused", details={"case": mask_ssns(form.data.get("case", ""))[:20]})
    return render(request, "securemailbox/write.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def thread(request, thread_id: int):
    """A thread, as its person reads it; they may write again while it is open."""
    thread = _thread(request, thread_id)
    form = ReplyForm(request.POST or None, label=_("Write again"))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply_as_person(thread=thread, person=request.user, body=form.cleaned_data["body"])
            except services.MailboxError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Your message was sent to the Service Center."))
                return redirect("securemailbox:thread", thread.pk)
    else:
        services.mark_read_by_person(thread=thread, person=request.user)
    return render(
        request,
        "securemailbox/thread.html",
        {"thread": thread, "thread_messages": messages_of(thread), "form": form,
         "case": case_in_scope(request.user, thread.case)},
        status=400 if form.errors else 200,
    )  # fmt: skip


@require_POST
@login_required
def close(request, thread_id: int):
    """The person closes their own thread."""
    thread = _thread(request, thread_id)
    services.close(thread=thread, by=request.user)
    messages.success(request, _("The conversation is closed."))
    return redirect("securemailbox:thread", thread.pk)


@login_required
def to_answer(request):
    """The service center's list of messages waiting for an answer, the longest waiting first."""
    if not permissions_for(request.user).allows(Capability.ANSWER_CHAT):
        raise PermissionDenied
    page = Paginator(threads_to_answer(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "securemailbox/to_answer.html", {"page": page, "now": timezone.now()})


@login_required
def answer(request, thread_id: int):
    """A thread as the service center reads it: who wrote it, the case number it is about, its messages; those
    who answer answer it here. Supervisors read any thread."""
    thread = _staff_thread(request, thread_id)
    may_answer = permissions_for(request.user).allows(Capability.ANSWER_CHAT)
    form = ReplyForm(request.POST or None, label=_("Your answer"))
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer(thread=thread, staff=request.user, body=form.cleaned_data["body"])
            except services.MailboxError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Your answer was sent; the person is told by e-mail that it arrived."))
                return redirect("securemailbox:to_answer")
    else:
        audit.record("mailbox.thread_read_by_staff", obj=thread)
        services.mark_read_by_staff(thread=thread)
    return render(
        request,
        "securemailbox/answer.html",
        {"thread": thread, "thread_messages": messages_of(thread).select_related("author"), "form": form,
         "may_answer": may_answer, "writer": who_wrote(thread.person)},
        status=400 if form.errors else 200,
    )  # fmt: skip


@require_POST
@login_required
def staff_close(request, thread_id: int):
    """A member of the service center who answers closes the thread."""
    thread = _staff_thread(request, thread_id)
    if not permissions_for(request.user).allows(Capability.ANSWER_CHAT):
        raise PermissionDenied
    services.close(thread=thread, by=request.user)
    messages.success(request, _("The thread is closed."))
    return redirect("securemailbox:to_answer")
