"""The Secure Mailbox's lists with the service center (the person's mailbox and threads, the staff's messages to
answer, a thread's page) take as many queries for thirty rows as for one."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from securemailbox import services

from .factories import agency_with_manager, agent_in, sign_in
from .securemailbox_support import chat_staff, written


def queries_for(client, url) -> int:
    client.get(url)  # once a minute the page frame reads the outage notices: not counted
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["person", "staff"])
def test_a_list_takes_the_same_queries_for_one_row_as_for_thirty(who):
    agency, manager = agency_with_manager()
    people = [manager.user] + [agent_in(agency).user for _ in range(29)]
    staff = chat_staff()
    answered = services.answer(thread=written(manager.user), staff=staff, body="Answer").thread
    urls = ["/mailbox/", "/mailbox/service-center/"] if who == "person" else ["/mailbox/service-center/to-answer/"]
    client = sign_in(Client(), manager.user if who == "person" else staff)
    written(people[1])
    few = {url: queries_for(client, url) for url in urls}
    for person in people[2:] if who == "staff" else [manager.user] * 29:
        thread = written(person)
        if who == "person":
            services.answer(thread=thread, staff=staff, body="Answer")
    many = {url: queries_for(client, url) for url in urls}
    assert many == few
    if who == "person":
        for _ in range(29):
            services.reply_as_person(thread=answered, person=manager.user, body="More")
            services.answer(thread=answered, staff=staff, body="More")
        assert queries_for(client, f"/mailbox/service-center/{answered.pk}/") <= 25
