"""The header's Secure Mailbox badge counts the person's unread answers from the service center (the context
processor's `unread_replies`): read once and kept with the person until an answer arrives or is read; no query and
nothing to count for someone who does not write to the service center."""

import pytest
from django.test import Client

from portal import person
from portal.models import User
from securemailbox import services
from securemailbox.selectors import unread_replies

from .factories import UserFactory, agency_with_manager, sign_in
from .securemailbox_support import chat_staff, plain_staff, written

pytestmark = pytest.mark.django_db


def test_the_count_follows_answers_and_readings():
    _agency, manager = agency_with_manager()
    me, staff = manager.user, chat_staff()
    client = sign_in(Client(), me)
    first, second = written(me, subject="First"), written(me, subject="Second")
    assert client.get("/mailbox/").context["unread_replies"] == 0
    services.answer(thread=first, staff=staff, body="One")
    services.answer(thread=second, staff=staff, body="Two")
    services.answer(thread=second, staff=staff, body="Two, again")
    assert client.get("/today/").context["unread_replies"] == 2, "threads with an unread answer"
    assert client.get(f"/mailbox/service-center/{first.pk}/").context["unread_replies"] == 1, "read on this page"
    assert client.get("/today/").context["unread_replies"] == 1


def test_the_count_is_kept_between_pages(django_assert_num_queries):
    _agency, manager = agency_with_manager()
    me = manager.user
    services.answer(thread=written(me), staff=chat_staff(), body="Answer")
    assert sign_in(Client(), me).get("/mailbox/").context["unread_replies"] == 1
    again = User.objects.get(pk=me.pk)  # the next request's user, with what is kept of them
    person.kept(again)
    with django_assert_num_queries(0):
        assert unread_replies(again) == 1


def test_nothing_is_counted_for_people_who_do_not_write_to_the_service_center():
    for user in (UserFactory(), plain_staff()):
        assert sign_in(Client(), user).get("/mailbox/").context["unread_replies"] == 0
    assert unread_replies(None) == 0
