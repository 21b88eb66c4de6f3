"""Every main page on a phone (390×844) and on a laptop (1366×768), in English and in Spanish (issue 18): no page
wider than its screen; on the phone the menu waits behind one button and tables become one card per row; on
the laptop the menu is one row. Each page's screenshot is kept in test-artifacts/ at both sizes and in both
languages."""

import datetime

import pytest
from playwright.sync_api import expect

from agents.models import Agent
from consumers.models import Verification

from .browser import shot, sign_in
from .factories import (
    AgencyLocationFactory,
    ConsumerCaseFactory,
    EnrollmentFactory,
    VerificationFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    consumer,
    delegate,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def agency():
    agency, manager = agency_with_manager(public_name="Servicios de Seguros Golden Poppy del Valle Central")
    location = AgencyLocationFactory(agency=agency)
    rosa = agent_in(agency, first_name="Rosa María", last_name="Delgado-Villaseñor")
    rosa.subsite_locations.add(location)  # listed in Find Local Help: her request page (and its consent) exists
    agent_in(agency, first_name="Wei", last_name="Li")
    pending = agent_in(agency, first_name="Pat", last_name="Pendergrass")
    Agent.objects.filter(pk=pending.pk).update(certification_status="pending", certified_on=None)
    cases = []
    for n in range(4):
        case = ConsumerCaseFactory(first_name="Maximiliano Alejandro", last_name=f"Quintessa-Ottoline{n}",
                                   email=f"maximiliano.alejandro.quintessa{n}@example.com")  # fmt: skip
        EnrollmentFactory(case=case)
        VerificationFactory(case=case, kind=Verification.Kind.INCOME, due_date=datetime.date(2026, 11, 1))
        delegate(case, agent=rosa, agency=agency)
        cases.append(case)
    delegate(agent=rosa, agency=agency, status="pending")
    staff = admin_staff_in(agency, can_view_roster=True, can_view_book=True)
    return {"agency": agency, "manager": manager, "rosa": rosa, "case": cases[0], "staff": staff,
            "consumer": consumer(cases[0], first_name="Maximiliano Alejandro"), "new_consumer": consumer()}  # fmt: skip


PAGES = {
    "public": ["/accounts/login/", "/accounts/password/reset/", "/find-local-help/", "/find-local-help/?zip=93721",
               "/help/", "/help/cases/", "/extranet/sign-in/", "/extranet/reset/", "/find-local-help/{rosa}/request/",
               "/accounts/signup/", "/accounts/confirm-email/"],
    "manager": ["/today/", "/agency/", "/agency/agents/", "/agency/agents/{rosa}/", "/agency/agents/add/",
                "/agency/staff/", "/agency/delegations/", "/agency/account/", "/book/", "/book/?due_within=30",
                "/book/?cols=case&cols=language&cols=county&cols=household&cols=issuer&cols=tier&cols=premium"
                "&cols=net&cols=status&cols=renewal&cols=delegated&cols=follow_up",
                "/cases/{case}/", "/mailbox/", "/security/", "/search/?q=Quintessa", "/delegations/mine/",
                "/agent/profile/", "/delegations/transfer/{rosa}/", "/mailbox/service-center/write/",
                "/mailbox/service-center/"],
    "agent": ["/today/", "/delegations/mine/", "/delegations/mine/?status=pending", "/cases/{case}/", "/book/",
              "/agent/profile/", "/cases/new/", "/chat/"],
    "staff": ["/agency/", "/agency/agents/", "/book/", "/cases/{case}/"],
    "consumer": ["/my-case/", "/my-case/helpers/", "/find-local-help/{rosa}/request/", "/security/", "/mailbox/",
                 "/mailbox/service-center/write/", "/chat/"],
    "new_consumer": ["/my-case/link/"],
}  # fmt: skip


def wider_than_the_screen(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


OFFENDERS = """() => Array.from(document.querySelectorAll('main *, header *')).filter(e => {
  const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 && r.width > 0
    && !e.closest('.table-wrap, .visually-hidden, .chart-links');
}).slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' +
  (e.textContent || '').trim().slice(0, 40))"""


def visit_all(page, agency, who, language):
    """Every page of `who` at both sizes: nothing sideways; the screenshots kept; what overflows, said."""
    ids = {"rosa": agency["rosa"].pk, "case": agency["case"].pk}
    problems = []
    for size_name, size in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(size)
        for path in PAGES[who]:
            response = page.goto(path.format(**ids))
            assert response.status == 200, (who, path, response.status)
            if (wider := wider_than_the_screen(page)) > 1:
                problems.append(
                    f"{who} {path} in {language} is {wider}px wider than the {size_name}: {page.evaluate(OFFENDERS)}"
                )
            name = path.strip("/").replace("/", "-").replace("?", "_").split("&")[0][:60] or "home"
            shot(page, f"{who}-{language}-{size_name}-{name}")
    return problems


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_page_is_wider_than_a_phone_or_a_laptop(page, live_server, agency, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    problems = visit_all(page, agency, "public", language)
    people = (("manager", agency["manager"].user), ("agent", agency["rosa"].user), ("staff", agency["staff"]),
              ("consumer", agency["consumer"]), ("new_consumer", agency["new_consumer"]))  # fmt: skip
    for who, user in people:
        page.context.clear_cookies()
        page.set_viewport_size(LAPTOP)
        sign_in_in(page, live_server, user, language)
        problems += visit_all(page, agency, who, language)
    assert not problems, "\n".join(problems)
    assert not page.problems, page.problems


def menu_items(page):
    return page.locator("#main-nav a")


def sign_in_in(page, live_server, user, language):
    """Sign in (the journeys' helper reads the English page), then read the portal in `language`."""
    sign_in(page, user)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize("language", ["en", "es"])
def test_on_a_phone_the_menu_waits_behind_one_button(page, live_server, agency, language):
    sign_in_in(page, live_server, agency["manager"].user, language)
    page.set_viewport_size(PHONE)
    page.goto("/book/")
    assert page.evaluate("document.documentElement.lang") == language
    toggle = page.locator(".menu-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert toggle.inner_text().strip() == ("Menu" if language == "en" else "Menú")
    links = menu_items(page)
    assert links.count() >= 8 and not links.first.is_visible(), "the menu is shut"
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header < 180, f"the header takes {header}px of an 844px screen"
    # Still in sight: the phone number, the language, the search.
    assert page.get_by_role("link", name="1-800-300-1506").is_visible()
    assert page.locator("button[name=language]").is_visible()
    assert page.locator("#header-search-q").is_visible()
    shot(page, f"menu-shut-{language}")

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert links.first.is_visible() and links.last.is_visible()
    lefts = {round(links.nth(n).bounding_box()["x"]) for n in range(links.count())}
    assert len(lefts) == 1, "open, the menu is one column"
    assert wider_than_the_screen(page) <= 1
    shot(page, f"menu-open-{language}")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not links.first.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')"), "Escape gives the focus back"

    toggle.click()
    book = "Book of Business" if language == "en" else "Cartera de Clientes"
    menu_items(page).get_by_text(book, exact=True).click()
    page.wait_for_url("**/book/")
    assert not page.problems, page.problems


@pytest.mark.parametrize("language", ["en", "es"])
def test_on_a_laptop_the_whole_menu_is_one_row(page, live_server, agency, language):
    sign_in_in(page, live_server, agency["manager"].user, language)  # a manager and an agent: the longest menu
    page.set_viewport_size(LAPTOP)
    page.goto("/agency/")
    assert not page.locator(".menu-toggle").is_visible()
    links = menu_items(page)
    assert links.count() >= 9
    tops = {round(links.nth(n).bounding_box()["y"]) for n in range(links.count())}
    assert len(tops) == 1, f"the menu runs onto {len(tops)} rows"
    # Narrower than its items need, the menu goes behind the button rather than onto a second row.
    page.set_viewport_size({"width": 800, "height": 768})
    expect(page.locator(".menu-toggle")).to_be_visible()
    assert not links.first.is_visible()
    assert not page.problems, page.problems


def test_on_a_phone_a_table_is_one_card_per_row_with_its_labels(page, agency):
    sign_in(page, agency["manager"].user)
    page.set_viewport_size(PHONE)
    page.goto("/book/?cols=case&cols=net")
    row = page.locator("table.table tbody tr").first
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    cells = row.locator("td[data-label]")
    labels = [cells.nth(n).get_attribute("data-label") for n in range(cells.count())]
    assert labels[-3:] == ["Agent", "Case number", "Net premium"]
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('table.table tbody td[data-label]'), '::before').content"
        ).strip('"')
        in labels
    )
    # The headings stay, as the links that sort the book.
    page.get_by_role("link", name="Net premium").click()
    page.wait_for_url("**sort=net**")
    assert page.locator("table.table tbody tr").count() == 4
    # The long filter panel starts shut, and says how many filters are in use.
    page.goto("/book/?county=Fresno")
    summary = page.locator(".filter-panel > summary")
    assert summary.is_visible() and summary.inner_text() == "Filters (1 in use)"
    assert not page.locator("#id_county").is_visible()
    summary.click()
    assert page.locator("#id_county").is_visible()
    shot(page, "book-phone")
    assert not page.problems, page.problems
