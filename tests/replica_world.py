"""What the replica tests share: an agent's book of two active cases and one waiting for their answer, committed
(the replica sees only what the primary committed), and the reads each server answered."""

import contextlib

from django.db import connections
from django.test.utils import CaptureQueriesContext

from delegations.models import Delegation

from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate


def a_book():
    agency, manager = agency_with_manager()
    agent = agent_in(agency, last_name="Delgado")
    for first, last in (("Ana", "Alvarez"), ("Ben", "Brown")):
        delegate(ConsumerCaseFactory(first_name=first, last_name=last), agent=agent, agency=agency)
    waiting = delegate(ConsumerCaseFactory(first_name="Cho", last_name="Chen"), agent=agent, agency=agency,
                       status=Delegation.Status.PENDING)  # fmt: skip
    return {"agency": agency, "manager": manager, "agent": agent, "waiting": waiting}


@contextlib.contextmanager
def reads_on_each():
    """{"primary": [sql...], "replica": [sql...]}: the statements each server was sent inside the block."""
    seen = {"primary": [], "replica": []}
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        yield seen
    seen["primary"] = [query["sql"] for query in primary.captured_queries]
    seen["replica"] = [query["sql"] for query in on_replica.captured_queries]


def book_rows_read(statements) -> bool:
    """Whether one of these statements read Book of Business rows (the delegations with their cases)."""
    return any('FROM "delegations_delegation"' in sql and '"consumers_consumercase"' in sql for sql in statements)
