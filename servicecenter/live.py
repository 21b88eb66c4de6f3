"""What the connections of Online Chat are told, through the channel layer (Redis between processes; in memory on
`make run`), once the change they hear of has committed."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
CONSOLE = "chat.console"  # every service-center member's console
WAITING = "chat.waiting"  # every connection of a person whose chat is waiting


def chat_group(conversation_id: int) -> str:
    return f"chat.{conversation_id}"


def person_group(user_id: int) -> str:
    """Every chat connection of one person (or member), in any tab and any ASGI process."""
    return f"chat.person.{user_id}"


def revoke(user_id: int) -> None:
    """Close every chat connection of the person (they signed out, or were made Inactive)."""
    _after_commit(lambda: _send(person_group(user_id), {"type": "chat.revoked"}))


def message_data(message) -> dict:
    return {
        "id": message.pk,
        "side": str(message.side),
        "author": message.author_name,
        "event": str(message.event),
        "body": message.body,
        "client_id": str(message.client_id) if message.client_id else None,
        "at": message.created_at.isoformat(),
    }


def status_data(conversation) -> dict:
    from .selectors import shown_name

    return {
        "id": conversation.pk,
        "status": str(conversation.status),
        "staff": shown_name(conversation.staff) if conversation.staff_id else "",
        "staff_id": conversation.staff_id,
    }


def waiting_rows(limit: int = 500) -> list[dict]:
    """The chats waiting, oldest first, with the person's name (as an agent's, for an agent): one query."""
    from .models import Conversation

    rows = (
        Conversation.objects.filter(status=Conversation.Status.WAITING)
        .order_by("opened_at", "id")
        .values("id", "language", "opened_at", "person__first_name", "person__last_name", "person__agent__first_name",
                "person__agent__last_name")[:limit]
    )  # fmt: skip
    return [
        {
            "id": row["id"],
            "language": row["language"],
            "opened_at": row["opened_at"],
            "name": " ".join(
                filter(
                    None,
                    (
                        row["person__agent__first_name"] or row["person__first_name"],
                        row["person__agent__last_name"] or row["person__last_name"],
                    ),
                )
            ),
        }  # fmt: skip
        for row in rows
    ]


def queue_data() -> dict:
    """What each waiting person needs for their place, and the consoles' list."""
    return {"waiting": [{**row, "opened_at": row["opened_at"].isoformat()} for row in waiting_rows()]}


def _send(group: str, event: dict) -> None:
    """Tell a group; with the channel layer away, the change itself stands (connections catch up on their
    next hello, and re-check themselves)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # noqa: BLE001 - Redis away: nothing a page or task should fail for
        logger.warning("Online Chat: the channel layer could not be told (%s)", event.get("type"), exc_info=True)


def _after_commit(send) -> None:
    transaction.on_commit(send)


def message_sent(conversation_id: int, message) -> None:
    data = message_data(message)
    _after_commit(lambda: _send(chat_group(conversation_id), {"type": "chat.message", "message": data}))


def status_changed(conversation) -> None:
    data = status_data(conversation)
    _after_commit(lambda: (_send(chat_group(conversation.pk), {"type": "chat.status", "status": data}),
                           _send(CONSOLE, {"type": "chat.status", "status": data})))  # fmt: skip


def queue_changed() -> None:
    def send():
        data = queue_data()
        places: dict[str, list[int]] = {"en": [], "es": []}  # each waiting connection finds its own place here
        for row in data["waiting"]:
            places[row["language"]].append(row["id"])
        _send(WAITING, {"type": "chat.places", "places": places})
        _send(CONSOLE, {"type": "chat.queue", "queue": data})

    _after_commit(send)
