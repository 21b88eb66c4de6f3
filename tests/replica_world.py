"""What the replica tests share: an agent's book of two active cases and one waiting for their answer, committed
(the replica sees only what the primary committed), and the reads each server answered."""

import contextlib

from django.core.signals import request_started
from django.db import connections, reset_queries

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


def a_case_the_replica_has_not(world, the_replica):
    """The replica caught up with `world`'s book, then its replay held up, then the manager gives the agent one more
    case (Dee Diaz): a few bytes of WAL that the replica may receive but does not replay."""
    the_replica.caught_up()
    the_replica.pause_replay()
    return delegate(ConsumerCaseFactory(first_name="Dee", last_name="Diaz"), agent=world["agent"],
                    agency=world["agency"])  # fmt: skip


@contextlib.contextmanager
def reads_on_each():
    """{"primary": [sql...], "replica": [sql...]}: the statements each server was sent inside the block (on this
    thread's connections; watching opens none, so a replica that cannot be reached is not asked by the watch)."""
    seen = {"primary": [], "replica": []}
    watched = {"primary": connections["default"], "replica": connections["replica"]}
    kept = {name: (each.force_debug_cursor, len(each.queries_log)) for name, each in watched.items()}
    for each in watched.values():
        each.force_debug_cursor = True
    request_started.disconnect(reset_queries)  # as CaptureQueriesContext: a request would empty the log
    try:
        yield seen
    finally:
        request_started.connect(reset_queries)
        for name, each in watched.items():
            debug, start = kept[name]
            each.force_debug_cursor = debug
            seen[name] = [query["sql"] for query in list(each.queries_log)[start:]]


def book_rows_read(statements) -> bool:
    """Whether one of these statements read Book of Business rows (the delegations with their cases)."""
    return any('FROM "delegations_delegation"' in sql and '"consumers_consumercase"' in sql for sql in statements)
