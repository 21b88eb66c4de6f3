"""The invariants the database itself keeps, whatever code writes the rows."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from agencies.models import Membership, OpeningHours
from bookofbusiness.models import Extract
from delegations.models import Delegation

from .factories import (
    AgencyFactory,
    AgencyLocationFactory,
    AgentFactory,
    ConsumerCaseFactory,
    EnrollmentFactory,
    MembershipFactory,
    delegate,
)

pytestmark = pytest.mark.django_db


def test_two_agents_cannot_share_a_license_number():
    AgentFactory(license_number="0H12345")
    with pytest.raises(IntegrityError):
        AgentFactory(license_number="0H12345")


def test_two_cases_cannot_share_a_case_number():
    ConsumerCaseFactory(case_number="4001234567")
    with pytest.raises(IntegrityError):
        ConsumerCaseFactory(case_number="4001234567")


def test_two_agencies_cannot_share_a_fein():
    AgencyFactory(fein="123456789")
    with pytest.raises(IntegrityError):
        AgencyFactory(fein="123456789")


def test_two_agencies_cannot_share_a_license_number_but_many_may_have_none():
    AgencyFactory(kind="enrollment_entity", license_number="")
    AgencyFactory(kind="enrollment_entity", license_number="")
    AgencyFactory(license_number="0B54321")
    with pytest.raises(IntegrityError):
        AgencyFactory(license_number="0B54321")


def test_database_refuses_a_malformed_license_number_written_past_the_forms():
    with pytest.raises(IntegrityError):
        AgentFactory(license_number="ABCDEFG")


def test_database_refuses_a_fein_that_is_not_nine_digits():
    with pytest.raises(IntegrityError):
        AgencyFactory(fein="12-345678")


def test_database_refuses_a_case_number_that_is_not_ten_digits():
    with pytest.raises(IntegrityError):
        ConsumerCaseFactory(case_number="12345")


def test_case_cannot_have_a_second_pending_delegation_while_one_is_active():
    case = ConsumerCaseFactory()
    delegate(case, agent=AgentFactory())
    with pytest.raises(IntegrityError):
        delegate(case, agent=AgentFactory(), status=Delegation.Status.PENDING)


def test_case_may_have_many_ended_and_declined_delegations_beside_one_open():
    case = ConsumerCaseFactory()
    delegate(case, agent=AgentFactory(), status=Delegation.Status.ENDED, end_reason="consumer_request")
    delegate(case, agent=AgentFactory(), status=Delegation.Status.ENDED, end_reason="transferred")
    delegate(case, agent=AgentFactory(), status=Delegation.Status.DECLINED)
    delegate(case, agent=AgentFactory(), status=Delegation.Status.PENDING)
    assert case.delegations.count() == 4
    assert case.delegations.filter(status__in=Delegation.OPEN_STATUSES).count() == 1


def test_ended_delegation_must_say_when_and_why():
    with pytest.raises(IntegrityError), transaction.atomic():
        delegate(agent=AgentFactory(), status=Delegation.Status.ENDED, end_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(
            case=ConsumerCaseFactory(),
            agent=AgentFactory(),
            status="ended",
            origin="staff",
            end_reason="consumer_request",
            ended_at=None,
        )


def test_active_delegation_must_have_a_delegation_date():
    with pytest.raises(IntegrityError):
        Delegation.objects.create(case=ConsumerCaseFactory(), agent=AgentFactory(), status="active", origin="staff")


@pytest.mark.django_db(transaction=True)
def test_two_transactions_racing_to_delegate_one_case_leave_exactly_one_open_delegation():
    case = ConsumerCaseFactory()
    agents = [AgentFactory(), AgentFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def request_help(agent):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                Delegation.objects.create(case=case, agent=agent, status="pending", origin="find_local_help")
                # Hold the transaction open so the other one has to wait on the index.
                connection.cursor().execute("SELECT pg_sleep(0.2)")
            outcomes.append("created")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=request_help, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["created", "refused"]
    assert Delegation.objects.filter(case=case, status__in=Delegation.OPEN_STATUSES).count() == 1


def test_a_person_is_active_in_one_agency_at_a_time():
    agent = AgentFactory()
    MembershipFactory(user=agent.user, agency=AgencyFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=agent.user, agency=AgencyFactory())
    MembershipFactory(user=agent.user, agency=AgencyFactory(), status=Membership.Status.INACTIVE)
    assert agent.user.memberships.count() == 2


def test_aptc_cannot_exceed_the_premium():
    with pytest.raises(IntegrityError):
        EnrollmentFactory(monthly_premium=Decimal("300.00"), aptc=Decimal("300.01"))


def test_net_premium_is_premium_less_aptc():
    enrollment = EnrollmentFactory(monthly_premium=Decimal("612.40"), aptc=Decimal("400.15"))
    enrollment.refresh_from_db()
    assert enrollment.net_premium == Decimal("212.25")


def test_coverage_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        EnrollmentFactory(coverage_start=datetime.date(2026, 3, 1), coverage_end=datetime.date(2026, 2, 28))


def test_a_location_cannot_close_before_it_opens():
    location = AgencyLocationFactory()
    with pytest.raises(IntegrityError):
        OpeningHours.objects.create(
            location=location, weekday=0, opens_at=datetime.time(17), closes_at=datetime.time(9)
        )


def test_one_extract_per_kind_owner_week_and_format():
    agent = AgentFactory()
    week = datetime.date(2026, 11, 16)
    fields = {"kind": "bob", "scope": "agent", "agent": agent, "week": week, "file_format": "csv"}
    Extract.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Extract.objects.create(**fields)
    Extract.objects.create(**{**fields, "file_format": "xlsx"})


def test_an_extract_is_published_only_when_complete():
    with pytest.raises(IntegrityError):
        Extract.objects.create(
            kind="bob",
            scope="agency",
            agency=AgencyFactory(),
            week=datetime.date(2026, 11, 16),
            file_format="csv",
            status="published",
            published_at=timezone.now(),
            sha256="",
        )
