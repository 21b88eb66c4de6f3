"""End-to-end journeys in a real browser: Debian's headless Chromium driven by Playwright against the live
portal. Each journey keeps screenshots of its key pages in test-artifacts/, fails on console errors and
Content-Security-Policy violations, and runs axe-core on the pages it passes through."""

import csv
import datetime
import re

import pytest
from openpyxl import load_workbook

from delegations.models import Delegation

from .browser import accessibility_problems, shot, sign_in
from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate

# The live server needs committed data, so each journey runs in a transactional test (pytest-django runs
# those last; each ends by emptying the tables, data migrations' rows included).
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
    page.get_by_label(re.compile(r"^License number")).fill("1Z12345")
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
    page.get_by_label(f"All 3 active delegations {rosa.full_name} holds").check()
    shot(page, "4-transfer")
    expect_accessible(page, "transfer")
    page.get_by_role("button", name="Review the transfer").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"3 cases will move to {li.full_name}.").is_visible()
    expect_accessible(page, "transfer review")
    page.get_by_role("button", name=f"Transfer 3 cases to {li.full_name}").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"3 cases were transferred to {li.full_name}.").is_visible()
    assert Delegation.objects.filter(agent=li, status="active").count() == 3
    page.goto(f"/agency/agents/{rosa.pk}/")
    page.get_by_role("button", name="Make Inactive").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"{rosa.full_name} is Inactive in your agency.").is_visible()
    assert rosa.license_number not in page.locator("main table").first.inner_text(), "off the roster"
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


def test_an_agent_accepts_a_delegation_uploads_a_document_and_reports_a_change(page, agency, tmp_path):
    rosa = agency["rosa"]
    pending = delegate(ConsumerCaseFactory(first_name="Ana", last_name="Pending"), agent=rosa,
                       agency=agency["agency"], status="pending")  # fmt: skip
    sign_in(page, rosa.user)
    page.goto("/delegations/mine/?status=pending")
    shot(page, "1-pending-requests")
    expect_accessible(page, "pending requests")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    pending.refresh_from_db()
    assert pending.status == "active"

    page.goto(f"/cases/{pending.case_id}/")
    shot(page, "2-case")
    expect_accessible(page, "case page")
    proof = tmp_path / "paystub.pdf"
    proof.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    page.get_by_label("Kind of document").select_option(label="Proof of income")
    page.get_by_label("File").set_input_files(str(proof))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    assert pending.case.documents.count() == 1
    assert "paystub.pdf" in page.content()

    shot(page, "2b-after-upload")
    page.get_by_role("combobox", name=re.compile("^What changed")).select_option(label="Phone")
    page.get_by_label("New phone").fill("(916) 555-0142")
    page.get_by_label("Since").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Report the change").click()
    page.wait_for_load_state()
    pending.case.refresh_from_db()
    assert pending.case.phone == "916-555-0142"
    shot(page, "3-change-reported")
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="Report the change").is_hidden(), "printing leaves out the forms"
    assert page.locator(".site-header").is_hidden() and page.get_by_text(pending.case.case_number).first.is_visible()
    shot(page, "4-printed-case")
    page.emulate_media(media="screen")
    assert not page.problems, page.problems


