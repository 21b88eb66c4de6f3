"""Online Chat's pages: the person's chat (start it, or read when it opens again), and the service center's
console (the queue, the chats in hand, handing one over). What moves in real time goes over the WebSockets of
servicecenter/consumers.py; these pages are what works without them too (take, hand over, close are forms)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import audit
from portal.models import User
from portal.permissions import Capability, permissions_for

from . import hours, live, selectors, services
from .models import ChatStaffProfile, Conversation


def _may(request, capability: Capability) -> None:
    if not permissions_for(request.user).allows(capability):
        raise Http404


def _client(request) -> dict:
    return {"via": "page"}


@login_required
def chat(request):
    """Online Chat for a person of the portal: their open chat, or the way to start one, or when it opens again."""
    _may(request, Capability.CHAT)
    conversation = selectors.open_chat_of(request.user)
    now = timezone.now()
    context = {
        "conversation": conversation,
        "open_now": hours.is_open(now),
        "closed_today": hours.closed_today(now),
        "language": get_language(),
    }
    if conversation is None and not context["open_now"]:
        context["opens_at"] = hours.next_opening(now)
    return render(request, "servicecenter/chat.html", context)


@login_required
@require_POST
def start(request):
    _may(request, Capability.CHAT)
    language = request.POST.get("language", get_language())
    try:
        services.open_chat(person=request.user, language=language, client=_client(request))
    except services.ChatRefused as refused:
        messages.error(request, str(refused.args[0]))
    return redirect("servicecenter:chat")


@login_required
@require_POST
def end(request, conversation_id: int):
    """Either side ends a chat from the page (the chat's own button does it over its socket)."""
    user = request.user
    may = permissions_for(user)
    conversation = None
    if may.allows(Capability.CHAT):
        conversation = selectors.chats_of(user).filter(pk=conversation_id).first()
    if conversation is None and may.allows(Capability.ANSWER_CHAT):
        conversation = Conversation.objects.filter(pk=conversation_id, staff=user).first()
    if conversation is None:
        raise Http404
    services.close(conversation=conversation, by=user, client=_client(request))
    return redirect("servicecenter:console" if conversation.person_id != user.pk else "servicecenter:chat")


@login_required
def console(request):
    """The service center's side: the queue with its waiting times, the chats this member has in hand."""
    _may(request, Capability.ANSWER_CHAT)
    spanish = selectors.speaks_spanish(request.user)
    in_hand = list(
        Conversation.objects.filter(staff=request.user, status=Conversation.Status.ACTIVE)
        .select_related("person")
        .order_by("taken_at")
    )
    for conversation in in_hand:
        conversation.who = selectors.who_is(conversation.person)
    waiting = live.waiting_rows()
    return render(
        request,
        "servicecenter/console.html",
        {
            "in_hand": in_hand,
            "waiting": waiting,
            "speaks_spanish": spanish,
            "colleagues": selectors.colleagues_of(request.user),
            "now": timezone.now(),
            "open_now": hours.is_open(),
        },
    )


@login_required
@require_POST
def take(request, conversation_id: int | None = None):
    _may(request, Capability.ANSWER_CHAT)
    try:
        if conversation_id is None:
            if services.take_next(member=request.user, client=_client(request)) is None:
                messages.info(request, _("No chat is waiting that you may take."))
        else:
            services.take(conversation_id=conversation_id, member=request.user, client=_client(request))
    except services.ChatRefused as refused:
        messages.error(request, str(refused.args[0]))
    return redirect("servicecenter:console")


@login_required
@require_POST
def hand_over(request, conversation_id: int):
    _may(request, Capability.ANSWER_CHAT)
    conversation = get_object_or_404(Conversation, pk=conversation_id, staff=request.user)
    to = (
        User.objects.filter(pk=request.POST.get("to") or 0).first()
        if str(request.POST.get("to", "")).isdigit()
        else None
    )
    if to is None:
        messages.error(request, _("Choose the colleague to hand the chat to."))
        return redirect("servicecenter:console")
    try:
        services.hand_over(conversation=conversation, member=request.user, to=to, client=_client(request))
    except services.ChatRefused as refused:
        messages.error(request, str(refused.args[0]))
    else:
        messages.success(request, _("The chat is %(name)s's now.") % {"name": selectors.shown_name(to)})
    return redirect("servicecenter:console")


@login_required
@require_POST
def languages(request):
    """A member says whether they take Spanish chats (their profile, made at the first answer)."""
    _may(request, Capability.ANSWER_CHAT)
    profile, _created = ChatStaffProfile.objects.get_or_create(
        user=request.user, defaults={"shown_name": selectors.shown_name(request.user)}
    )
    profile.speaks_spanish = request.POST.get("speaks_spanish") == "on"
    profile.save(update_fields=["speaks_spanish"])
    return redirect("servicecenter:console")


@login_required
def transcript(request, conversation_id: int):
    """A chat as it was written, for a supervisor (any chat) — audited."""
    _may(request, Capability.READ_TRANSCRIPTS)
    conversation = get_object_or_404(selectors.chats_answered_by(request.user).select_related("person", "staff"),
                                     pk=conversation_id)  # fmt: skip
    audit.record("chat.transcript_viewed", obj=conversation)
    return render(
        request,
        "servicecenter/transcript.html",
        {"conversation": conversation, "chat_messages": conversation.messages.order_by("id"),
         "who": selectors.who_is(conversation.person)},
    )  # fmt: skip
