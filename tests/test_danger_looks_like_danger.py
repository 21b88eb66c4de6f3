"""Buttons that take something away (Make Inactive, Decline, Remove, Withdraw) look like danger, apart from the
ones that go ahead: in a real browser, by the colours the page paints them (issue 18)."""

import pytest

from .browser import sign_in
from .factories import agency_with_manager, agent_in, delegate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

RED = "rgb(166, 27, 27)"  # --bad


def painted(page, name):
    return page.get_by_role("button", name=name).evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor, getComputedStyle(b).borderColor]"
    )


def test_make_inactive_and_decline_look_like_danger_not_like_going_ahead(page):
    agency, manager = agency_with_manager()
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    delegate(agent=manager, agency=agency, status="pending")
    sign_in(page, manager.user)
    page.goto(f"/agency/agents/{rosa.pk}/")
    danger, ahead = painted(page, "Make Inactive"), painted(page, "Act on behalf of Rosa")
    assert danger[0] == RED and danger[2] == RED, danger
    assert danger != ahead
    page.goto("/delegations/mine/?status=pending")
    decline, accept = painted(page, "Decline"), painted(page, "Accept")
    assert decline[0] == RED and decline != accept
