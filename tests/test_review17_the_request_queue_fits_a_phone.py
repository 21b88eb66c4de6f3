"""Review of issue 17 (a new user on a phone): Agency Delegations, now the agency's request queue, is wider than a
390px screen: its status tabs (.tabs is a flex row that never wraps; "Waiting over 2 business days" is the fourth
tab) push the page 10px past the screen in English and about 50px in Spanish ("Esperan más de 2 días hábiles"),
so the whole page scrolls sideways."""

import pytest

from .browser import shot, sign_in
from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def queue():
    agency, manager = agency_with_manager(public_name="Golden Poppy Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    for _ in range(3):
        delegate(ConsumerCaseFactory(), agent=rosa, agency=agency, status="pending")
    delegate(ConsumerCaseFactory(), agent=rosa, agency=agency)
    return {"manager": manager}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_request_queue_is_no_wider_than_a_phone(page, live_server, queue, language):
    sign_in(page, queue["manager"].user)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ["/agency/delegations/", "/agency/delegations/?status=pending&waiting=long"]:
        page.goto(path)
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        shot(page, f"queue-{language}")
        assert wider <= 1, f"{path} in {language} is {wider}px wider than the screen"
    assert not page.problems, page.problems
