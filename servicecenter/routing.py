from django.urls import path

from .consumers import ChatConsumer, ConsoleConsumer

websocket_urlpatterns = [
    path("ws/chat/console/", ConsoleConsumer.as_asgi()),
    path("ws/chat/<int:conversation_id>/", ChatConsumer.as_asgi()),
]
