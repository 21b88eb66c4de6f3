"""The chat bench's floor: the least a chat message can cost through the same daphne and the same Redis channel
layer. A consumer that accepts every connection (no session, no person, no database) and sends whatever it is sent
to its chat's group, which every connection of the chat hears. The portal's chat, measured beside it in the same
run, adds the session and the person's facts, the check of every message, the masking, and the row it keeps."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class EchoToTheGroup(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group = f"floor.{self.scope['url_route']['kwargs']['conversation_id']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "message":
            message = {"id": 0, "client_id": content.get("client_id"), "body": content.get("body")}
            await self.channel_layer.group_send(self.group, {"type": "chat.message", "message": message})

    async def chat_message(self, event):
        await self.send_json({"type": "message", "message": event["message"]})


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/chat/<int:conversation_id>/", EchoToTheGroup.as_asgi())])}
)
