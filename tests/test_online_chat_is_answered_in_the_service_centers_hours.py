"""Online Chat is answered Monday to Friday, 8:00 to 18:00 Pacific, except the days the service center marks closed;
outside them the page says when chat opens again and offers a Secure Mailbox message, in English and Spanish."""

import datetime

import pytest

from servicecenter import hours, services
from servicecenter.models import ClosedDay, Conversation

from .chat_support import EVENING, OPEN, PACIFIC
from .factories import agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime.datetime(*args, tzinfo=PACIFIC)


@pytest.mark.parametrize(
    ("moment", "is_open", "opens"),
    [
        (at(2026, 12, 8, 10, 0), True, at(2026, 12, 8, 10, 0)),  # Tuesday morning
        (at(2026, 12, 8, 7, 59), False, at(2026, 12, 8, 8, 0)),  # before opening
        (at(2026, 12, 8, 18, 0), False, at(2026, 12, 9, 8, 0)),  # closing time is closed
        (at(2026, 12, 11, 18, 30), False, at(2026, 12, 14, 8, 0)),  # Friday evening: Monday
        (at(2026, 12, 12, 12, 0), False, at(2026, 12, 14, 8, 0)),  # Saturday
        (at(2027, 3, 14, 9, 0), False, at(2027, 3, 15, 8, 0)),  # the Sunday clocks spring forward
        (at(2027, 3, 15, 8, 0), True, at(2027, 3, 15, 8, 0)),  # Monday 8:00 PDT
    ],
)
def test_the_hours_are_pacific_weekdays_from_eight_to_six(moment, is_open, opens):
    assert hours.is_open(moment) is is_open
    assert hours.next_opening(moment) == opens


def test_a_day_marked_closed_is_skipped():
    ClosedDay.objects.create(day=datetime.date(2026, 12, 24), reason="Christmas Eve")
    ClosedDay.objects.create(day=datetime.date(2026, 12, 25), reason="Christmas Day")
    assert not hours.is_open(at(2026, 12, 24, 10, 0))
    assert hours.next_opening(at(2026, 12, 23, 18, 5)) == at(2026, 12, 28, 8, 0)


def test_the_same_moment_read_in_utc_is_the_same_answer():
    moment = at(2026, 12, 8, 17, 59).astimezone(datetime.UTC)  # 01:59 UTC on Wednesday
    assert hours.is_open(moment)


@pytest.mark.frozen_at(EVENING)
def test_after_hours_the_page_says_when_chat_opens_and_offers_the_mailbox(client):
    agency, _manager = agency_with_manager()
    agent = agent_in(agency)
    sign_in(client, agent.user)
    page = client.get("/chat/").content.decode()
    assert "Online Chat is closed now" in page
    assert "Chat opens again on Wednesday, Dec. 9, 2026 at 8 a.m. Pacific time." in page
    assert 'href="/mailbox/service-center/write/"' in page or "Write to the Service Center" in page
    response = client.post("/chat/start/", {"language": "en"}, follow=True)
    assert "Online Chat is closed now." in response.content.decode()
    assert not Conversation.objects.exists()


@pytest.mark.frozen_at(EVENING)
def test_after_hours_the_page_says_it_in_spanish(client):
    agency, _manager = agency_with_manager()
    agent = agent_in(agency)
    agent.user.preferred_language = "es"
    agent.user.save()
    sign_in(client, agent.user)
    page = client.get("/chat/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "El Chat en línea está cerrado ahora" in page
    assert "miércoles" in page and "9 de diciembre de 2026" in page


@pytest.mark.frozen_at(at(2026, 12, 24, 11, 0))
def test_on_a_closed_day_the_page_says_why(client):
    ClosedDay.objects.create(day=datetime.date(2026, 12, 24), reason="Christmas Eve")
    agency, _manager = agency_with_manager()
    sign_in(client, agent_in(agency).user)
    page = client.get("/chat/").content.decode()
    assert "The service center is closed today (Christmas Eve)." in page
    assert "Chat opens again on Monday, Dec. 28, 2026" not in page  # the 25th is not marked: the 25th it is
    assert "Friday, Dec. 25, 2026" in page


@pytest.mark.frozen_at(OPEN)
def test_in_hours_a_person_starts_a_chat_and_lands_in_it(client):
    agency, _manager = agency_with_manager()
    agent = agent_in(agency)
    sign_in(client, agent.user)
    page = client.get("/chat/").content.decode()
    assert "Start a chat" in page
    response = client.post("/chat/start/", {"language": "es"})
    assert response.status_code == 302
    chat = Conversation.objects.get(person=agent.user)
    assert chat.language == "es"
    assert f'data-socket-path="/ws/chat/{chat.pk}/"' in client.get("/chat/").content.decode()
    services.close(conversation=chat, by=agent.user)
