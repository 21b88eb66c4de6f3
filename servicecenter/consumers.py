"""Online Chat's WebSockets. A connection opens only for a signed-in person past their second factor, from the
portal's own origin, to a chat that is theirs (or, for service-center staff, one they have in hand); every message
it sends is checked again against the person's current facts and session, so signing out, being made Inactive or
handing the chat over ends what the connection may do at once.

The protocol, in JSON both ways:
  browser → {"type": "hello", "after": last message id seen}    the messages after it, and the chat's state
  browser → {"type": "message", "client_id": uuid, "body": ...}  kept once per client_id, echoed to every side
  browser → {"type": "typing"}                                   "is typing" for the other side, kept nowhere
  browser → {"type": "close"}                                    the chat ends; transcript to the Secure Mailbox
  server  → {"type": "message"|"state"|"typing"|"places"|"refused"|"queue", ...}
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from redis.exceptions import RedisError

from portal import audit, person
from portal.middleware import second_factor_done
from portal.permissions import Capability, permissions_for
from portal.words import say

from . import live, selectors, services
from .models import ChatMessage, Conversation

REFUSED = 4403  # the close code a refused connection gets (the browser sees a failed handshake)
TYPING_EVERY = 1.0  # seconds: "is typing" is passed on at most this often per connection
HELLO_EVERY = 1.0  # seconds: the history is sent again at most this often per connection
RECHECK_EVERY = 15.0  # seconds: a connection that only listens has its session and facts asked again this often
MESSAGES_PER_MINUTE = 40  # a person's messages in all their chat's tabs (service-center members write in many)


def _within_rate(user_id: int) -> bool:
    """Whether the person may send one more message this minute (counted in the shared cache, so every tab and
    every ASGI process counts together: one round trip to Redis; with Redis away, nobody is held back)."""
    key = cache.make_key(f"chat:rate:{user_id}:{int(time.time() // 60)}")
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:  # the in-process cache of `make run`
        cache.add(key, 0, 90)
        return cache.incr(key) <= MESSAGES_PER_MINUTE
    try:
        pipe = client(key, write=True).pipeline()
        pipe.incr(key)
        pipe.expire(key, 90, nx=True)
        count, _expiring = pipe.execute()
    except RedisError:
        return True
    return count <= MESSAGES_PER_MINUTE


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def same_origin(scope) -> bool:
    """The page that opened the socket is the portal's own: its Origin names the host the socket was opened on."""
    origin, host = _header(scope, b"origin"), _header(scope, b"host")
    return bool(origin and host) and urlsplit(origin).netloc.lower() == host.lower()


def person_now(scope):
    """The person of the connection's session as of now, or None: the session still exists, is not idle or too
    old, its user is active, and their second factor is done. Read anew each time (sessions and people are kept
    in the cache, so this costs little)."""
    session_key = scope["session"].session_key if scope.get("session") is not None else None
    if not session_key:
        return None
    store = scope["session"].__class__(session_key)
    user = auth.get_user(SimpleNamespace(session=store))  # the session's user, its password hash checked
    if not user.is_authenticated or not user.is_active:
        return None
    now = time.time()
    if now - store.get("last_activity", now) > settings.SESSION_IDLE_TIMEOUT:
        return None
    if now - store.get("signed_in_at", now) > settings.SESSION_ABSOLUTE_TIMEOUT:
        return None
    device = None
    persistent_id = store.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:  # kept with the person, as the pages' OTPMiddleware keeps it (read again after any change)
        found = person.kept(user).get(f"device:{persistent_id}", lambda: Device.from_persistent_id(persistent_id))
        if found is not None and found.user_id == user.pk and found.confirmed:
            device = found
    user.otp_device = device
    user.is_verified = lambda: device is not None
    if not second_factor_done(user):
        return None
    # Chatting is activity: the pages' idle timer counts it (saved at most once a SESSION_ACTIVITY_RESOLUTION).
    if now - store.get("last_activity", 0) >= settings.SESSION_ACTIVITY_RESOLUTION:
        store["last_activity"] = now
        store.save()
    return user


# The threads the consumers' sync parts run in (each keeps its own database connection).
THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="chat")


def _in_a_thread(function):
    """Run the sync part (the ORM, the cache) in one of THREADS, not all on one thread: connections of different
    chats then wait for PostgreSQL and Redis side by side."""
    return database_sync_to_async(function, thread_sensitive=False, executor=THREADS)


