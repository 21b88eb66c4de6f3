"""Search from anywhere on a phone (issue 17): at 390px the header's box is there, within the screen, and finds a
case; at 1366px it sits beside the name. No page grows wider than the screen for it."""

import pytest

from .browser import accessibility_problems, shot, sign_in
from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def agency():
    agency, manager = agency_with_manager(public_name="Golden Poppy Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    case = delegate(
        ConsumerCaseFactory(first_name="Araceli", last_name="Quillfeather"), agent=rosa, agency=agency
    ).case
    return {"manager": manager, "rosa": rosa, "case": case}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [390, 1366])
def test_the_header_search_is_reachable_and_finds_a_case(page, agency, width):
    sign_in(page, agency["manager"].user)
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    for path in ["/today/", "/agency/", "/book/", "/delegations/mine/"]:
        page.goto(path)
        box = page.get_by_role("search", name="Search from anywhere").get_by_role("searchbox")
        assert box.is_visible(), path
        left, right = page.evaluate(
            "(() => { const r = document.getElementById('header-search-q').getBoundingClientRect();"
            " return [r.left, r.right]; })()"
        )
        assert left >= 0 and right <= width, f"{path}: the box runs off the screen ({left}, {right})"
        assert overflow(page) <= 1, f"{path} is {overflow(page)}px wider than the screen"
    box.focus()
    box.fill("Quillfeather")
    box.press("Enter")
    page.wait_for_url("**/search/?q=Quillfeather")
    assert page.get_by_role("link", name="Quillfeather, Araceli").is_visible()
    assert overflow(page) <= 1, f"the results are {overflow(page)}px wider than the screen"
    problems = accessibility_problems(page)
    assert not problems, "\n".join(problems)
    shot(page, f"search-{width}")
    assert not page.problems, page.problems
