"""Online Chat in two real browsers, served by daphne as in production: an agent on a phone asks for help, waits
their turn, a service-center member at a desk takes the chat from the console's live queue, they talk both ways
(with "is typing"), the agent's connection drops and comes back without a message lost or doubled, the agent ends
the chat and finds its transcript in the Secure Mailbox. In English and in Spanish; and after hours, the answer
of when chat opens again."""

import re

import pytest
from playwright.sync_api import expect

from servicecenter.models import ChatMessage, Conversation

from .browser import accessibility_problems, shot, sign_in
from .chat_support import EVENING, OPEN, chat_member
from .factories import agency_with_manager, agent_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WORDS = {
    "en": {"chat": "Online Chat", "start": "Start chat", "line": "You are number 1 in line", "take": "Take",
           "here": "Ana R. of the service center is here to help.", "typing": "The service center is typing…",
           "end": "End chat", "ended": "This chat has ended. Its transcript is in your Secure Mailbox.",
           "transcript": "Your Online Chat with the Service Center", "closed": "Online Chat is closed now",
           "opens": "Chat opens again on Wednesday", "write": "Write to the Service Center", "choice": "English"},
    "es": {"chat": "Chat en línea", "start": "Empezar el chat", "line": "Usted es el número 1 en la fila",
           "take": "Tomar", "here": "Ana R. del centro de servicio está aquí para ayudarle.",
           "typing": "El centro de servicio está escribiendo…", "end": "Terminar el chat",
           "ended": "Este chat terminó. Su transcripción está en su Buzón Seguro.",
           "transcript": "Su Chat en línea con el Centro de Servicio", "closed": "El Chat en línea está cerrado ahora",
           "opens": "El chat vuelve a abrir el miércoles", "write": "Escribir al Centro de Servicio",
           "choice": "Español"},
}  # fmt: skip


def _browser(chromium, url, *, width, height):
    context = chromium.new_context(base_url=url, viewport={"width": width, "height": height}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.problems = []
    tab.on("console", lambda message: tab.problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    tab.on("dialog", lambda dialog: dialog.accept())
    return tab


def _expect_accessible(page, name):
    problems = accessibility_problems(page)
    assert not problems, f"{name}: " + "\n".join(problems)


@pytest.mark.frozen_at(OPEN)
@pytest.mark.parametrize("language", ["en", "es"])
def test_journey_an_agent_chats_with_the_service_center(chat_server, chromium, language):
    said = WORDS[language]
    agency, _manager = agency_with_manager(public_name="Golden Bear Insurance")
    rosa = agent_in(agency, first_name="Rosa", last_name="Delgado")
    rosa.user.preferred_language = language
    rosa.user.save()
    ana = chat_member(shown_name="Ana R.", spanish=True)
    ana.preferred_language = language
    ana.save()

    desk = _browser(chromium, chat_server, width=1366, height=900)
    sign_in(desk, ana)
    desk.goto("/service-center/chat/")
    expect(desk.locator("[data-queue-count]")).to_have_text("0")

    phone = _browser(chromium, chat_server, width=390, height=844)
    sign_in(phone, rosa.user)
    phone.goto("/chat/")
    assert phone.title().startswith(said["chat"])
    phone.get_by_label(said["choice"] if language == "en" else re.compile("Español|Spanish")).check()
    phone.get_by_role("button", name=said["start"]).click()
    expect(phone.locator("[data-chat-state]")).to_contain_text(said["line"])
    shot(phone, f"{language}-waiting-390")
    _expect_accessible(phone, "waiting")

    # The console's queue grows without a reload; the member takes the chat.
    expect(desk.locator("[data-queue] li strong")).to_have_text("Rosa Delgado")
    shot(desk, f"{language}-queue-1366")
    desk.locator("[data-queue] li").get_by_role("button", name=said["take"]).click()
    desk.wait_for_load_state()
    expect(phone.locator("[data-chat-state]")).to_have_text(said["here"])

    # Both ways, as they are typed.
    phone.locator("[data-chat-input]").fill("My extranet password expired.")
    phone.locator("[data-chat-input]").press("Enter")
    expect(desk.locator(".chat-log")).to_contain_text("My extranet password expired.")
    desk.locator("[data-chat-input]").press_sequentially("I can send you a link")
    expect(phone.locator("[data-chat-typing]")).to_have_text(said["typing"])
    desk.locator("[data-chat-input]").press("Enter")
    expect(phone.locator(".chat-log")).to_contain_text("I can send you a link")

    # The phone's connection drops; while it is away the agent writes and the member answers.
    phone.evaluate("window.portalChats[0].drop()")
    phone.locator("[data-chat-input]").fill("Sent while offline")
    phone.locator("[data-chat-input]").press("Enter")
    desk.locator("[data-chat-input]").fill("Answered while you were away")
    desk.locator("[data-chat-input]").press("Enter")
    expect(phone.locator(".chat-log")).to_contain_text("Answered while you were away")
    expect(desk.locator(".chat-log")).to_contain_text("Sent while offline")
    expect(phone.locator(".chat-pending")).to_have_count(0)
    for tab in (phone, desk):
        for text in ("Sent while offline", "Answered while you were away", "My extranet password expired."):
            expect(tab.locator(".chat-log li", has_text=text)).to_have_count(1)
    shot(phone, f"{language}-talking-390")
    shot(desk, f"{language}-talking-1366")
    _expect_accessible(desk, "console")
    desk.set_viewport_size({"width": 390, "height": 844})  # the console on a phone too: nothing sideways
    assert desk.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    shot(desk, f"{language}-talking-console-390")
    desk.set_viewport_size({"width": 1366, "height": 900})

    # The agent ends it; both see it end; the transcript is in the agent's Secure Mailbox.
    phone.get_by_role("button", name=said["end"]).click()
    expect(phone.locator("[data-chat-state]")).to_have_text(said["ended"])
    expect(desk.locator("[data-chat-input]")).to_be_disabled()
    phone.goto("/mailbox/")
    phone.get_by_role("link", name=re.compile(said["transcript"])).first.click()
    body = phone.locator("main").inner_text()
    for text in ("Sent while offline", "Answered while you were away", "My extranet password expired."):
        assert body.count(text) == 1, text
    shot(phone, f"{language}-transcript-390")

    chat = Conversation.objects.get(person=rosa.user)
    assert chat.status == Conversation.Status.CLOSED
    assert ChatMessage.objects.filter(conversation=chat, body="Sent while offline").count() == 1
    assert not phone.problems and not desk.problems, (phone.problems, desk.problems)


@pytest.mark.frozen_at(EVENING)
@pytest.mark.parametrize("language", ["en", "es"])
def test_journey_after_hours_chat_says_when_it_opens_and_offers_the_mailbox(chat_server, chromium, language):
    said = WORDS[language]
    agency, _manager = agency_with_manager()
    rosa = agent_in(agency)
    rosa.user.preferred_language = language
    rosa.user.save()
    tab = _browser(chromium, chat_server, width=1366, height=900)
    sign_in(tab, rosa.user)
    tab.get_by_role("link", name=said["chat"], exact=True).click()  # the header's link
    for width, height in ((1366, 900), (390, 844)):
        tab.set_viewport_size({"width": width, "height": height})
        tab.reload()
        expect(tab.locator("main h2")).to_have_text(said["closed"])
        expect(tab.locator("main")).to_contain_text(said["opens"])
        expect(tab.get_by_role("link", name=said["write"])).to_be_visible()
        assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        shot(tab, f"{language}-after-hours-{width}")
        _expect_accessible(tab, "after hours")
    assert not tab.problems, tab.problems
