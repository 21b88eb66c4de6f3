"""What each side of Online Chat may see. Every query for a conversation starts here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.choices import MembershipRole
from portal.models import User
from portal.permissions import Capability, permissions_for

from .models import ChatMessage, ChatStaffProfile, Conversation


def chats_of(user) -> QuerySet[Conversation]:
    """A person's own chats; nothing for anyone who may not chat."""
    if not permissions_for(user).allows(Capability.CHAT):
        return Conversation.objects.none()
    return Conversation.objects.filter(person=user)


def open_chat_of(user) -> Conversation | None:
    return chats_of(user).filter(status__in=Conversation.OPEN).first()


def chats_answered_by(user) -> QuerySet[Conversation]:
    """The chats a service-center member has in hand now; every chat for a supervisor reading transcripts."""
    may = permissions_for(user)
    if may.allows(Capability.READ_TRANSCRIPTS):
        return Conversation.objects.all()
    if may.allows(Capability.ANSWER_CHAT):
        return Conversation.objects.filter(staff=user)
    return Conversation.objects.none()


def chat_for_connection(user, conversation_id: int) -> tuple[Conversation, str] | None:
    """The chat a WebSocket may join and on which side: the person's own (person), or one the member has in hand,
    or is waiting and they may take (staff). None for everyone else."""
    conversation = Conversation.objects.filter(pk=conversation_id).select_related("person", "staff").first()
    if conversation is None:
        return None
    may = permissions_for(user)
    if conversation.person_id == user.pk and may.allows(Capability.CHAT):
        return conversation, ChatMessage.Side.PERSON
    if may.allows(Capability.ANSWER_CHAT) and conversation.staff_id == user.pk:
        return conversation, ChatMessage.Side.STAFF
    return None


def speaks_spanish(user) -> bool:
    return ChatStaffProfile.objects.filter(user=user, speaks_spanish=True).exists()


def shown_name(user) -> str:
    """What the person in a chat reads for a service-center member: their profile's name, else first name and
    initial."""
    profile = ChatStaffProfile.objects.filter(user=user).first()
    if profile is not None and profile.shown_name:
        return profile.shown_name
    initial = f" {user.last_name[:1]}." if user.last_name else ""
    return f"{user.first_name}{initial}".strip() or str(user.pk)


def person_name(user, *, full: bool = True) -> str:
    """The person's name as the service center knows them: an agent's as licensed, anyone else's as signed up."""
    agent = permissions_for(user).agent
    first, last = (agent.first_name, agent.last_name) if agent is not None else (user.first_name, user.last_name)
    name = f"{first} {last}".strip() if full else first
    return name or user.email


def queue(*, spanish: bool | None = None) -> QuerySet[Conversation]:
    """The chats waiting, oldest first; for a member who does not take Spanish chats, the English ones only."""
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING).order_by("opened_at", "id")
    if spanish is False:
        waiting = waiting.filter(language=Conversation.Language.ENGLISH)
    return waiting


def place_in_queue(conversation: Conversation) -> int:
    """1 for the next chat to be taken in its language's queue."""
    ahead = (
        Conversation.objects.filter(
            status=Conversation.Status.WAITING, language=conversation.language, opened_at__lt=conversation.opened_at
        ).count()
        + Conversation.objects.filter(
            status=Conversation.Status.WAITING,
            language=conversation.language,
            opened_at=conversation.opened_at,
            id__lt=conversation.pk,
        ).count()
    )
    return ahead + 1


def messages_after(conversation: Conversation, after_id: int = 0) -> QuerySet[ChatMessage]:
    return conversation.messages.filter(id__gt=after_id).order_by("id")


def colleagues_of(user) -> list[User]:
    """Whom a member may hand a chat to: the other active staff who answer chat."""
    people = (
        User.objects.filter(is_active=True, is_staff=True)
        .exclude(pk=user.pk)
        .select_related("chat_profile")
        .order_by("first_name", "last_name")
    )
    colleagues = [person for person in people if permissions_for(person).allows(Capability.ANSWER_CHAT)]
    for colleague in colleagues:  # offered for a Spanish chat only if they take Spanish chats
        profile = getattr(colleague, "chat_profile", None)
        colleague.speaks_spanish = profile is not None and profile.speaks_spanish
    return colleagues


def who_is(person) -> dict:
    """What the service center sees of the person in a chat: their role, agency and license, never a case."""
    may = permissions_for(person)
    membership, agent = may.membership, may.agent
    if may.allows(Capability.OWN_CASE) or person.is_consumer:
        role = _("Consumer")
    elif membership is not None:
        role = MembershipRole(membership.role).label
    elif agent is not None:
        role = _("Agent, in no agency")
    else:
        role = _("No role")
    return {
        "name": person_name(person),
        "role": role,
        "agency": membership.agency.public_name if membership is not None else "",
        "license": getattr(agent, "license_number", "") if agent is not None else "",
        "certification": agent.get_certification_status_display() if agent is not None else "",
    }
