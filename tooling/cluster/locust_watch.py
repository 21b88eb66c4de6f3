"""Loaded by the rehearsal beside scripts/locustfile.py (`locust -f scripts/locustfile.py,tooling/cluster/...`):
each response's node (the load balancer's X-Cluster-Node header) and, for a redirect, where it points, one CSV row
per request in CLUSTER_RESPONSES: timestamp, method, name, status, node, location, exception, whether a Retry-After came. No users of its own."""

import csv
import os
import time

from locust import events

_OUT = open(os.environ["CLUSTER_RESPONSES"], "w", newline="") if os.environ.get("CLUSTER_RESPONSES") else None  # noqa: SIM115
_WRITER = csv.writer(_OUT) if _OUT is not None else None


@events.request.add_listener
def watch(request_type, name, response=None, exception=None, **_kwargs):
    if _WRITER is None:
        return
    headers = getattr(response, "headers", None) or {}
    status = getattr(response, "status_code", 0) or 0
    _WRITER.writerow([f"{time.time():.3f}", request_type, name, status, headers.get("X-Cluster-Node", ""),
                      headers.get("Location", "") if 300 <= status < 400 else "", int(exception is not None),
                      int("Retry-After" in headers)])  # fmt: skip


@events.quitting.add_listener
def close(**_kwargs):
    if _OUT is not None:
        _OUT.close()
