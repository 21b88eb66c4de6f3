"""An agent's day: requests for help, accepting, working on a case, new business, ending, acting on behalf."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.utils import timezone

from consumers.models import ChangeReport, ConsumerCase, Verification
from consumers.services import generate_access_code, send_verification_digests
from delegations.models import ActingOnBehalf, Delegation
from delegations.services import DelegationError, accept_delegation
from portal.models import AuditEvent, MailboxMessage

from .factories import (
    AgencyLocationFactory,
    ConsumerCaseFactory,
    EnrollmentFactory,
    UserFactory,
    VerificationFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    sign_in,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def world():
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    agent = agent_in(agency, first_name="Rosa", last_name="Delgado")
    agent.subsite_locations.add(AgencyLocationFactory(agency=agency))
    return {"agency": agency, "manager": manager, "agent": agent}


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# Requesting help ---------------------------------------------------------------------------------


def test_consumer_asks_a_listed_helper_with_case_number_and_access_code(
    client, world, django_capture_on_commit_callbacks
):
    case = ConsumerCaseFactory(first_name="Maria")
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={"name": True})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/find-local-help/{world['agent'].pk}/request/",
            {"case_number": case.case_number, "access_code": code.lower()},
        )
    assert "Your request was sent" in response.content.decode()
    delegation = Delegation.objects.get(case=case)
    assert (delegation.status, delegation.agent, delegation.agency) == ("pending", world["agent"], world["agency"])
    assert MailboxMessage.objects.get(recipient=world["agent"].user).subject == "Maria asked for your help"
    assert {"access_code.generated", "access_code.used", "delegation.requested"} <= set(actions())
    again = client.post(
        f"/find-local-help/{world['agent'].pk}/request/", {"case_number": case.case_number, "access_code": code}
    )
    assert "do not match" in again.content.decode(), "an access code works once"


@pytest.mark.parametrize("which", ["wrong code", "wrong case", "expired code"])
def test_a_wrong_or_expired_code_gets_one_message_that_says_nothing_of_which_part(client, world, which):
    case = ConsumerCaseFactory()
    code = generate_access_code(case=case, by=UserFactory(is_staff=True), identity_checks={})
    data = {"case_number": case.case_number, "access_code": code}
    if which == "wrong code":
        data["access_code"] = "ZZZZ-ZZZZ"
    elif which == "wrong case":
        data["case_number"] = "9999999999"
    else:
        case.access_codes.update(
            created_at=timezone.now() - datetime.timedelta(days=31),
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
    page = client.post(f"/find-local-help/{world['agent'].pk}/request/", data).content.decode()
    assert "The case number and access code do not match." in page
    assert not Delegation.objects.exists()


def test_requests_for_help_are_throttled(client, world):
    for _ in range(10):
        client.post(
            f"/find-local-help/{world['agent'].pk}/request/", {"case_number": "9999999999", "access_code": "X"}
        )
    page = client.post(
        f"/find-local-help/{world['agent'].pk}/request/", {"case_number": "9999999998", "access_code": "X"}
    ).content.decode()
    assert "Too many attempts." in page


def test_only_listed_helpers_can_be_asked(client, world):
    world["agent"].is_listed = False
    world["agent"].save()
    assert client.get(f"/find-local-help/{world['agent'].pk}/request/").status_code == 404


def test_staff_generate_an_access_code_after_the_identity_checklist_in_admin(client):
    case = ConsumerCaseFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    url = f"/admin/consumers/consumercase/{case.pk}/access-code/"
    refused = client.post(url, {"spoke_with_consumer": "on", "name_and_date_of_birth": "on"})
    assert "Verify at least four of the five" in refused.content.decode()
    assert not case.access_codes.exists()
    checks = {"spoke_with_consumer": "on", "name_and_date_of_birth": "on", "address": "on", "ssn_last_four": "on"}
    page = client.post(url, checks).content.decode()
    code = case.access_codes.get()
    assert code.identity_checks == {"spoke_with_consumer": True, "name_and_date_of_birth": True, "address": True,
                                    "ssn_last_four": True}  # fmt: skip
    shown = page.split("<code>")[1].split("</code>")[0]
    assert code.check_code(shown.replace("-", "")) and shown not in code.code_hash


# Accepting and declining -------------------------------------------------------------------------


def test_helper_accepts_a_request_and_the_case_joins_their_book(client, world):
    pending = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    sign_in(client, world["agent"].user)
    assert pending.case.case_number in client.get("/delegations/mine/?status=pending").content.decode()
    response = client.post(f"/delegations/{pending.pk}/accept/")
    assert response["Location"] == f"/cases/{pending.case_id}/"
    pending.refresh_from_db()
    assert pending.status == "active" and pending.started_at is not None
    assert client.get(f"/cases/{pending.case_id}/").status_code == 200


def test_helper_declines_with_a_reason(client, world):
    pending = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    sign_in(client, world["agent"].user)
    client.post(f"/delegations/{pending.pk}/decline/", {"reason": ""})
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(f"/delegations/{pending.pk}/decline/", {"reason": "Outside my area"})
    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason) == ("declined", "Outside my area")
    assert "delegation.declined" in actions()


@pytest.mark.django_db(transaction=True)
def test_two_accepts_racing_one_wins_the_other_gets_a_clear_message():
    agency, _ = agency_with_manager()
    agent = agent_in(agency)
    pending = delegate(agent=agent, agency=agency, status="pending")
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait(timeout=10)
            accept_delegation(delegation=pending, by=agent.user)
            outcomes.append("accepted")
        except DelegationError as error:
            outcomes.append(str(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This request was already answered; nothing was changed.", "accepted"]
    assert Delegation.objects.filter(case=pending.case, status="active").count() == 1


# Working on a case -------------------------------------------------------------------------------


def test_case_page_shows_the_household_and_items_with_days_left_and_is_audited(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    EnrollmentFactory(case=case, plan_name="Silver 70 Trio HMO")
    VerificationFactory(case=case, due_date=timezone.localdate() + datetime.timedelta(days=12))
    VerificationFactory(case=case, due_date=timezone.localdate() - datetime.timedelta(days=2))
    sign_in(client, world["agent"].user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Silver 70 Trio HMO" in page and ">12</td>" in page and "Report a change" in page
    assert "2 days overdue" in page
    event = AuditEvent.objects.get(action="case.viewed")
    assert event.object_id == str(case.pk) and event.actor == world["agent"].user


def test_helper_reports_a_change_uploads_a_document_and_records_renewal(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    item = VerificationFactory(case=case)
    sign_in(client, world["agent"].user)
    client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "9 Oak Ave", "city": "Davis",
                                                "zip_code": "95616", "county": "Yolo", "effective_on": "2026-11-01"})  # fmt: skip
    client.post(
        f"/cases/{case.pk}/changes/", {"kind": "income", "annual_income": "41000", "effective_on": "2026-11-01"}
    )
    case.refresh_from_db()
    assert (case.street, case.zip_code) == ("9 Oak Ave", "95616")
    assert ChangeReport.objects.filter(case=case).count() == 2
    client.post(f"/cases/{case.pk}/documents/",
                {"kind": "income", "verification": item.pk, "file": SimpleUploadedFile("paystub.pdf", PDF)})  # fmt: skip
    item.refresh_from_db()
    assert item.status == "submitted" and case.documents.count() == 1
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    case.refresh_from_db()
    assert case.renewal_status == "renewed"
    assert {"case.change_reported", "case.document_uploaded", "case.renewal_recorded"} <= set(actions())
    assert "41000" not in str(AuditEvent.objects.values_list("details", flat=True)), (
        "the log names changes, not incomes"
    )


def test_a_bad_change_or_upload_is_refused_with_a_message_and_nothing_saved(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    page = client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "1 A St", "city": "X",
                                                       "zip_code": "10001", "county": "Yolo", "effective_on": "2026-11-01"},
                       follow=True).content.decode()  # fmt: skip
    assert "10001 is not a California ZIP code." in page
    page = client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("x.pdf", b"GIF89a")},
                       follow=True).content.decode()  # fmt: skip
    assert "Only PDF, JPEG and PNG files can be uploaded" in page
    assert not ChangeReport.objects.exists() and not case.documents.exists()


@pytest.mark.parametrize("who", ["other agency's agent", "admin staff", "inactive agent", "decertified agent"])
def test_only_the_delegated_certified_active_helper_or_manager_may_act(client, world, who):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    if who == "other agency's agent":
        other_agency, _ = agency_with_manager()
        user = agent_in(other_agency).user
    elif who == "admin staff":
        user = admin_staff_in(world["agency"], can_view_book=True)
    elif who == "inactive agent":
        world["agent"].user.memberships.update(status="inactive")
        user = world["agent"].user
    else:
        world["agent"].certification_status = "decertified"
        world["agent"].save()
        user = world["agent"].user
    sign_in(client, user)
    response = client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    assert response.status_code in (403, 404)
    case.refresh_from_db()
    assert case.renewal_status == "not_started"


def test_the_agencys_manager_may_act_on_the_agencys_case(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["manager"].user)
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "in_progress"})
    case.refresh_from_db()
    assert case.renewal_status == "in_progress"


# New business ------------------------------------------------------------------------------------


def new_business_data(**applicant):
    data = {
        "applicant-first_name": "Luis", "applicant-last_name": "Ortega", "applicant-date_of_birth": "1979-03-14",
        "applicant-email": "luis@example.com", "applicant-phone": "559-555-0177", "applicant-street": "12 Vine St",
        "applicant-city": "Fresno", "applicant-zip_code": "93721", "applicant-county": "Fresno",
        "applicant-preferred_language": "es", "applicant-max_aptc": "350.00", "applicant-cost_sharing_level": "87",
        "household-TOTAL_FORMS": "2", "household-INITIAL_FORMS": "0",
        "household-0-first_name": "Ana", "household-0-last_name": "Ortega", "household-0-date_of_birth": "2015-06-01",
        "household-0-relationship": "child", "household-0-seeks_coverage": "on",
        "coverage-plan_year": "2027", "coverage-issuer": "Anthem Blue Cross", "coverage-plan_name": "Silver 70 EPO",
        "coverage-metal_tier": "silver", "coverage-monthly_premium": "640.00", "coverage-aptc": "350.00",
        "coverage-coverage_start": "2027-01-01", "coverage-coverage_end": "2027-12-31",
    }  # fmt: skip
    data.update({f"applicant-{key}": value for key, value in applicant.items()})
    return data


def test_agent_writes_new_business_delegated_to_them_at_once(client, world):
    sign_in(client, world["agent"].user)
    response = client.post("/cases/new/", new_business_data())
    case = ConsumerCase.objects.get(last_name="Ortega")
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.household_members.get().first_name == "Ana"
    assert case.enrollments.get().net_premium == 290
    delegation = case.delegations.get()
    assert (delegation.status, delegation.origin, delegation.agent, delegation.agency) == (
        "active", "new_business", world["agent"], world["agency"],
    )  # fmt: skip
    assert case in ConsumerCase.objects.filter(delegations__agent=world["agent"], delegations__status="active")


def test_a_duplicate_applicant_gets_a_warning_before_a_second_case(client, world):
    ConsumerCaseFactory(
        first_name="Luis", last_name="Ortega", date_of_birth=datetime.date(1979, 3, 14), zip_code="93721"
    )
    sign_in(client, world["agent"].user)
    warned = client.post("/cases/new/", new_business_data()).content.decode()
    assert "already has a case" in warned
    assert ConsumerCase.objects.count() == 1
    client.post("/cases/new/", {**new_business_data(), "confirm_duplicate": "yes"})
    assert ConsumerCase.objects.count() == 2


def test_new_business_with_aptc_above_premium_is_refused(client, world):
    sign_in(client, world["agent"].user)
    page = client.post("/cases/new/", {**new_business_data(), "coverage-aptc": "900.00"}).content.decode()
    assert "APTC cannot be more than the monthly premium." in page
    assert not ConsumerCase.objects.exists()


# Ending, digests, acting on behalf ---------------------------------------------------------------


def test_staff_end_a_delegation_at_the_consumers_request_and_the_helper_loses_access(client, world):
    delegation = delegate(agent=world["agent"], agency=world["agency"])
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    client.post(
        "/admin/delegations/delegation/", {"action": "end_at_consumers_request", "_selected_action": [delegation.pk]}
    )
    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_reason) == ("ended", "consumer_request") and delegation.ended_at
    sign_in(client, world["agent"].user)
    assert client.get(f"/cases/{delegation.case_id}/").status_code == 404
    assert MailboxMessage.objects.filter(recipient=world["agent"].user, subject="A delegation ended").exists()


def test_daily_digest_lists_items_due_within_10_days_once_per_helper(world):
    today = timezone.localdate()
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    VerificationFactory(case=case, due_date=today + datetime.timedelta(days=3))
    VerificationFactory(case=case, due_date=today + datetime.timedelta(days=9), kind=Verification.Kind.CITIZENSHIP)
    VerificationFactory(case=case, due_date=today + datetime.timedelta(days=30))
    assert send_verification_digests(today=today) == 1
    message = MailboxMessage.objects.get(recipient=world["agent"].user)
    assert message.subject == "2 conditional-eligibility items are due within 10 days"
    assert f"Case {case.case_number}: Income due" in message.body and "(3 days left)" in message.body


def test_manager_acts_on_behalf_of_an_agent_and_stops(client, world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["manager"].user)
    client.post(f"/delegations/acting/{world['agent'].pk}/start/")
    page = client.get("/delegations/mine/").content.decode()
    assert "Acting on behalf of Rosa Delgado" in page and case.case_number in page
    client.post(f"/cases/{case.pk}/renewal/", {"renewal_status": "renewed"})
    event = AuditEvent.objects.get(action="case.renewal_recorded")
    assert (event.actor, event.on_behalf_of) == (world["manager"].user, world["agent"].user)
    client.post("/delegations/acting/stop/")
    assert "Acting on behalf" not in client.get("/agency/").content.decode()
    acting = ActingOnBehalf.objects.get()
    assert acting.ended_at is not None
    assert {"acting.started", "acting.stopped"} <= set(actions())


def test_acting_on_behalf_ends_at_sign_out(client, world):
    sign_in(client, world["manager"].user)
    client.post(f"/delegations/acting/{world['agent'].pk}/start/")
    client.post("/accounts/logout/")
    assert ActingOnBehalf.objects.get().ended_at is not None


def test_acting_on_behalf_is_only_for_the_agencys_own_agents(client, world):
    other_agency, _ = agency_with_manager()
    stranger = agent_in(other_agency)
    sign_in(client, world["manager"].user)
    assert client.post(f"/delegations/acting/{stranger.pk}/start/").status_code == 404
    sign_in(client, world["agent"].user)
    assert client.post(f"/delegations/acting/{world['manager'].pk}/start/").status_code == 403
    assert not ActingOnBehalf.objects.exists()


def test_a_transfer_that_fails_half_way_leaves_every_delegation_as_it_was(world, monkeypatch):
    from delegations import services

    other = agent_in(world["agency"])
    delegations = [delegate(agent=world["agent"], agency=world["agency"]) for _ in range(5)]

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Delegation.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        services.transfer_delegations(by=world["manager"].user, agency=world["agency"], from_agent=world["agent"],
                                      to_agent=other)  # fmt: skip
    for delegation in delegations:
        delegation.refresh_from_db()
        assert (delegation.status, delegation.agent, delegation.ended_at) == ("active", world["agent"], None)
    assert not Delegation.objects.filter(agent=other).exists()
    assert not AuditEvent.objects.filter(action="delegation.transferred").exists()


def test_a_transfer_of_chosen_cases_moves_only_those_and_keeps_the_chain(client, world):
    other = agent_in(world["agency"], last_name="Receiver")
    chosen, kept = (delegate(agent=world["agent"], agency=world["agency"]) for _ in range(2))
    sign_in(client, world["manager"].user)
    client.post(f"/delegations/transfer/{world['agent'].pk}/", {"to_agent": other.pk, "cases": [chosen.case_id]})
    new = Delegation.objects.get(agent=other)
    assert new.transferred_from_id == chosen.pk and new.case_id == chosen.case_id
    kept.refresh_from_db()
    assert kept.status == "active" and kept.agent == world["agent"]
    page = client.get(f"/cases/{chosen.case_id}/").content.decode()
    assert "Transferred to another agent" in page and "Receiver" in page


def test_the_digest_reads_every_helpers_items_in_one_query(world, django_assert_max_num_queries):
    today = timezone.localdate()
    helpers = [world["agent"], *(agent_in(world["agency"]) for _ in range(5))]
    for helper in helpers:
        case = delegate(agent=helper, agency=world["agency"]).case
        VerificationFactory(case=case, due_date=today + datetime.timedelta(days=2))
    # Two reads in all, then one message (and its notice) per helper.
    with django_assert_max_num_queries(2 + 2 * len(helpers) + 2):
        assert send_verification_digests(today=today) == len(helpers)


def test_the_agency_manager_is_told_when_a_request_is_accepted_or_declined(client, world):
    accepted = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    declined = delegate(agent=world["agent"], agency=world["agency"], status="pending")
    sign_in(client, world["agent"].user)
    client.post(f"/delegations/{accepted.pk}/accept/")
    client.post(f"/delegations/{declined.pk}/decline/", {"reason": "Full book"})
    messages = dict(MailboxMessage.objects.filter(recipient=world["manager"].user).values_list("subject", "body"))
    assert set(messages) == {"Rosa Delgado accepted a request for help", "Rosa Delgado declined a request for help"}
    assert accepted.case.case_number in messages["Rosa Delgado accepted a request for help"]
    assert messages["Rosa Delgado declined a request for help"].endswith(f"{declined.case.case_number}: Full book")
    assert not MailboxMessage.objects.filter(recipient=world["agent"].user).exists()
