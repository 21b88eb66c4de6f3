"""Requests at once, on PostgreSQL: each in a thread of its own with its own database connection, released
together by a barrier; and password checks held open, as a slow hash (Argon2 in production) holds them, so
the requests overlap on any machine however fast it runs them.

With `held_password_checks` in use, every password check (HeldPasswordHasher) waits until each request of
the batch is either in a check of its own or answered: whatever a request decides before it checks a
password, every other request has decided too by the time any check ends."""

import threading
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import close_old_connections, connection


class PasswordChecks:
    def __init__(self):
        self.condition = threading.Condition()
        self.reset(expected=0)

    def reset(self, *, expected: int) -> None:
        with self.condition:
            self.expected, self.waiting, self.answered, self.open = expected, 0, 0, False
            self.checked: list[str] = []

    def hold(self, password: str) -> None:
        with self.condition:
            self.waiting += 1
            self.condition.notify_all()
            self.condition.wait_for(lambda: self.open or self.waiting + self.answered >= self.expected, timeout=20)
            self.open = True  # from now on every check goes straight through
            self.waiting -= 1
            self.checked.append(password)

    def request_answered(self) -> None:
        with self.condition:
            self.answered += 1
            self.condition.notify_all()

    def wait_until(self, predicate, timeout: float = 20) -> bool:
        """Wait (in the test's own thread) until predicate(self) holds."""
        with self.condition:
            return self.condition.wait_for(lambda: predicate(self), timeout=timeout)


CHECKS = PasswordChecks()


class HeldPasswordHasher(MD5PasswordHasher):
    """The suite's MD5 hasher (same algorithm, so every hash the factories made still works), holding each
    check in CHECKS."""

    def verify(self, password, encoded):
        CHECKS.hold(password)
        return super().verify(password, encoded)


@pytest.fixture
def held_password_checks(settings):
    settings.PASSWORD_HASHERS = ["tests.concurrency_support.HeldPasswordHasher"]
    CHECKS.reset(expected=0)
    yield CHECKS
    CHECKS.reset(expected=0)


class AtOnce:
    """Start `calls` together, each in a thread with its own database connection; `results()` waits for them
    and gives what each returned (or raised), in order. `expected` is how many requests the batch holds in all
    (more than `calls` when the test sends more later)."""

    def __init__(self, calls, *, expected: int | None = None):
        self.outcomes = [None] * len(calls)
        CHECKS.reset(expected=len(calls) if expected is None else expected)
        barrier = threading.Barrier(len(calls))

        def run(index, call):
            try:
                barrier.wait(timeout=20)
                self.outcomes[index] = call()
            except Exception as error:  # noqa: BLE001 - the test reads what went wrong
                self.outcomes[index] = error
            finally:
                CHECKS.request_answered()
                close_old_connections()
                connection.close()

        self.threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
        for thread in self.threads:
            thread.start()

    def results(self) -> list:
        for thread in self.threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in self.threads), "a request never finished"
        return self.outcomes


def at_once(calls) -> list:
    """Run `calls` together (see AtOnce) and give what each returned, in order."""
    return AtOnce(calls).results()


def answered(call):
    """`call`, counted as one more request of the batch in CHECKS, for a request the test's own thread makes."""
    try:
        return call()
    finally:
        CHECKS.request_answered()


def wait_for(condition, seconds=60) -> bool:
    """Whether `condition()` came true within `seconds` (another process's work, say), asked every 50 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
