"""Review of issue 17 (Spanish): when a manager who works in Spanish gives requests or transfers cases, the agents
concerned are told in the Secure Mailbox and by e-mail in the manager's language, not their own (the convention
elsewhere: notify inside translation.override(recipient.preferred_language), e.g. agents/services.py,
bookofbusiness/services.py send_at_risk_summaries). The e-mail's subject is the message's subject, so an
English-speaking agent gets a Spanish e-mail subject."""

import pytest
from django.conf import settings
from django.test import Client

from delegations.models import Delegation
from portal.models import MailboxMessage

from .bulk_support import GIVE, TRANSFER, review_and_confirm
from .factories import ConsumerCaseFactory, delegate, sign_in

pytestmark = pytest.mark.django_db


def spanish_manager(book):
    user = book["manager"].user
    user.preferred_language = "es"
    user.save(update_fields=["preferred_language"])
    client = sign_in(Client(), user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def english(agent):
    agent.user.preferred_language = "en"
    agent.user.save(update_fields=["preferred_language"])
    return agent


def test_an_english_agent_given_a_request_by_a_spanish_manager_is_told_in_english(
    book, django_capture_on_commit_callbacks
):
    li, rosa = english(book["li"]), english(book["rosa"])
    request = delegate(ConsumerCaseFactory(), agent=rosa, agency=book["agency"], status="pending")
    client = spanish_manager(book)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/agency/delegations/{request.pk}/assign/", {"agent": li.pk})
    assert Delegation.objects.get(pk=request.pk).agent == li
    assert MailboxMessage.objects.get(recipient=li.user).subject == "A request for help was given to you"
    assert MailboxMessage.objects.get(recipient=rosa.user).subject == "A request for help was given to another agent"


def test_an_english_agent_given_chosen_requests_by_a_spanish_manager_is_told_in_english(
    book, django_capture_on_commit_callbacks
):
    li, rosa = english(book["li"]), english(book["rosa"])
    request = delegate(ConsumerCaseFactory(), agent=rosa, agency=book["agency"], status="pending")
    client = spanish_manager(book)
    with django_capture_on_commit_callbacks(execute=True):
        review_and_confirm(client, GIVE, {"chosen": [request.pk], "filters": "", "to_agent": li.pk})
    assert Delegation.objects.get(pk=request.pk).agent == li
    assert MailboxMessage.objects.get(recipient=li.user).subject == "1 request for help was given to you"


def test_an_english_agent_sent_cases_by_a_spanish_manager_is_told_in_english(book, django_capture_on_commit_callbacks):
    li = english(book["li"])
    chosen = [Delegation.objects.get(case=book["cases"]["ana"], status="active").pk]
    client = spanish_manager(book)
    with django_capture_on_commit_callbacks(execute=True):
        review_and_confirm(client, TRANSFER, {"chosen": chosen, "filters": "", "to_agent": li.pk})
    assert Delegation.objects.get(case=book["cases"]["ana"], status="active").agent == li
    assert MailboxMessage.objects.get(recipient=li.user).subject == "1 consumer was transferred to you"
