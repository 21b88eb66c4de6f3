"""The chat bench's client, in a process of its own (no Django): every chat's two sides connected over WebSockets
(autobahn on asyncio), a paced phase, then a saturated one; prints its figures as one line of JSON.

    python -m tooling.chatbench.client PLAN.json
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import time
import uuid
from collections import Counter

import txaio

txaio.use_asyncio()

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol  # noqa: E402


class Side(WebSocketClientProtocol):
    def onOpen(self):  # noqa: N802 - autobahn's names
        self.factory.opened.set_result(self)

    def onMessage(self, payload, isBinary):  # noqa: N802, N803
        self.factory.heard(json.loads(payload))

    def onClose(self, wasClean, code, reason):  # noqa: N802, N803
        if not self.factory.opened.done():
            self.factory.opened.set_exception(ConnectionError(f"refused: {code} {reason}"))
        self.factory.closed = True


class Load:
    """The client: every chat's two sides connected, a paced phase, then a saturated one."""

    def __init__(self, ports, pairs, options):
        self.ports, self.pairs, self.options = ports, pairs, options
        self.sent: dict[str, tuple[float, str]] = {}  # client_id -> (moment sent, side that sent it)
        self.heard_by_other: Counter = Counter()
        self.latencies: list[float] = []
        self.phase = "paced"
        self.on_delivery = None

    async def connect(self, port: int, session: str, chat_id: int, side: str):
        loop = asyncio.get_running_loop()
        url = f"ws://127.0.0.1:{port}/ws/chat/{chat_id}/"
        factory = WebSocketClientFactory(url, origin=f"http://127.0.0.1:{port}",
                                         headers={"Cookie": f"{self.options['cookie']}={session}"})  # fmt: skip
        factory.protocol = Side
        factory.opened = loop.create_future()
        factory.closed = False
        factory.heard = lambda data: self.heard(data, side, chat_id)
        await loop.create_connection(factory, "127.0.0.1", port)
        return await asyncio.wait_for(factory.opened, timeout=30)

    def heard(self, data: dict, side: str, chat_id: int) -> None:
        if data.get("type") != "message":
            return
        client_id = data["message"].get("client_id")
        if client_id not in self.sent:
            return
        moment, sender = self.sent[client_id]
        if sender == side:
            return  # the sender's own echo (its acknowledgement)
        self.heard_by_other[client_id] += 1
        if self.heard_by_other[client_id] == 1:
            if self.phase == "paced" or self.phase == "saturation":
                self.latencies.append((time.perf_counter() - moment) * 1000)
            if self.on_delivery is not None:
                self.on_delivery(chat_id, side)

    def send(self, connection, side: str, chat_id: int) -> None:
        client_id = str(uuid.uuid4())
        self.sent[client_id] = (time.perf_counter(), side)
        body = f"Message {len(self.sent)} from the {side} of chat {chat_id}"
        connection.sendMessage(json.dumps({"type": "message", "client_id": client_id, "body": body}).encode())

    async def run(self) -> dict:
        o, count = self.options, len(self.ports)
        chats = []
        for index, (chat_id, person_session, member_session) in enumerate(self.pairs):
            person = await self.connect(self.ports[index % count], person_session, chat_id, "person")
            member = await self.connect(self.ports[(index + 1) % count], member_session, chat_id, "staff")
            chats.append((chat_id, person, member))

        async def paced(chat_id, connection, side):
            for _ in range(o["messages"]):
                await asyncio.sleep(random.uniform(0.5, 1.5) * o["interval"])
                self.send(connection, side, chat_id)

        await asyncio.gather(*(paced(chat_id, connection, side) for chat_id, person, member in chats
                               for connection, side in ((person, "person"), (member, "staff"))))  # fmt: skip
        await self.settle()
        paced_result = self.result()

        # Saturation: in each chat, the next message as soon as the other side heard the last one.
        self.phase, self.sent, self.heard_by_other, self.latencies = "saturation", {}, Counter(), []
        by_id = {chat_id: (person, member) for chat_id, person, member in chats}
        delivered = 0
        stop = time.perf_counter() + o["saturation_seconds"]

        def next_message(chat_id, heard_side):
            nonlocal delivered
            delivered += 1
            if time.perf_counter() < stop:
                person, member = by_id[chat_id]
                self.send(person if heard_side == "person" else member, heard_side, chat_id)

        self.on_delivery = next_message
        started = time.perf_counter()
        for chat_id, person, _member in chats:
            self.send(person, "person", chat_id)
        await asyncio.sleep(o["saturation_seconds"])
        elapsed = time.perf_counter() - started
        in_time = delivered
        self.on_delivery = None
        await self.settle()
        saturation = {**self.result(), "per_second": in_time / elapsed}
        for _chat_id, person, member in chats:
            person.sendClose()
            member.sendClose()
        await asyncio.sleep(0.5)
        return {"paced": paced_result, "saturation": saturation}

    async def settle(self, seconds: float = 30) -> None:
        """Wait until everything sent was heard by the other side, or `seconds` more."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and any(client_id not in self.heard_by_other for client_id in self.sent):
            await asyncio.sleep(0.1)

    def result(self) -> dict:
        latencies = sorted(self.latencies) or [0.0]

        def at(fraction):
            return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))]

        return {
            "sent": len(self.sent),
            "delivered": sum(1 for client_id in self.sent if self.heard_by_other[client_id] >= 1),
            "lost": sum(1 for client_id in self.sent if self.heard_by_other[client_id] == 0),
            "doubled": sum(1 for client_id in self.sent if self.heard_by_other[client_id] > 1),
            "p50": statistics.median(latencies),
            "p95": at(0.95),
            "p99": at(0.99),
        }


if __name__ == "__main__":
    with open(sys.argv[1]) as plan_file:
        plan = json.load(plan_file)
    print(json.dumps(asyncio.run(Load(plan["ports"], plan["pairs"], plan).run())))
