"""Online Chat's changes of state: open, take, hand over, write, close. Each one that matters is audited; each is
told to the connections concerned once its transaction commits (servicecenter.live)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.utils import formats, timezone

from portal import audit
from portal.masking import mask_ssns
from portal.notifications import notify
from portal.permissions import Capability, permissions_for
from portal.words import lines, words

from . import hours, live
from .models import ChatMessage, Conversation
from .selectors import person_name, shown_name, speaks_spanish

MAX_MESSAGE_LENGTH = 2000
MAX_MESSAGES_PER_CHAT = 1000  # a chat longer than this is no chat: it ends, and a new one begins


class ChatRefused(Exception):
    """What was asked cannot be done now; the message says why, for the person who asked."""


def open_chat(*, person, language: str, client: dict | None = None) -> Conversation:
    """Open a chat for the person, or give them the one they have open (a second tab, two clicks at once).
    Refused outside the service center's hours."""
    if not permissions_for(person).allows(Capability.CHAT):
        raise ChatRefused(words("Online Chat is for people of the portal."))
    existing = Conversation.objects.filter(person=person, status__in=Conversation.OPEN).first()
    if existing is not None:
        return existing
    if not hours.is_open():
        raise ChatRefused(words("Online Chat is closed now."))
    if language not in Conversation.Language.values:
        language = Conversation.Language.ENGLISH
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(person=person, language=language)
            audit.record(
                "chat.opened", actor=person, obj=conversation, details={"language": language, **(client or {})}
            )
    except IntegrityError:  # another request opened it first: the one-open-chat constraint
        return Conversation.objects.get(person=person, status__in=Conversation.OPEN)
    live.queue_changed()
    return conversation


def take(*, conversation_id: int, member, client: dict | None = None) -> Conversation:
    """A service-center member takes a waiting chat. Only one member ever takes it."""
    if not permissions_for(member).allows(Capability.ANSWER_CHAT):
        raise ChatRefused(words("Only the service center's chat staff take chats."))
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None or conversation.status != Conversation.Status.WAITING:
            raise ChatRefused(words("Someone else took this chat, or it was closed."))
        if conversation.language == Conversation.Language.SPANISH and not speaks_spanish(member):
            raise ChatRefused(words("This person asked for Spanish: a colleague who takes Spanish chats will."))
        conversation.status, conversation.staff, conversation.taken_at = (
            Conversation.Status.ACTIVE,
            member,
            timezone.now(),
        )
        conversation.save(update_fields=["status", "staff", "taken_at"])
        message = _event(conversation, member, ChatMessage.Event.TAKEN)
        audit.record("chat.taken", actor=member, obj=conversation, details=client or {})
    live.message_sent(conversation.pk, message)
    live.status_changed(conversation)
    live.queue_changed()
    return conversation


def take_next(*, member, client: dict | None = None) -> Conversation | None:
    """The longest-waiting chat the member may take, taken; None when there is none."""
    from .selectors import queue

    spanish = speaks_spanish(member)
    for conversation_id in queue(spanish=spanish).values_list("id", flat=True)[:10]:
        try:
            return take(conversation_id=conversation_id, member=member, client=client)
        except ChatRefused:
            continue  # a colleague took it in between: the next one
    return None


def hand_over(*, conversation: Conversation, member, to, client: dict | None = None) -> Conversation:
    """The member gives a chat they have to a colleague who answers chat."""
    if to.pk == member.pk or not (to.is_active and permissions_for(to).allows(Capability.ANSWER_CHAT)):
        raise ChatRefused(words("Hand a chat only to a colleague who answers chat."))
    if conversation.language == Conversation.Language.SPANISH and not speaks_spanish(to):
        raise ChatRefused(words("This person asked for Spanish: hand it to a colleague who takes Spanish chats."))
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status != Conversation.Status.ACTIVE or locked.staff_id != member.pk:
            raise ChatRefused(words("This chat is no longer yours to hand over."))
        locked.staff = to
        locked.save(update_fields=["staff"])
        message = _event(locked, member, ChatMessage.Event.HANDED_OVER, body=shown_name(to))
        audit.record("chat.handed_over", actor=member, obj=locked, details={"to": to.email, **(client or {})})
    live.message_sent(locked.pk, message)
    live.status_changed(locked)
    return locked


