"""What the Online Chat tests share: service-center members of the chat group, a moment the service center is
open, WebSockets into the portal's own ASGI application (the real routing, origin check and session), and a
daphne server of the test database for the browser journeys."""

from __future__ import annotations

import datetime
import functools
import json
import threading
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.test import Client

from servicecenter.models import ChatStaffProfile

from .factories import UserFactory, sign_in

PACIFIC = ZoneInfo("America/Los_Angeles")
# A Tuesday morning in Pacific time, when the Agent Service Center answers chat; and that evening, when it does not.
OPEN = datetime.datetime(2026, 12, 8, 10, 0, tzinfo=PACIFIC)
EVENING = datetime.datetime(2026, 12, 8, 18, 30, tzinfo=PACIFIC)
HOST = "testserver"


def chat_member(*, first_name="Ana", last_name="Reyes", shown_name="Ana R.", spanish=False, supervisor=False):
    """A member of the service center's chat group (or a supervisor), with a verified second factor."""
    user = UserFactory(is_staff=True, first_name=first_name, last_name=last_name)
    user.groups.add(Group.objects.get(name="Service center: supervisor" if supervisor else "Service center: chat"))
    ChatStaffProfile.objects.create(user=user, shown_name=shown_name, speaks_spanish=spanish)
    return user


def session_of(user, *, second_factor=True) -> str:
    """The session key of `user` signed in (with the second factor verified, unless told)."""
    client = Client()
    if second_factor:
        sign_in(client, user)
    else:
        client.force_login(user)
    return client.cookies["sessionid"].value


def socket(path: str, *, session: str | None = None, origin: str | None = f"http://{HOST}") -> WebsocketCommunicator:
    """A WebSocket to the portal's ASGI application as a browser on the portal's page would open it."""
    from config.asgi import application

    headers = [(b"host", HOST.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if session is not None:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def connected(path: str, **kwargs) -> WebsocketCommunicator:
    """An open WebSocket (the test fails if it is refused)."""
    communicator = socket(path, **kwargs)
    ok, code = await communicator.connect(timeout=5)
    assert ok, f"refused ({code})"
    return communicator


async def refused(path: str, **kwargs) -> bool:
    """Whether the WebSocket is refused at its handshake."""
    communicator = socket(path, **kwargs)
    ok, _code = await communicator.connect(timeout=5)
    await communicator.disconnect()
    return not ok


async def receive_until(communicator, kind: str, *, timeout: float = 5, where=None) -> dict:
    """The next message of `kind` (others before it are skipped), optionally one `where` accepts."""
    while True:
        data = await communicator.receive_json_from(timeout=timeout)
        if data.get("type") == kind and (where is None or where(data)):
            return data


async def everything(communicator, *, timeout: float = 0.3) -> list[dict]:
    """Everything the socket was sent until it has been quiet for `timeout`."""
    received = []
    # (receive_nothing waits without ending the application; a receive that times out would cancel it)
    while not await communicator.receive_nothing(timeout=timeout):
        received.append(json.loads(await communicator.receive_from()))
    return received


def db(function):
    """Call the ORM from a test's coroutine."""
    return sync_to_async(function, thread_sensitive=True)


@pytest.fixture(autouse=True)
def _chat_threads_let_go_of_the_database():
    """After a test that opened WebSockets in this process, each of the consumers' threads closes its database
    connection (so the test database can be emptied and dropped with no session left on it)."""
    yield
    from servicecenter.consumers import THREADS

    if not THREADS._threads:
        return
    from concurrent.futures import wait

    from django.db import connections

    count = THREADS._max_workers
    together = threading.Barrier(count)

    def close():
        together.wait(timeout=10)  # one task per thread: every thread closes its own
        connections.close_all()

    wait([THREADS.submit(close) for _ in range(count)], timeout=15)


@pytest.fixture
def chat_server(transactional_db, settings):
    """The portal's ASGI application (pages, static files and Online Chat's WebSockets) served by daphne in a
    process of its own, on the test database and Redis, as production serves chat; its address."""
    from daphne.testing import DaphneProcess
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    connections.close_all()  # the server's process starts with none of this one's connections
    server = DaphneProcess(
        "127.0.0.1", functools.partial(_application, ASGIStaticFilesHandler), setup=_a_fresh_process
    )
    server.start()
    if not server.ready.wait(timeout=30):
        server.terminate()
        raise RuntimeError("daphne did not start")
    yield f"http://127.0.0.1:{server.port.value}"
    server.terminate()
    server.join(timeout=10)
    _until_its_connections_are_gone()


def _until_its_connections_are_gone(seconds: float = 10) -> None:
    """PostgreSQL ends a killed process's sessions a moment later; the test database is dropped only once they are."""
    import time

    from django.db import connection

    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def _a_fresh_process():
    """In the forked server, none of this process's threads or channel layer: a pool's threads do not survive a fork
    (the copy of the consumers' pool would queue work no thread ever runs, and daphne would drop every WebSocket
    after its 5-second connect timeout), and a layer's idle Redis connections are sockets this process still holds."""
    from concurrent.futures import ThreadPoolExecutor

    from channels.layers import channel_layers

    from servicecenter import consumers

    consumers.THREADS = ThreadPoolExecutor(max_workers=consumers.THREADS._max_workers, thread_name_prefix="chat")
    channel_layers.backends.clear()


def _application(static_wrapper):
    from config.asgi import application

    return static_wrapper(application)
