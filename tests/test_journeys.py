"""End-to-end journeys in a real browser: Debian's headless Chromium driven by Playwright against the live
portal. Each journey keeps screenshots of its key pages in test-artifacts/, fails on console errors and
Content-Security-Policy violations, and runs axe-core on the pages it passes through."""

import datetime
import re

import pytest
from openpyxl import load_workbook

from delegations.models import Delegation

from .browser import accessibility_problems, shot, sign_in
from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def expect_accessible(page, name):
    problems = accessibility_problems(page)
    assert not problems, f"{name}: " + "\n".join(problems)


@pytest.fixture
def agency():
    agency, manager = agency_with_manager(public_name="Golden Poppy Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    li = agent_in(agency, first_name="Wei", last_name="Li")
    cases = [delegate(ConsumerCaseFactory(last_name=f"Journey{n}"), agent=rosa, agency=agency).case for n in range(3)]
    return {"agency": agency, "manager": manager, "rosa": rosa, "li": li, "cases": cases}


def test_a_manager_adds_an_agent_moves_a_book_makes_an_agent_inactive_and_exports(page, agency):
    page.on("dialog", lambda dialog: dialog.accept())  # "Move these delegations now?" and the like
    sign_in(page, agency["manager"].user)
    assert page.get_by_role("heading", level=1).first.is_visible()
    shot(page, "1-agency-home")
    expect_accessible(page, "agency home")

    page.goto("/agency/agents/add/")
    page.get_by_label("License number").fill("1Z12345")
    page.get_by_label("First name").fill("Mateo")
    page.get_by_label("Last name").fill("Quintero")
    page.get_by_label("E-mail").fill("mateo.quintero@example.com")
    page.get_by_label("Phone").fill("916-555-0188")
    shot(page, "2-add-new-agent")
    expect_accessible(page, "Add New Agent")
    page.get_by_role("button", name="Add New Agent").click()
    page.wait_for_load_state()
    assert "Quintero" in page.content() and "1Z12345" in page.content()
    shot(page, "3-new-agent")

    rosa, li = agency["rosa"], agency["li"]
    page.goto(f"/agency/agents/{rosa.pk}/")
    page.get_by_role("link", name="Transfer this agent's delegations").click()
    page.get_by_label("Transfer to").select_option(label=f"{li.last_name}, {li.first_name} ({li.license_number})")
    shot(page, "4-transfer")
    expect_accessible(page, "transfer")
    page.get_by_role("button", name="Transfer").click()
    page.wait_for_load_state()
    assert Delegation.objects.filter(agent=li, status="active").count() == 3
    page.goto(f"/agency/agents/{rosa.pk}/")
    page.get_by_role("button", name="Make Inactive").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Make Active").is_visible()
    shot(page, "5-agent-inactive")

    page.goto("/book/")
    expect_accessible(page, "Book of Business")
    shot(page, "6-book-of-business")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export to Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(handle).active
    case_numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert case_numbers == {case.case_number for case in agency["cases"]}
    assert not page.problems, page.problems


def test_a_manager_acts_on_behalf_of_an_agent_and_stops(page, agency):
    sign_in(page, agency["manager"].user)
    li = agency["li"]
    page.goto(f"/agency/agents/{li.pk}/")
    page.get_by_role("button", name=f"Act on behalf of {li.first_name}").click()
    page.wait_for_load_state()
    banner = page.locator(".acting-banner")
    assert banner.is_visible() and f"Acting on behalf of {li.first_name} {li.last_name}" in banner.inner_text()
    shot(page, "1-acting-on-behalf")
    expect_accessible(page, "acting on behalf")
    page.get_by_role("button", name="Stop acting on behalf").click()
    page.wait_for_load_state()
    assert page.locator(".acting-banner").count() == 0
    shot(page, "2-stopped")
    assert not page.problems, page.problems


def test_the_public_finds_help_by_zip_and_language(page, agency):
    page.goto("/find-local-help/")
    page.get_by_label("ZIP code").fill("95814")
    shot(page, "1-find-local-help")
    expect_accessible(page, "Find Local Help")
    page.get_by_role("button", name=re.compile("Search|Find", re.I)).first.click()
    page.wait_for_load_state()
    shot(page, "2-results")
    expect_accessible(page, "Find Local Help results")
    assert not page.problems, page.problems


def test_journey_dates_are_today():
    # The journeys run on today's clock: the live server and the browser share it.
    assert datetime.date.today().year >= 2026