class ChatGone(ChatRefused):
    """The chat is not the writer's any more (closed, handed over, never theirs)."""


def write(*, conversation_id: int, author, side: str, body: str, client_id: str | None,
          author_name: str | None = None, announce: bool = True) -> tuple[ChatMessage, bool]:  # fmt: skip
    """Keep one message of the chat, masked. The same `client_id` again (sent again after a reconnect) is the same
    message: returned, not kept twice. Returns the message and whether it is new. The chat's row is held (FOR NO
    KEY UPDATE, in the one query that also counts the chat and finds a resent id) while the message is checked and kept, so no message lands after the chat closed or was handed over
    (close and hand_over hold it too). `announce=False` leaves telling the chat's connections to the caller (a
    WebSocket consumer tells them from its own event loop)."""
    body = (body or "").strip()
    if not body:
        raise ChatRefused(words("Write a message first."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise ChatRefused(words("A message may be %(count)s characters at most.", count=MAX_MESSAGE_LENGTH))
    body = mask_ssns(body)
    try:
        client_uuid = uuid.UUID(str(client_id)) if client_id else None
    except ValueError:
        client_uuid = None
    try:
        with transaction.atomic():
            # One query: the chat's state, held; how long it is; and the message if this id was kept already.
            messages = ChatMessage.objects.filter(conversation=OuterRef("pk"))
            current = (
                Conversation.objects.select_for_update(no_key=True, of=("self",))
                .filter(pk=conversation_id)
                .annotate(
                    length=Subquery(messages.order_by().values("conversation").annotate(n=Count("*")).values("n")),
                    kept_id=Subquery(messages.filter(client_id=client_uuid).values("id")[:1])
                    if client_uuid is not None
                    else Value(None, output_field=IntegerField()),
                )
                .values("status", "staff_id", "person_id", "length", "kept_id")
                .first()
            )
            if current is None:
                raise ChatGone(words("This chat is closed."))
            if current["kept_id"] is not None:
                return ChatMessage.objects.get(pk=current["kept_id"]), False  # sent again after a reconnect
            if current["status"] == Conversation.Status.CLOSED:
                raise ChatRefused(words("This chat is closed."))
            if side == ChatMessage.Side.STAFF and current["staff_id"] != author.pk:
                raise ChatGone(words("This chat is no longer yours."))
            if side == ChatMessage.Side.PERSON and current["person_id"] != author.pk:
                raise ChatGone(words("This chat is not yours."))
            if (current["length"] or 0) >= MAX_MESSAGES_PER_CHAT:
                raise ChatRefused(words("This chat is long enough: end it and start a new one to go on."))
            if author_name is None:
                author_name = shown_name(author) if side == ChatMessage.Side.STAFF else person_name(author, full=False)
            message = ChatMessage.objects.create(conversation_id=conversation_id, side=side, author=author,
                                                 author_name=author_name, body=body, client_id=client_uuid)  # fmt: skip
    except IntegrityError:  # the same message at once on another connection: the one kept
        return ChatMessage.objects.get(conversation_id=conversation_id, client_id=client_uuid), False
    if announce:
        live.message_sent(conversation_id, message)
    return message, True


def close(*, conversation: Conversation, by, client: dict | None = None, idle: bool = False, since=None,
          now=None) -> Conversation:  # fmt: skip
    """Either side ends the chat (or, `idle`, the portal, in the name of whoever has it: see close_idle_chats); the
    person gets its transcript in their Secure Mailbox. Closing a closed chat changes nothing; nor does closing an
    idle one that someone wrote in since `since` (checked under the lock)."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == Conversation.Status.CLOSED:
            return locked
        written_since = (
            idle
            and locked.status == Conversation.Status.ACTIVE
            and since is not None
            and ChatMessage.objects.filter(conversation=locked, created_at__gte=since).exists()
        )
        if written_since:
            return locked  # someone wrote in the meantime: not idle after all
        locked.status, locked.closed_at = Conversation.Status.CLOSED, now or timezone.now()
        locked.closed_by = None if idle else by
        locked.save(update_fields=["status", "closed_at", "closed_by"])
        message = _event(locked, by, ChatMessage.Event.TIMED_OUT if idle else ChatMessage.Event.CLOSED)
        send_transcript(locked)
        audit.record("chat.closed", actor=None if idle else by, actor_label="Online Chat" if idle else "",
                     obj=locked, details={**(client or {}), **({"idle_minutes": settings.CHAT_IDLE_MINUTES} if idle else {})})  # fmt: skip
    live.message_sent(locked.pk, message)
    live.status_changed(locked)
    live.queue_changed()
    return locked


def close_idle_chats(now=None) -> int:
    """Close the chats nobody will answer: one in progress that nobody wrote in for CHAT_IDLE_MINUTES (both sides
    left it open), and, once the service center has closed for the day, any still waiting (a person waiting their
    turn is never timed out while it is open). Each gets its transcript. Returns how many were closed."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.CHAT_IDLE_MINUTES)
    idle = Q(status=Conversation.Status.ACTIVE, taken_at__lt=since) & (Q(last__isnull=True) | Q(last__lt=since))
    if not hours.is_open(now):
        idle |= Q(status=Conversation.Status.WAITING)
    candidates = (
        Conversation.objects.filter(status__in=Conversation.OPEN)
        .annotate(last=Max("messages__created_at"))
        .filter(idle)
        .select_related("person", "staff")
    )
    closed = 0
    for conversation in candidates:
        if close(conversation=conversation, by=conversation.staff or conversation.person, idle=True, since=since,
                 now=now).closed_at == now:  # fmt: skip
            closed += 1
    return closed


def send_transcript(conversation: Conversation) -> None:
    """The chat as it was written, into the person's Secure Mailbox (the e-mail only says a message arrived)."""
    local = timezone.localtime
    said = []
    for message in conversation.messages.order_by("id"):
        at = formats.time_format(local(message.created_at), "H:i")
        if message.event == ChatMessage.Event.TIMED_OUT and conversation.taken_at is None:
            said.append(words("%(time)s The service center closed for the day before a member could take the chat.",
                              time=at))  # fmt: skip
        elif message.event == ChatMessage.Event.TIMED_OUT:
            said.append(words("%(time)s The chat was closed after %(minutes)s minutes without a message.", time=at,
                              minutes=settings.CHAT_IDLE_MINUTES))  # fmt: skip
        elif message.side == ChatMessage.Side.EVENT:
            said.append(
                words("%(time)s %(name)s %(event)s", time=at, name=message.author_name, event=_event_words(message))
            )
        else:
            said.append(words("%(time)s %(name)s: %(text)s", time=at, name=message.author_name, text=message.body))
    day = local(conversation.opened_at).date()
    notify(
        user=conversation.person,
        subject=words("Your Online Chat with the Service Center on %(day)s", day=day),
        body=lines(
            words(
                "This is the transcript of your Online Chat with the Service Center on %(day)s. To go on, write to the "
                "Service Center from your Secure Mailbox, or start a new chat while the service center is open.",
                day=day,
            ),
            "",
            *said,
        ),
    )


def _event_words(message: ChatMessage):
    if message.event == ChatMessage.Event.TAKEN:
        return words("took the chat.")
    if message.event == ChatMessage.Event.HANDED_OVER:
        return words("handed the chat to %(name)s.", name=message.body)
    return words("closed the chat.")


def _event(conversation: Conversation, by, event: str, body: str = "") -> ChatMessage:
    side = ChatMessage.Side.EVENT
    name = shown_name(by) if by.pk != conversation.person_id else person_name(by, full=False)
    return ChatMessage.objects.create(
        conversation=conversation, side=side, author=by, author_name=name, event=event, body=body
    )
