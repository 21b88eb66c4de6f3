"""Reads that may leave the primary: the weekly extracts, large exports and the Book of Business's counts read a
streaming replica (DATABASE_REPLICA_URL) when it has what they must see, and the primary otherwise.

Everything else reads the primary, always: a person's pages, forms and permission checks, and whatever a task
reads back of its own writes. Only code inside `reads()` may go to the replica, and only when:

- the replica answers (a replica that does not is left alone for DATABASE_REPLICA_RETRY_SECONDS);
- it is not far behind: it replayed a transaction in the last DATABASE_REPLICA_MAX_LAG_SECONDS, or (an idle
  primary writes nothing to replay) it is streaming, has replayed all it received, and is within
  DATABASE_REPLICA_MAX_LAG_BYTES of the primary's WAL. A replica whose replay is held up (paused, or waiting on
  a query that conflicts with recovery) has received more than it replayed, so only the seconds count: however
  little the primary writes, what a reader sees is never older than DATABASE_REPLICA_MAX_LAG_SECONDS;
- it has replayed what the reader must see: for a person, their own last change (the primary's WAL position
  after their last request that could write, kept in a cookie: `ReadYourWritesMiddleware`); for a job, the
  primary's position when it started (a large export sees the request that asked for it), waiting up to
  DATABASE_REPLICA_WAIT_SECONDS for the replica to get there;
- no transaction is open on the primary (what it wrote is visible there alone).

A reader that fails on the replica part-way (it stopped, or cancelled the query) is run again on the primary by
`fall_back`; no one is told anything went wrong. The router sends every write and migration to the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
COOKIE = "portal_wal"  # the person's last change's WAL position; only routes that person's own reads

T = TypeVar("T")

# The alias reads go to inside `reads()` (None: the router's default, the primary), and the WAL position the
# current request's person must see (None: they changed nothing lately).
_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica_reading", default=None)
_must_see: contextvars.ContextVar[int | None] = contextvars.ContextVar("replica_must_see", default=None)


class Router:
    """Writes and migrations on the primary; reads on the primary unless `reads()` chose the replica."""

    def db_for_read(self, model, **hints):
        return _reading.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is the primary's copy: its rows are the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def configured() -> bool:
    return REPLICA in settings.DATABASES and settings.DATABASE_REPLICA_READS


# -- the replica's health, sampled at most every DATABASE_REPLICA_CHECK_SECONDS per process -------------------


class _Health:
    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")  # time.monotonic() of the last sample
        self.usable = False
        self.replayed = 0  # the replica's replay position then (bytes of WAL)
        self.down_until = float("-inf")

    def forget(self):
        with self.lock:
            self.checked_at, self.usable, self.replayed, self.down_until = float("-inf"), False, 0, float("-inf")


_health = _Health()


def lsn(text: str | None) -> int:
    """A WAL position ('16/B374D848') as a number of bytes."""
    if not text:
        return 0
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def primary_position() -> int:
    """Where the primary's WAL is now: everything committed so far is before it."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")  # commits not yet flushed included
        return lsn(cursor.fetchone()[0])


# Where the replica is: in recovery at all, replayed up to where, how long since it replayed a transaction, and
# whether it is streaming with nothing received left to replay (the WAL receiver's row is visible to any role;
# its details are not, and are not needed).
CURRENT_POSITION = """
SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
       COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')::float,
       EXISTS (SELECT FROM pg_stat_wal_receiver)
         AND COALESCE(pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn(), false)
"""