def client_of(scope) -> dict:
    address = (scope.get("client") or [""])[0]
    return {"via": "websocket", "client_ip": address}


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """One browser tab in one chat: the person's, or a service-center member's."""

    async def connect(self):
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        found = await _in_a_thread(self._join)()
        if found is None:
            await self.close(code=REFUSED)
            return
        self.side, self.user_id, self.language, self.author_name = found
        self.acknowledged: set[str] = set()  # client ids this connection sent and was answered for
        self.group = live.chat_group(self.conversation_id)
        self.checked_at = time.monotonic()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(live.person_group(self.user_id), self.channel_name)
        if self.side == ChatMessage.Side.PERSON:
            await self.channel_layer.group_add(live.WAITING, self.channel_name)
        await self.accept()

    def _join(self):
        user = person_now(self.scope) if same_origin(self.scope) else None
        found = selectors.chat_for_connection(user, self.conversation_id) if user is not None else None
        if found is None:
            # Audited once a minute per person at most: trying one id after another fills no log.
            if user is not None and cache.add(f"chat:refused:{user.pk}:{int(time.time() // 60)}", 1, 90):
                audit.record("chat.refused", actor=user, object_label=f"Online Chat {self.conversation_id}",
                             details=client_of(self.scope))  # fmt: skip
            return None
        conversation, side = found
        name = (
            selectors.shown_name(user) if side == ChatMessage.Side.STAFF else selectors.person_name(user, full=False)
        )
        return str(side), user.pk, user.preferred_language or settings.LANGUAGE_CODE, name

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(live.person_group(self.user_id), self.channel_name)
            await self.channel_layer.group_discard(live.WAITING, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "typing":
            now = time.monotonic()
            if now - getattr(self, "_typed_at", 0) < TYPING_EVERY:  # a browser says it every two seconds at most
                return
            self._typed_at = now
            await self.channel_layer.group_send(
                self.group, {"type": "chat.typing", "side": self.side, "sender": self.channel_name}
            )
            return
        if kind not in ("hello", "message", "close"):
            return
        if kind == "hello":
            now = time.monotonic()
            if now - getattr(self, "_hello_at", -HELLO_EVERY) < HELLO_EVERY:
                return
            self._hello_at = now
        reply = await _in_a_thread(self._handle)(kind, content)
        for item in reply:
            announce = item.pop("announce", False)
            await self.send_json(item)
            if announce:  # a new message: every other connection of the chat hears of it from here
                await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": item["message"]})
        if any(item.get("type") == "refused" and item.get("end") for item in reply):
            await self.close(code=REFUSED)

    def _handle(self, kind: str, content: dict) -> list[dict]:
        # Every message asks again who the person is now and whether they may (their session, their facts, from
        # the cache), and the chat's own state (one query): signing out, being made Inactive, a hand-over or the
        # chat's end stop what this connection may do at once.
        user = person_now(self.scope) if same_origin(self.scope) else None
        may = permissions_for(user) if user is not None and user.pk == self.user_id else None
        needed = Capability.CHAT if self.side == ChatMessage.Side.PERSON else Capability.ANSWER_CHAT
        if may is None or not may.allows(needed):
            return [{"type": "refused", "end": True, "reason": "gone"}]
        if kind == "message":
            return self._message(user, content)
        found = selectors.chat_for_connection(user, self.conversation_id)
        if found is None or found[1] != self.side:
            return [{"type": "refused", "end": True, "reason": "gone"}]
        conversation = found[0]
        if kind == "hello":
            after = content.get("after")
            after = after if isinstance(after, int) and after >= 0 else 0
            items = [{"type": "message", "message": live.message_data(message)}
                     for message in selectors.messages_after(conversation, after)]  # fmt: skip
            return [*items, self._state(conversation)]
        if kind == "close":
            services.close(conversation=conversation, by=user, client=client_of(self.scope))
        return []

    def _message(self, user, content: dict) -> list[dict]:
        body, client_id = content.get("body"), content.get("client_id")
        if not isinstance(body, str):
            return []
        if self.side == ChatMessage.Side.PERSON and not _within_rate(user.pk):
            with translation.override(self.language):
                reason = _("You are sending messages faster than anyone can read them. Wait a moment.")
            return [{"type": "refused", "client_id": client_id, "reason": str(reason)}]
        try:
            message, created = services.write(
                conversation_id=self.conversation_id,
                author=user,
                side=self.side,
                body=body,
                client_id=client_id,
                author_name=self.author_name,
                announce=False,
            )
        except services.ChatGone:
            return [{"type": "refused", "end": True, "reason": "gone"}]
        except services.ChatRefused as refused:
            with translation.override(self.language):
                return [{"type": "refused", "client_id": client_id, "reason": say(refused.args[0])}]
        # This connection hears of it at once (its acknowledgement); the group tells every other connection of the
        # chat, and this one's copy from the group is not sent again (chat_message).
        data = live.message_data(message)
        if created and data["client_id"]:
            self.acknowledged.add(data["client_id"])
        return [{"type": "message", "message": data, "announce": created}]

    def _state(self, conversation: Conversation) -> dict:
        conversation.refresh_from_db()
        state = live.status_data(conversation)
        if conversation.status == Conversation.Status.WAITING:
            state["place"] = selectors.place_in_queue(conversation)
        state["language"] = conversation.language
        return {"type": "state", "state": state}

    # What the channel layer brings: sent on to the browser.
    # What the channel layer brings is passed on only while the connection may still hear it: a hand-over or the
    # chat's end closes the member's or everyone's connection at once; signing out or being made Inactive closes
    # the person's (chat.revoked, servicecenter/signals.py); and the session and facts are asked again at least
    # every RECHECK_EVERY seconds of listening (an idle or expired session, a decertified agent).

    async def still_allowed(self) -> bool:
        if time.monotonic() - self.checked_at < RECHECK_EVERY:
            return True
        self.checked_at = time.monotonic()
        if await _in_a_thread(self._allowed_now)():
            return True
        await self.revoke()
        return False

    def _allowed_now(self) -> bool:
        user = person_now(self.scope) if same_origin(self.scope) else None
        needed = Capability.CHAT if self.side == ChatMessage.Side.PERSON else Capability.ANSWER_CHAT
        return user is not None and user.pk == self.user_id and permissions_for(user).allows(needed)

    async def revoke(self, event=None):
        await self.send_json({"type": "refused", "end": True, "reason": "gone"})
        await self.close(code=REFUSED)

    chat_revoked = revoke

    async def chat_message(self, event):
        if not await self.still_allowed():
            return
        client_id = event["message"].get("client_id")
        if client_id and client_id in self.acknowledged:
            self.acknowledged.discard(client_id)  # this connection sent it and was answered already
            return
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_status(self, event):
        state = event["status"]
        if self.side == ChatMessage.Side.STAFF and state["status"] == "active" and state["staff_id"] != self.user_id:
            await self.send_json({"type": "state", "state": state})  # "taken over by …", and no more
            await self.revoke()
            return
        if not await self.still_allowed():
            return
        await self.send_json({"type": "state", "state": state})
        if state["status"] == "closed":
            await self.close()

    async def chat_typing(self, event):
        if event["sender"] != self.channel_name and event["side"] != self.side and await self.still_allowed():
            await self.send_json({"type": "typing", "side": event["side"]})

    async def chat_places(self, event):
        await self.send_json({"type": "places", "places": event["places"]})


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    """A service-center member's console: the queue as it changes, and the state of the chats."""

    async def connect(self):
        allowed = await _in_a_thread(self._allowed)()
        if not allowed:
            await self.close(code=REFUSED)
            return
        await self.channel_layer.group_add(live.CONSOLE, self.channel_name)
        await self.accept()
        await self.send_json({"type": "queue", "queue": await _in_a_thread(live.queue_data)()})

    def _allowed(self) -> bool:
        user = person_now(self.scope) if same_origin(self.scope) else None
        return user is not None and permissions_for(user).allows(Capability.ANSWER_CHAT)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(live.CONSOLE, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not await _in_a_thread(self._allowed)():
            await self.close(code=REFUSED)

    async def chat_queue(self, event):
        if await _in_a_thread(self._allowed)():
            await self.send_json({"type": "queue", "queue": event["queue"]})
        else:
            await self.close(code=REFUSED)

    async def chat_status(self, event):
        await self.send_json({"type": "state", "state": event["status"]})