def test_a_consumer_finds_help_by_zip_and_language_and_asks_for_it(page, agency):
    from agents.models import Language
    from consumers.services import generate_access_code

    from .factories import AgencyLocationFactory, UserFactory

    helper = agency["li"]
    location = AgencyLocationFactory(agency=agency["agency"], zip_code="95814", county="Sacramento",
                                     city="Sacramento", name="Capitol office")  # fmt: skip
    # Languages come from a data migration, which an earlier journey's truncation may have removed.
    helper.languages.set([Language.objects.get_or_create(code=code)[0] for code in ("en", "es")])
    helper.subsite_locations.add(location)
    case = ConsumerCaseFactory(first_name="Lucía", last_name="Ramos")
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={"dob": True})

    page.goto("/find-local-help/")
    page.get_by_label("ZIP code").fill("95814")
    page.get_by_label("Language spoken").select_option(value="es")
    shot(page, "1-find-local-help")
    expect_accessible(page, "Find Local Help")
    page.get_by_role("button", name=re.compile("Search|Find", re.I)).first.click()
    page.wait_for_load_state()
    assert "Capitol office" in page.content()
    shot(page, "2-results")
    expect_accessible(page, "Find Local Help results")
    page.get_by_role("link", name=f"Ask {helper.first_name} for help").click()
    page.get_by_label("Case number").fill(case.case_number)
    page.get_by_label("Access code").fill(code)
    shot(page, "3-request-help")
    expect_accessible(page, "request help")
    page.get_by_role("button", name=re.compile("Ask|Send|Request", re.I)).first.click()
    page.wait_for_load_state()
    shot(page, "4-request-sent")
    assert Delegation.objects.filter(case=case, agent=helper, status="pending").exists()
    assert not page.problems, page.problems


def test_an_agent_signs_in_to_the_extranet_and_downloads_an_extract(page, agency):
    from bookofbusiness.extracts import week_of, write_owner_extracts
    from extranet import services

    rosa = agency["rosa"]
    account = services.account_for(rosa)
    services.set_password(account, "Harbor-Light-2026!", how="onboarding")
    week = week_of(datetime.date.today())
    write_owner_extracts(scope="agent", owner_ids=[rosa.pk], week=week)

    page.goto("/extranet/")
    shot(page, "1-extranet-sign-in")
    expect_accessible(page, "extranet sign-in")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill("Harbor-Light-2026!")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    shot(page, "2-extranet-files")
    expect_accessible(page, "extranet files")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download Book of Business .* csv")).click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert {row[0] for row in rows[1:]} == {case.case_number for case in agency["cases"]}
    assert not page.problems, page.problems


MAIN_PAGES = {
    "public": ["/accounts/login/", "/accounts/password/reset/", "/find-local-help/", "/help/", "/help/cases/",
               "/extranet/sign-in/", "/extranet/reset/"],
    "manager": ["/agency/", "/agency/agents/", "/agency/agents/{rosa}/", "/agency/agents/add/", "/agency/staff/",
                "/agency/delegations/", "/agency/account/", "/book/", "/book/?due_within=30", "/mailbox/",
                "/security/", "/delegations/mine/", "/agent/profile/", "/search/?q=Journey", "/search/?q=Li"],
    "agent": ["/delegations/mine/", "/delegations/mine/?status=pending", "/cases/{case}/", "/book/",
              "/agent/profile/", "/cases/new/"],
}  # fmt: skip


def test_every_main_page_passes_axe_core(page, agency):
    """No serious or critical WCAG 2.1 AA violation on any main page, for the public, a manager and an agent."""
    ids = {"rosa": agency["rosa"].pk, "case": agency["cases"][0].pk}
    failures = []
    for who, paths in MAIN_PAGES.items():
        if who == "manager":
            sign_in(page, agency["manager"].user)
        elif who == "agent":
            page.context.clear_cookies()
            sign_in(page, agency["rosa"].user)
        for path in paths:
            response = page.goto(path.format(**ids))
            assert response.status == 200, (who, path, response.status)
            failures += [f"{who} {path}: {problem}" for problem in accessibility_problems(page)]
        shot(page, f"{who}-last-page")
    assert not failures, "\n".join(failures)
    assert not page.problems, page.problems


def test_the_keyboard_reaches_the_content_first_and_pages_fit_a_tablet(page, agency):
    page.goto("/find-local-help/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), "the first Tab is the skip link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "skipping lands in the content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", "focus is visible"

    sign_in(page, agency["manager"].user)
    page.set_viewport_size({"width": 820, "height": 1180})
    for path in ["/agency/", "/agency/agents/", "/book/", f"/cases/{agency['cases'][0].pk}/", "/help/cases/"]:
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a tablet"
    shot(page, "tablet-case")
