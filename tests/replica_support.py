"""The streaming replica `make test` runs beside the test PostgreSQL (scripts/services.sh, SERVICES_REPLICA=1).

Reads leave the primary only in tests marked `@pytest.mark.replica` (everywhere else the suite reads and writes
the one database, inside each test's transaction, which no replica could see). A replica test takes the replica
for itself across the parallel workers (a file lock), since it may pause, cut or stop it, and leaves it caught up.
"""

import contextlib
import fcntl
import os
import subprocess
import time

import psycopg
import pytest
from django.db import connections
from django.test import override_settings

from portal import replica


@pytest.fixture(autouse=True)
def _reads_leave_the_primary_only_in_replica_tests(request):
    # Not pytest-django's `settings`: asked for here, by every test, it would be set up before the other autouse
    # fixtures and so undone after them (the cache's own teardown would then still see a test's CACHES).
    replica._health.forget()
    if request.node.get_closest_marker("replica") is None:
        with override_settings(DATABASE_REPLICA_READS=False):
            yield
    else:
        yield
    replica._health.forget()


class Replica:
    """The test PostgreSQL's hot standby: pause and resume its replay, cut its connections, stop and start it."""

    def __init__(self):
        self.port = int(os.environ["TEST_PG_REPLICA_PORT"])
        self.primary_port = int(os.environ["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0])
        self.pg_bin = os.environ["TEST_PG_BIN"]
        self.data = os.path.join(os.environ["TEST_SERVICES_DIR"], "replica")

    def sql(self, statement, *, port=None):
        with psycopg.connect(host="127.0.0.1", port=port or self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=5) as connection:  # fmt: skip
            return connection.execute(statement).fetchall()

    def pause_replay(self):
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self):
        self.sql("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout=30):
        """Wait until the replica has replayed everything the primary has written."""
        target = self.sql("SELECT pg_current_wal_insert_lsn()", port=self.primary_port)[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.OperationalError):
                if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
                    return
            time.sleep(0.05)
        raise AssertionError("the replica did not catch up")

    def cut_connections(self):
        """End every connection the portal has to the replica, as a restart of the replica does."""
        self.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'portal_app'")

    def pg_ctl(self, *args):
        command = [f"{self.pg_bin}/pg_ctl", "-D", self.data, *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        self.pg_ctl("-w", "-t", "120", "-l", os.path.join(self.data, "server.log"), "start")

    def running(self):
        try:
            self.sql("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True


@pytest.fixture
def the_replica():
    """The replica, taken from the other parallel workers for this test; caught up, replaying and running after."""
    if not os.environ.get("TEST_PG_REPLICA_PORT") or "replica" not in connections.settings:
        pytest.fail("The replica tests need the replica `make test` starts (scripts/services.sh, SERVICES_REPLICA=1).")
    server = Replica()
    with open(os.path.join(os.environ["TEST_SERVICES_DIR"], "replica-tests.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            server.caught_up()
            yield server
        finally:
            if not server.running():
                server.start()
            server.resume_replay()
            server.caught_up()
            connections["replica"].close()
            fcntl.flock(lock, fcntl.LOCK_UN)
