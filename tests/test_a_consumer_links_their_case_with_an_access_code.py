"""Link my case: the case number and an access code (single use, as for a request for help) link a consumer's own
account to their case; one account per case; any wrong part gets the one message, with the same throttles; the
case's helper is told; every attempt is in the audit log."""

import datetime

import pytest
from django.utils import timezone

from consumers.models import AccessCode, ConsumerAccount
from consumers.services import CaseError, link_case
from portal.models import AuditEvent, MailboxMessage

from .concurrency_support import at_once
from .factories import ConsumerCaseFactory, consumer, consumer_signed_in, delegate

pytestmark = pytest.mark.django_db

REFUSED = "The case number and access code do not match."


def _link(client, case, code):
    return client.post("/my-case/link/", {"case_number": case.case_number, "access_code": code})


def test_a_consumer_links_their_case_and_their_helper_is_told(household):
    case, helper = household["case"], household["helper"]
    delegate(case, agent=helper, agency=household["agency"])
    person = consumer()
    client = consumer_signed_in(person)
    response = _link(client, case, household["code"].lower().replace("-", " "))
    assert response["Location"] == "/my-case/"
    assert ConsumerAccount.objects.get(user=person).case == case
    assert AccessCode.objects.get(case=case).used_at is not None, "the code is used up"
    told = MailboxMessage.objects.get(recipient=helper.user)
    assert told.subject == "A consumer linked their account to their case" and case.case_number in told.body
    assert AuditEvent.objects.filter(action="case.account_linked", actor=person, object_id=str(case.pk)).exists()
    page = client.get("/my-case/").content.decode()
    assert "Quintessa Vandermolen" in page and case.case_number in page


@pytest.mark.parametrize("which", ["wrong code", "wrong case number", "expired code", "used code"])
def test_a_wrong_expired_or_used_code_gets_the_one_message_and_is_recorded(household, which):
    case, code = household["case"], household["code"]
    number = case.case_number
    if which == "wrong code":
        code = "ZZZZ-ZZZZ"
    elif which == "wrong case number":
        number = "9999999999"
    elif which == "expired code":
        case.access_codes.update(created_at=timezone.now() - datetime.timedelta(days=31),
                                 expires_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    else:
        link_case(user=consumer(), case_number=number, access_code=code)
    client = consumer_signed_in(consumer())
    response = client.post("/my-case/link/", {"case_number": number, "access_code": code})
    page = response.content.decode()
    assert response.status_code == 400 and REFUSED in page
    assert f'value="{number}"' in page, "what was typed is kept"
    assert ConsumerAccount.objects.count() == (1 if which == "used code" else 0)
    assert AuditEvent.objects.filter(action="access_code.refused").count() == 1


def test_a_refused_request_for_help_is_in_the_audit_log_too(client, household):
    client.post(f"/find-local-help/{household['helper'].pk}/request/",
                {"case_number": household["case"].case_number, "access_code": "ZZZZ-ZZZZ"})  # fmt: skip
    assert AuditEvent.objects.filter(action="access_code.refused", object_id=str(household["case"].pk)).exists()


def test_a_case_has_one_account_and_a_new_code_does_not_take_it_over(household):
    case = household["case"]
    first = consumer()
    link_case(user=first, case_number=case.case_number, access_code=household["code"])
    from consumers.services import generate_access_code

    from .factories import UserFactory

    again = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={})
    response = _link(consumer_signed_in(consumer()), case, again)
    assert response.status_code == 400 and "already linked to another account" in response.content.decode()
    assert ConsumerAccount.objects.get().user == first
    assert AccessCode.objects.filter(case=case, used_at__isnull=True).count() == 1, "the new code is not used up"
    assert AuditEvent.objects.filter(action="case.account_link_refused").count() == 1


def test_an_account_links_one_case(household):
    person = consumer(ConsumerCaseFactory())
    client = consumer_signed_in(person)
    assert client.get("/my-case/link/")["Location"] == "/my-case/"
    with pytest.raises(CaseError, match="already linked to a case"):
        link_case(user=person, case_number=household["case"].case_number, access_code=household["code"])
    assert AccessCode.objects.get(case=household["case"]).used_at is None


def test_linking_shares_the_throttle_of_requests_for_help(client, household):
    for _ in range(10):
        client.post(f"/find-local-help/{household['helper'].pk}/request/",
                    {"case_number": "9999999999", "access_code": "X"})  # fmt: skip
    client.force_login(consumer())
    page = _link(client, household["case"], household["code"]).content.decode()
    assert "Too many attempts." in page
    assert not ConsumerAccount.objects.exists()


def test_an_unconfirmed_account_or_an_agent_has_no_link_page(household):
    assert consumer_signed_in(consumer(confirmed=False)).get("/my-case/link/").status_code == 404
    from .factories import sign_in

    assert sign_in(consumer_signed_in(household["helper"].user), household["helper"].user).get(
        "/my-case/link/").status_code == 404  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_accounts_linking_the_same_case_at_once_link_one(household):
    case, code = household["case"], household["code"]
    people = [consumer(), consumer()]
    outcomes = at_once([lambda p=p: link_case(user=p, case_number=case.case_number, access_code=code) for p in people])
    linked = [o for o in outcomes if isinstance(o, ConsumerAccount)]
    refused = [o for o in outcomes if isinstance(o, CaseError)]
    assert len(linked) == 1 and len(refused) == 1, outcomes
    assert REFUSED in str(refused[0]), "the second finds the code used"
    assert ConsumerAccount.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_account_linking_two_cases_at_once_links_one(household):
    from consumers.services import generate_access_code

    from .factories import UserFactory

    other = ConsumerCaseFactory()
    other_code = generate_access_code(case=other, by=UserFactory(is_staff=True), identity_checks={})
    person = consumer()
    outcomes = at_once([
        lambda: link_case(user=person, case_number=household["case"].case_number, access_code=household["code"]),
        lambda: link_case(user=person, case_number=other.case_number, access_code=other_code),
    ])  # fmt: skip
    assert sorted(type(o).__name__ for o in outcomes) == ["CaseError", "ConsumerAccount"], outcomes
    assert ConsumerAccount.objects.filter(user=person).count() == 1
