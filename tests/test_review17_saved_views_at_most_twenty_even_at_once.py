"""Review of issue 17 (race on an "at most" rule): a person keeps at most SavedView.MAX_PER_PERSON saved views and
one name once, but SavedViewForm checks both with a read (count(), name__iexact) and the database holds neither
the limit nor a case-insensitive name: saves that overlap (two tabs, a double submit) all pass the check. Here the
saves are released together after each request has been validated (a barrier in SavedViewForm.save), as they are
when requests overlap; the same name twice then fails on the unique constraint with a 500."""

import contextlib
import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from bookofbusiness.forms import SavedViewForm
from bookofbusiness.models import SavedView

from .factories import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def save_at_once(monkeypatch, user, names):
    barrier = threading.Barrier(len(names), timeout=10)
    original = SavedViewForm.save

    def save_when_all_checked(self, *args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SavedViewForm, "save", save_when_all_checked)
    statuses = []

    def post(name):
        close_old_connections()
        try:
            client = sign_in(Client(raise_request_exception=False), user)
            statuses.append(client.post("/book/?overdue=on", {"name": name}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_saves_at_once_never_keep_more_than_the_most_one_person_may(monkeypatch, book):
    user = book["manager"].user
    for n in range(SavedView.MAX_PER_PERSON - 1):
        SavedView.objects.create(owner=user, name=f"View {n}", query="")
    save_at_once(monkeypatch, user, ["Late A", "Late B", "Late C"])
    assert SavedView.objects.filter(owner=user).count() <= SavedView.MAX_PER_PERSON


def test_the_same_name_saved_twice_at_once_is_kept_once_and_never_a_server_error(monkeypatch, book):
    user = book["manager"].user
    statuses = save_at_once(monkeypatch, user, ["Overdue", "Overdue"])
    assert all(status < 500 for status in statuses), statuses
    assert SavedView.objects.filter(owner=user, name__iexact="overdue").count() == 1


def test_names_differing_only_in_case_saved_at_once_are_kept_once(monkeypatch, book):
    user = book["manager"].user
    save_at_once(monkeypatch, user, ["Overdue", "OVERDUE"])
    assert SavedView.objects.filter(owner=user, name__iexact="overdue").count() == 1, (
        "the form refuses these one by one"
    )
