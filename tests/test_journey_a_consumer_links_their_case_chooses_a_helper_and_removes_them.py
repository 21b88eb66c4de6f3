"""The consumer's journey in a real browser, in English and in Spanish: sign up, confirm the address from the e-mail,
link the case with a code service-center staff made in admin, choose a helper from Find Local Help, the helper
accepts and uploads a document, the consumer sees it and uploads one of their own, then removes the helper, who at
once gets a 404 on the case. Three browsers: the consumer's, the service center's and the helper's."""

import re

import pytest
from django.core import mail

from agents.models import Language
from consumers.models import CaseDocument, ConsumerAccount
from delegations.models import Delegation

from .browser import accessibility_problems, shot, sign_in
from .factories import (
    AgencyLocationFactory,
    ConsumerCaseFactory,
    UserFactory,
    VerificationFactory,
    agency_with_manager,
    agent_in,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "Maple-Harbor-2027!"
WORDS = {
    "en": {"check": "Confirm your e-mail address", "linked": "Your case is linked to your account.",
           "sent": "Your request was sent", "removed": "is no longer your helper"},
    "es": {"check": "Confirme su correo electrónico", "linked": "Su caso quedó vinculado a su cuenta.",
           "sent": "Su solicitud fue enviada", "removed": "ya no es su asistente"},
}  # fmt: skip


def _browser(chromium, live_server, language="en"):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                   locale="es-US" if language == "es" else "en-US")  # fmt: skip
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.problems = []
    tab.on("console", lambda message: tab.problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.accept()))
    tab.dialogs = []
    return tab


def _submit(page, form="main form"):
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def expect_accessible(page, name):
    problems = accessibility_problems(page)
    assert not problems, f"{name}: " + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_consumer_signs_up_links_their_case_chooses_a_helper_and_removes_them(
    chromium, live_server, tmp_path, language
):
    words = WORDS[language]
    agency, _manager = agency_with_manager(public_name="Golden Poppy Insurance")
    helper = agent_in(agency, first_name="Rosa", last_name="Delgado")
    helper.languages.set([Language.objects.get_or_create(code=code)[0] for code in ("en", "es")])
    helper.subsite_locations.add(AgencyLocationFactory(agency=agency, zip_code="95814", county="Sacramento",
                                                       city="Sacramento", name="Capitol office"))  # fmt: skip
    case = ConsumerCaseFactory(first_name="Lucía", last_name="Ramos", preferred_language=language)
    item = VerificationFactory(case=case)
    staff = UserFactory(is_staff=True, is_superuser=True)
    proof = tmp_path / "paystub.pdf"
    proof.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

    # The consumer signs up, and confirms the address from the e-mail.
    me = _browser(chromium, live_server, language)
    me.goto("/accounts/signup/")
    shot(me, f"1-sign-up-{language}")
    expect_accessible(me, "sign-up")
    me.locator("[name=first_name]").fill("Lucía")
    me.locator("[name=last_name]").fill("Ramos")
    me.locator("[name=email]").fill("lucia.ramos@example.com")
    me.locator("[name=password1]").fill(PASSWORD)
    me.locator("[name=password2]").fill(PASSWORD)
    _submit(me)
    assert me.get_by_role("heading", level=1).inner_text() == words["check"]
    shot(me, f"2-check-your-e-mail-{language}")
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    me.goto(link)
    _submit(me)
    me.goto("/accounts/login/")
    me.locator("[name=login]").fill("lucia.ramos@example.com")
    me.locator("[name=password]").fill(PASSWORD)
    _submit(me)
    assert me.url.endswith("/my-case/link/"), me.url

    # Service-center staff verify who is calling and make an access code in admin.
    desk = _browser(chromium, live_server)
    sign_in(desk, staff)
    desk.goto(f"/admin/consumers/consumercase/{case.pk}/access-code/")
    for name in ("spoke_with_consumer", "name_and_date_of_birth", "address", "ssn_last_four"):
        desk.locator(f"[name={name}]").check()
    desk.locator("#content form [type=submit]").click()
    desk.wait_for_load_state()
    code = desk.locator("code").first.inner_text()

    # The consumer links the case with it.
    shot(me, f"3-link-my-case-{language}")
    expect_accessible(me, "Link my case")
    me.locator("[name=case_number]").fill(case.case_number)
    me.locator("[name=access_code]").fill(code)
    _submit(me)
    assert words["linked"] in me.content() and case.case_number in me.content()
    assert ConsumerAccount.objects.get(case=case).user.email == "lucia.ramos@example.com"

    # ...chooses a helper from Find Local Help.
    me.goto("/find-local-help/")
    me.locator("[name=zip_code]").fill("95814")
    _submit(me)
    me.locator(f"a[href='/find-local-help/{helper.pk}/request/']").click()
    me.wait_for_load_state()
    assert me.locator("[name=access_code]").count() == 0, "no access code once signed in"
    shot(me, f"4-ask-for-help-{language}")
    _submit(me)
    assert words["sent"] in me.content()
    request = Delegation.objects.get(case=case)
    assert request.status == "pending" and request.consent.channel == "signed_in"

    # The helper accepts and uploads a document.
    rosa = _browser(chromium, live_server)
    sign_in(rosa, helper.user)
    rosa.goto("/delegations/mine/?status=pending")
    rosa.get_by_role("button", name="Accept").click()
    rosa.wait_for_load_state()
    rosa.goto(f"/cases/{case.pk}/")
    rosa.get_by_label("Kind of document").select_option(label="Proof of income")
    rosa.get_by_label("File").set_input_files(str(proof))
    rosa.get_by_role("button", name="Upload").click()
    rosa.wait_for_load_state()

    # The consumer sees it, and uploads one of their own for the income item.
    me.goto("/my-case/")
    assert "paystub.pdf" in me.content() and "Rosa Delgado" in me.content()
    shot(me, f"5-my-case-{language}")
    expect_accessible(me, "My case")
    me.locator("[name=verification]").select_option(str(item.pk))
    me.locator("[name=kind]").select_option("income")
    me.locator("[name=file]").set_input_files(str(proof))
    _submit(me, "form[action='/my-case/documents/']")
    assert CaseDocument.objects.filter(case=case).count() == 2
    item.refresh_from_db()
    assert item.status == "submitted"

    # ...and removes the helper, who at once gets a 404 on the case.
    me.goto("/my-case/helpers/")
    shot(me, f"6-manage-delegates-{language}")
    expect_accessible(me, "Manage delegates")
    _submit(me, f"form[action='/my-case/helpers/{request.pk}/remove/']")
    assert me.dialogs and "Rosa Delgado" in me.dialogs[-1], "asked to confirm first"
    assert words["removed"] in me.content()
    shot(me, f"7-helper-removed-{language}")
    # (Admin's pages declare no favicon, so the service center's browser logs the 404 of /favicon.ico.)
    assert not me.problems and not rosa.problems, (me.problems, rosa.problems)
    assert rosa.goto(f"/cases/{case.pk}/").status == 404
    for tab in (me, desk, rosa):
        tab.context.close()