def _sample() -> tuple[bool, int] | None:
    """(usable, replayed position) of the replica now, asking both servers; None if it does not answer (it is
    then marked down for DATABASE_REPLICA_RETRY_SECONDS)."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(CURRENT_POSITION)
            recovering, replayed_text, seconds_since_replay, replayed_all_received = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("The replica is not answering (%s); reading from the primary", type(error).__name__)
        mark_down()
        return None
    primary = primary_position()  # the primary's failure is its own, and no reason to leave the replica alone
    replayed = lsn(replayed_text)
    usable = bool(recovering) and (
        seconds_since_replay <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        or (replayed_all_received and primary - replayed <= settings.DATABASE_REPLICA_MAX_LAG_BYTES)
    )
    if not usable:
        logger.info("The replica is behind (%.0f s since its last replay, %d bytes); reading from the primary",
                    seconds_since_replay, max(primary - replayed, 0))  # fmt: skip
    return usable, replayed


def mark_down() -> None:
    """The replica failed a reader: nobody reads it for DATABASE_REPLICA_RETRY_SECONDS."""
    with contextlib.suppress(Exception):
        connections[REPLICA].close()
    with _health.lock:
        _health.usable = False
        _health.down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS


def _has(position: int, *, fresh: bool = False) -> bool:
    """Whether the replica is usable and has replayed `position`: from the process's last sample while it is recent
    and enough, else from a new one."""
    now = time.monotonic()
    with _health.lock:
        if now < _health.down_until:
            return False
        recent = now - _health.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS
        if recent and not fresh and (not _health.usable or _health.replayed >= position):
            return _health.usable
    sample = _sample()
    if sample is None:
        return False  # down: tried again after DATABASE_REPLICA_RETRY_SECONDS
    usable, replayed = sample
    with _health.lock:
        _health.checked_at, _health.usable, _health.replayed = time.monotonic(), usable, replayed
    return usable and replayed >= position


def _choose(position: int, *, wait: float) -> str:
    if not configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if _has(position):
        return REPLICA
    deadline = time.monotonic() + wait
    # Behind, not down: asked again every tenth of a second until the wait is over (its replay may be held up only
    # for a moment, however old its last transaction: the primary may have been idle before this job's change).
    while time.monotonic() < deadline and time.monotonic() >= _health.down_until:
        time.sleep(0.1)
        if _has(position, fresh=True):
            return REPLICA
    return DEFAULT_DB_ALIAS


@contextlib.contextmanager
def reads(*, job: bool = False) -> Iterator[str]:
    """Inside, reads go to the replica when it has what this reader must see (see the module's docstring), and
    to the primary otherwise; yields the alias chosen. `job=True`: a job's reads, which must see everything
    committed before it started; otherwise a person's, who must see their own last change."""
    if not configured():
        yield DEFAULT_DB_ALIAS
        return
    if job:
        try:
            position, wait = primary_position(), settings.DATABASE_REPLICA_WAIT_SECONDS
        except DatabaseError:
            position, wait = None, 0
        alias = DEFAULT_DB_ALIAS if position is None else _choose(position, wait=wait)
    else:
        alias = _choose(_must_see.get() or 0, wait=0)
    token = _reading.set(alias)
    try:
        yield alias
    finally:
        _reading.reset(token)


@contextlib.contextmanager
def on_primary() -> Iterator[None]:
    """Inside `reads()`, what must read the primary after all (a read of what this code just wrote)."""
    token = _reading.set(None)
    try:
        yield
    finally:
        _reading.reset(token)


def fall_back(read: Callable[[], T], *, job: bool = False) -> T:
    """`read()` inside `reads()`; if the replica fails it part-way (it stopped or restarted, or cancelled the query
    to replay the primary's changes), the replica is left alone for a while and `read()` runs again on the
    primary. `read` must be safe to run twice (a count, or work that skips what it already did)."""
    with reads(job=job) as alias:
        if alias == DEFAULT_DB_ALIAS:
            return read()
        try:
            # Connected first: a replica that cannot be reached fails here, so an error later with its connection
            # still sound is the primary's (a read inside `read()` that stayed there), and is raised as it is.
            connections[REPLICA].ensure_connection()
            return read()
        except (OperationalError, InterfaceError) as error:
            if not _replica_failed(error):
                raise
            logger.warning("A read on the replica failed (%s); reading from the primary", type(error).__name__)
            mark_down()
    return read()


def _replica_failed(error: DatabaseError) -> bool:
    """Whether the error was the replica's: its connection is gone, or it cancelled a query for recovery (40001: on
    the primary, whose transactions are READ COMMITTED, no query fails with it)."""
    code = getattr(getattr(error.__cause__, "diag", None), "sqlstate", None)
    connection = connections[REPLICA]
    gone = connection.connection is None or not connection.is_usable()
    return gone or code == "40001"


# -- a person's own last change -------------------------------------------------------------------------------


class ReadYourWritesMiddleware:
    """After a request that could have changed something (not GET, HEAD or OPTIONS, and not refused: a 4xx or 5xx
    saved nothing) the primary's WAL position is kept in a cookie for DATABASE_REPLICA_STICKY_SECONDS; while it
    is, that person's replica reads wait for the replica to have replayed it (else they read the primary). The cookie carries a position in a log and nothing
    of the person, signed: a changed one is ignored."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        token = _must_see.set(_position_in(request))
        try:
            response = self.get_response(request)
        finally:
            _must_see.reset(token)
        if request.method not in self.SAFE and response.status_code < 400:  # a refused request changed nothing
            try:
                position = primary_position()
            except DatabaseError:
                return response
            response.set_signed_cookie(COOKIE, f"{position:x}", salt=COOKIE,
                                       max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
                                       secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")  # fmt: skip
        return response


def _position_in(request) -> int | None:
    """The position in the request's cookie, if the portal signed it in the last DATABASE_REPLICA_STICKY_SECONDS
    (a made-up one would have each of that person's pages ask the replica where it is)."""
    value = request.get_signed_cookie(COOKIE, default="", salt=COOKIE,
                                      max_age=settings.DATABASE_REPLICA_STICKY_SECONDS)  # fmt: skip
    if not value or len(value) > 16:
        return None
    try:
        return int(value, 16)
    except ValueError:
        return None
