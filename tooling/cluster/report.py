"""What each fault of the rehearsal cost, from its records (var/cluster-rehearsal/), and what was kept.

Records (written by scripts/cluster-rehearsal.sh and its watchers):
    events.txt      "<unix time> <event> [key=value ...]", one a line, in the order they happened
    requests.csv    every request of the load test (scripts/locustfile.py): kind, method, name, ms, status,
                    exception, timestamp
    responses.csv   the same requests as the load balancer answered them (tooling/cluster/locust_watch.py):
                    timestamp, method, name, status, node, location, exception, retry-after
    session.csv     the one signed-in person of the probe (tooling/cluster/probe.py): ts, status, node, location,
                    error
    balancer.csv    the load balancer's view of web1 and web2, four times a second
    haproxy.log     the load balancer's line per request: when it was answered (ms), node, status, retries ("+":
                    sent to the other node), termination state, its time in ms, method, path

A request is *answered* when it got an HTTP answer other than 5xx, *cleanly refused* on a 503 (the portal's own,
with Retry-After, or the load balancer's when it had no node), and *failed* otherwise: no answer at all (the
connection refused or cut: status 0) or another 5xx. Each fault's window runs from the fault to the next one.
"""

import csv
import dataclasses
from pathlib import Path

SIGN_IN_NAMES = {"sign-in page", "sign-in", "second factor page", "second factor"}
# What the load test does that the portal audits, and the audit action each success must have left.
AUDITED = {
    "case.viewed": ({"/cases/[id]/"}, None),
    "cases.listed": ({"/book/ (sorted, paged)", "/book/ (filtered or searched)"}, "book_of_business"),
    "export.created": ({"/book/export/csv/ (own book)"}, None),
}
FAULTS = [
    # (label, event that starts it, event that says the service is back)
    ("web node killed (web1, SIGKILL) and brought back after 20 s", "web1.killed", "web1.in_rotation"),
    ("Redis restarted (cache, sessions' copies, broker, channel layer)", "redis.stopped", "redis.started"),
    ("replica stopped (pg_ctl -m fast), started again after 30 s", "replica.stopped", "replica.caught_up"),
    ("worker node killed during the weekly run (worker1, SIGKILL)", "worker1.killed", "weekly.done"),
]


@dataclasses.dataclass
class Event:
    at: float
    name: str
    facts: dict


def read_events(path: Path) -> list[Event]:
    events = []
    for line in path.read_text().splitlines():
        at, name, *rest = line.split()
        facts = dict(item.split("=", 1) for item in rest if "=" in item)
        events.append(Event(float(at), name, facts))
    return events


def first(events: list[Event], name: str) -> Event | None:
    return next((event for event in events if event.name == name), None)


@dataclasses.dataclass
class Request:
    at: float
    method: str
    name: str
    status: int
    exception: bool
    ms: float = 0.0
    kind: str = "page"
    node: str = ""
    location: str = ""

    @property
    def outcome(self) -> str:
        if self.status == 503:
            return "refused"
        if self.status == 0 or self.status >= 500:
            return "failed"
        return "answered"


def read_requests(folder: Path) -> list[Request]:
    """The load test's requests, each with the node that answered it and where it was redirected (matched to the
    load balancer's record by order: both listeners hear every request, one after the other)."""
    with open(folder / "requests.csv", newline="") as handle:
        rows = [Request(float(r[6]), r[1], r[2], int(r[4]), r[5] == "1", float(r[3]), r[0])
                for r in csv.reader(handle) if r]  # fmt: skip
    responses_path = folder / "responses.csv"
    if responses_path.exists():
        with open(responses_path, newline="") as handle:
            seen = [r for r in csv.reader(handle) if r]
        if len(seen) == len(rows):
            for request, (_at, _method, name, _status, node, location, *_rest) in zip(rows, seen, strict=True):
                if name == request.name:
                    request.node, request.location = node, location
    return sorted(rows, key=lambda request: request.at)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def tally(requests: list[Request]) -> dict:
    pages = [r.ms for r in requests if r.kind == "page" and r.outcome == "answered"]
    out = {"requests": len(requests), "answered": 0, "refused": 0, "failed": 0, "connection": 0, "5xx": 0,
           "4xx": 0, "sign_in_redirects": 0, "page_p95_ms": percentile(pages, 0.95),
           "page_max_ms": max(pages) if pages else None}  # fmt: skip
    for request in requests:
        out[request.outcome] += 1
        out["connection"] += request.status == 0
        out["5xx"] += request.status >= 500
        out["4xx"] += 400 <= request.status < 500
        out["sign_in_redirects"] += lost_session(request)
    return out


