"""ASGI entry point: Online Chat's WebSockets, served by daphne beside gunicorn (and by `runserver` on `make run`,
pages included). Every connection is checked for its origin, then carries the portal's session; the consumer
decides, from the person's current facts, whether it may open at all (servicecenter/consumers.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
pages = get_asgi_application()  # first: it sets Django up before the routing imports models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from servicecenter.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {"http": pages, "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))}
)
