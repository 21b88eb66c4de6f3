"""A manager's morning in a real browser (Debian's Chromium, Playwright): Today first, the overdue items behind
its figure, a stale request given to another agent, a filtered set transferred after reading its count, a
follow-up added; then the agent finds it on their Today and marks it done. Screenshots at 1366 and 390 px."""

import datetime

import pytest
from django.utils import timezone

from consumers.models import FollowUp
from delegations.models import Delegation

from .browser import accessibility_problems, shot, sign_in
from .factories import ConsumerCaseFactory, VerificationFactory, agency_with_manager, agent_in, delegate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def expect_accessible(page, name):
    problems = accessibility_problems(page)
    assert not problems, f"{name}: " + "\n".join(problems)


@pytest.fixture
def morning():
    agency, manager = agency_with_manager(public_name="Golden Poppy Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    li = agent_in(agency, first_name="Wei", last_name="Li")
    today = timezone.localdate()
    late = []
    for n in range(3):
        case = ConsumerCaseFactory(last_name=f"Overdue{n}", county="Sacramento")
        delegate(case, agent=rosa, agency=agency)
        VerificationFactory(case=case, due_date=today - datetime.timedelta(days=4 + n))
        late.append(case)
    fresno = [delegate(ConsumerCaseFactory(last_name=f"Fresno{n}", county="Fresno"), agent=rosa, agency=agency).case
              for n in range(4)]  # fmt: skip
    stale = delegate(ConsumerCaseFactory(last_name="Waiting"), agent=rosa, agency=agency, status="pending",
                     requested_at=timezone.now() - datetime.timedelta(days=9))  # fmt: skip
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "late": late, "fresno": fresno,
            "stale": stale}  # fmt: skip


def test_a_manager_works_from_today_and_the_agent_completes_the_follow_up(page, morning):
    li = morning["li"]
    sign_in(page, morning["manager"].user)
    page.goto("/")
    page.wait_for_load_state()
    assert page.url.endswith("/today/"), "a manager lands on Today"
    expect_accessible(page, "Today")
    shot(page, "1-today")

    page.get_by_role("link", name="3 conditional-eligibility items overdue").click()
    page.wait_for_load_state()
    table = page.locator("main table").inner_text()
    assert all(case.last_name in table for case in morning["late"]) and "Fresno0" not in table
    shot(page, "2-overdue-items")

    page.goto("/today/")
    page.get_by_role("link", name="1 request waiting over 2 business days").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Give to another agent").click()
    page.get_by_label("Give it to").select_option(label=f"{li.last_name}, {li.first_name} ({li.license_number})")
    page.get_by_role("button", name="Give the request").click()
    page.wait_for_load_state()
    assert Delegation.objects.get(pk=morning["stale"].pk).agent == li
    shot(page, "3-request-given")

    page.goto("/book/?county=Fresno")
    page.get_by_label("All 4 cases matching this filter, on every page").check()
    page.get_by_label("Transfer to").select_option(label=f"{li.last_name}, {li.first_name} ({li.license_number})")
    page.get_by_role("button", name="Transfer the chosen cases…").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"4 cases will move to {li.full_name}.").is_visible()
    assert page.get_by_text(f"Rosa Delgado ({morning['rosa'].license_number}): 4").is_visible()
    expect_accessible(page, "transfer review")
    shot(page, "4-review-the-count")
    assert Delegation.objects.filter(agent=li, status="active").count() == 0, "nothing moved before confirming"
    page.get_by_role("button", name=f"Transfer 4 cases to {li.full_name}").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"4 cases were transferred to {li.full_name}.").is_visible()
    assert Delegation.objects.filter(agent=li, status="active").count() == 4

    page.goto(f"/cases/{morning['fresno'][0].pk}/")
    page.get_by_label("What to do").fill("Call about the proof of income")
    page.get_by_label("By").fill((timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Whose").select_option(value=str(li.user.pk))
    page.get_by_role("button", name="Add the follow-up").click()
    page.wait_for_load_state()
    assert page.get_by_text("The follow-up was added.").is_visible()
    shot(page, "5-follow-up-added")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/today/")
    shot(page, "6-today-at-390")
    page.goto("/book/?county=Fresno&cols=&cols=follow_up")
    shot(page, "7-book-at-390")
    assert page.locator("main table th[scope=row]").first.is_visible(), "the applicant stays in sight on a phone"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, li.user)
    page.goto("/today/")
    assert page.get_by_role("heading", name="Follow-ups due").is_visible()
    page.get_by_role("link", name=f"{morning['fresno'][0].last_name}, {morning['fresno'][0].first_name}").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Mark done").click()
    page.wait_for_load_state()
    assert page.get_by_text("The follow-up was marked done.").is_visible()
    assert FollowUp.objects.get().done_by == li.user
    shot(page, "8-follow-up-done")