def lost_session(request: Request) -> bool:
    """A signed-in person's page that sent them to sign in again (or said 401): their session was not found."""
    if request.name in SIGN_IN_NAMES or request.name == "/find-local-help/":
        return False
    return request.status == 401 or (300 <= request.status < 400 and "/accounts/login/" in request.location)


@dataclasses.dataclass
class Forwarded:
    """One request as the load balancer passed it on."""

    at: float  # when it was answered
    node: str
    status: int
    retries: str  # "0"; "1" sent again to the same node; "+1" sent to the other node


def read_balancer_log(folder: Path) -> list[Forwarded]:
    path = folder / "haproxy.log"
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].isdigit():
            out.append(Forwarded(int(parts[0]) / 1000, parts[1], int(parts[2]) if parts[2].lstrip("-").isdigit() else 0,
                                 parts[3]))  # fmt: skip
    return out


def fault_windows(events: list[Event], requests: list[Request], forwarded: list[Forwarded] = ()) -> list[dict]:
    """Each fault: its window (to the next fault, or the end of the load), what its requests got, when the
    service said it was back, and when the last request that was not answered came."""
    starts = [first(events, start) for _label, start, _back in FAULTS]
    end = first(events, "load.stopped")
    out = []
    for index, (label, _start, back_name) in enumerate(FAULTS):
        start = starts[index]
        if start is None:
            continue
        later = [s.at for s in starts[index + 1 :] if s is not None]
        until = later[0] if later else (end.at if end else float("inf"))
        window = [r for r in requests if start.at <= r.at < until]
        back = first(events, back_name)
        bad = [r for r in window if r.outcome != "answered"]
        passed = [f for f in forwarded if start.at <= f.at < until]
        out.append({
            "label": label, "start": start.at, "until": until, **tally(window),
            "sent_to_other_node": sum(f.retries.startswith("+") for f in passed),
            "sent_again": sum(f.retries not in ("0", "") for f in passed),
            "service_back_s": round(back.at - start.at, 2) if back else None,
            "last_unanswered_s": round(bad[-1].at - start.at, 1) if bad else None,
            "statuses": sorted({r.status for r in bad}),
        })  # fmt: skip
    return out


def read_session(folder: Path, events: list[Event]) -> dict:
    """The probe's one session across the faults: answered by which nodes, and was it ever asked to sign in?"""
    path = folder / "session.csv"
    if not path.exists():
        return {}
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    killed, back = first(events, "web1.killed"), first(events, "web1.in_rotation")
    nodes_before = {r["node"] for r in rows if killed and float(r["ts"]) < killed.at and r["status"] == "200"}
    during = [r for r in rows if killed and back and killed.at <= float(r["ts"]) < back.at]
    signed_out = [r for r in rows if r["status"] == "401" or "/accounts/login/" in r["location"]]
    return {
        "requests": len(rows),
        "ok": sum(r["status"] == "200" for r in rows),
        "signed_out": len(signed_out),
        "failed": sum(r["status"] in ("0", "") or r["status"].startswith("5") for r in rows),
        "nodes_before_kill": sorted(n for n in nodes_before if n),
        "during_kill_ok": sum(r["status"] == "200" for r in during),
        "during_kill": len(during),
        "during_kill_nodes": sorted({r["node"] for r in during if r["node"]}),
        "web1_after": sum(r["node"] == "web1" and r["status"] == "200" for r in rows if back and float(r["ts"]) > back.at),
    }  # fmt: skip


def balancer_downtime(folder: Path, node: str) -> float | None:
    """Seconds the load balancer had `node` out of rotation (not UP), from its samples."""
    path = folder / "balancer.csv"
    if not path.exists():
        return None
    with open(path, newline="") as handle:
        rows = [(float(r["ts"]), r[node]) for r in csv.DictReader(handle)]
    down = [at for at, status in rows if not status.startswith("UP") and status != "?"]
    return round(down[-1] - down[0], 1) if down else 0.0
