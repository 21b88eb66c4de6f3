"""In the browser, in English and in Spanish, on a phone and a laptop: an Agency Manager writes to the service
center about a case of theirs from the Secure Mailbox, a member of the service center answers from the messages
to answer, and the manager reads the answer. No page is wider than its screen; each is kept as a screenshot."""

import pytest

from securemailbox.models import Thread

from .browser import accessibility_problems, shot, sign_in
from .factories import agency_with_manager, agent_in, delegate
from .securemailbox_support import chat_staff
from .test_every_page_fits_a_phone_and_a_desktop import LAPTOP, OFFENDERS, PHONE, wider_than_the_screen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def fits(page, name: str) -> list[str]:
    """The page at both sizes: what is wider than the screen, said; a screenshot of each kept."""
    problems = []
    for size_name, size in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(size)
        if (wider := wider_than_the_screen(page)) > 1:
            problems.append(f"{name} is {wider}px wider than the {size_name}: {page.evaluate(OFFENDERS)}")
        shot(page, f"{name}-{size_name}")
    page.set_viewport_size(LAPTOP)
    return problems


def in_language(page, language):
    """Read the portal in `language` through the header's switch, as a person does."""
    if language == "es":
        page.locator("button[name=language][value=es]").click()
        page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == language


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_manager_writes_and_reads_the_answer_of_the_service_center(page, language):
    agency, manager = agency_with_manager(public_name="Servicios de Seguros Golden Poppy del Valle Central")
    case = delegate(agent=agent_in(agency), agency=agency).case
    # A name no generated person has (the manager's is made up at random, and "Ana" is in "Diana" and "Santana").
    staff = chat_staff(first_name="Anaximandra", last_name="Zubiaurre")
    problems = []

    sign_in(page, manager.user)
    page.goto("/mailbox/")
    in_language(page, language)
    problems += fits(page, f"{language}-mailbox-empty")
    page.locator("a[href='/mailbox/service-center/write/']").first.click()
    page.wait_for_url("**/mailbox/service-center/write/")
    page.locator("button[type=submit].button-primary").click()  # nothing typed: refused, beside each field
    assert page.locator("#id_subject_error").is_visible() and page.locator("#id_body_error").is_visible()
    assert [problem for problem in page.problems if "400" not in problem] == []  # the refusal is a 400, as meant
    page.problems.clear()
    problems += fits(page, f"{language}-write-refused")
    page.locator("[name=subject]").fill("Renovación de la familia Quintessa-Ottoline: el formulario no abre")
    page.locator("[name=body]").fill("El formulario de renovación no abre desde ayer.\nGracias.")
    page.locator("select[name=case]").select_option(case.case_number)
    problems += fits(page, f"{language}-write")
    assert not accessibility_problems(page), accessibility_problems(page)
    page.locator("button[type=submit].button-primary").click()
    page.wait_for_url("**/mailbox/service-center/*/")
    thread = Thread.objects.get()
    assert page.get_by_text("El formulario de renovación no abre desde ayer.").is_visible()
    problems += fits(page, f"{language}-thread-waiting")

    managers_session = page.context.cookies()  # to come back to: a code is accepted once
    page.context.clear_cookies()
    sign_in(page, staff)
    page.goto("/mailbox/service-center/to-answer/")
    in_language(page, language)
    problems += fits(page, f"{language}-to-answer")
    assert not accessibility_problems(page), accessibility_problems(page)
    page.locator(f"a[href='/mailbox/service-center/to-answer/{thread.pk}/']").click()
    page.wait_for_url(f"**/to-answer/{thread.pk}/")
    assert page.get_by_text(manager.license_number).is_visible()
    assert page.get_by_role("link", name=case.case_number).is_visible()
    problems += fits(page, f"{language}-answer")
    page.locator("[name=body]").fill("Ya funciona: inténtelo de nuevo.")
    page.locator("button[type=submit].button-primary").click()
    page.wait_for_url("**/mailbox/service-center/to-answer/")
    problems += fits(page, f"{language}-to-answer-done")

    page.context.clear_cookies()
    page.context.add_cookies(managers_session)
    page.goto("/mailbox/")
    assert page.evaluate("document.documentElement.lang") == language
    assert page.locator("tr.unread").count() == 1
    problems += fits(page, f"{language}-mailbox-answered")
    page.locator(f"a[href='/mailbox/service-center/{thread.pk}/']").click()
    page.wait_for_url(f"**/mailbox/service-center/{thread.pk}/")
    assert page.get_by_text("Ya funciona: inténtelo de nuevo.").is_visible()
    for name in (staff.first_name, staff.last_name):
        assert page.get_by_text(name).count() == 0, "the person reads the Service Center, not its staff's names"
    problems += fits(page, f"{language}-thread-answered")
    assert not accessibility_problems(page), accessibility_problems(page)
    assert not problems, "\n".join(problems)
    assert not page.problems, page.problems
