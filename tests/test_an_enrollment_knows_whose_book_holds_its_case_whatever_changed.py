"""Every enrollment carries the agency whose Book of Business holds its case (its Active delegation's), which an
agency's sorted book filters on: a stale copy would drop a case from the book. The database keeps it, so it holds
after every way a delegation changes: a request, acceptance, transfer, end, a bulk update, raw SQL, a deletion;
and for a new enrollment, and one saved from a copy read before the change."""

import pytest
from django.db import connection

from consumers.models import Enrollment
from delegations import services
from delegations.models import Delegation

from .factories import ConsumerCaseFactory, EnrollmentFactory, agency_with_manager, agent_in, delegate

pytestmark = pytest.mark.django_db


def wrong_copies() -> list:
    """Enrollments whose copy differs from their case's Active delegation's agency."""
    truth = dict(Delegation.objects.filter(status="active").values_list("case_id", "agency_id"))
    return [(e.pk, e.case_id, e.book_agency_id, truth.get(e.case_id))
            for e in Enrollment.objects.all() if e.book_agency_id != truth.get(e.case_id)]  # fmt: skip


@pytest.fixture
def two_agencies():
    (north, north_manager), (south, _south_manager) = agency_with_manager(), agency_with_manager()
    return {"north": north, "south": south, "manager": north_manager.user,
            "rosa": agent_in(north), "li": agent_in(north), "sol": agent_in(south)}  # fmt: skip


def test_every_change_of_a_delegation_leaves_the_copy_right(two_agencies):
    w = two_agencies
    case = ConsumerCaseFactory()
    old, current = EnrollmentFactory(case=case, plan_year=2025), EnrollmentFactory(case=case)
    assert wrong_copies() == [] and current.book_agency_id is None

    pending = delegate(case, agent=w["rosa"], agency=w["north"], status="pending")
    assert Enrollment.objects.get(pk=current.pk).book_agency_id is None, "a request is no one's book yet"
    services.accept_delegation(delegation=pending, by=w["rosa"].user)
    assert {e.book_agency_id for e in Enrollment.objects.filter(case=case)} == {w["north"].pk}

    services.transfer_delegations(by=w["manager"], agency=w["north"], from_agent=w["rosa"], to_agent=w["li"])
    assert wrong_copies() == [] and Enrollment.objects.get(pk=old.pk).book_agency_id == w["north"].pk

    held = Delegation.objects.get(case=case, status="active")
    services.end_delegation(delegation=held, by=w["manager"], reason=Delegation.EndReason.CONSUMER_REQUEST)
    assert wrong_copies() == [] and Enrollment.objects.get(pk=current.pk).book_agency_id is None

    south = delegate(case, agent=w["sol"], agency=w["south"])
    assert Enrollment.objects.get(pk=current.pk).book_agency_id == w["south"].pk
    Delegation.objects.filter(pk=south.pk).update(status="ended", ended_at=south.started_at, end_reason="case_closed")
    assert wrong_copies() == []

    with connection.cursor() as cursor:  # not through the ORM at all
        cursor.execute("UPDATE delegations_delegation SET status = 'active', ended_at = NULL, end_reason = '' "
                       "WHERE id = %s", [south.pk])  # fmt: skip
    assert Enrollment.objects.get(pk=current.pk).book_agency_id == w["south"].pk and wrong_copies() == []


def test_a_new_enrollment_and_a_stale_save_take_the_copy_from_the_delegations(two_agencies):
    w = two_agencies
    case = ConsumerCaseFactory()
    delegate(case, agent=w["rosa"], agency=w["north"])
    added = EnrollmentFactory(case=case)
    assert Enrollment.objects.get(pk=added.pk).book_agency_id == w["north"].pk, "born knowing its book"

    stale = Enrollment.objects.get(pk=added.pk)  # read while the north holds the case
    held = Delegation.objects.get(case=case, status="active")
    services.end_delegation(delegation=held, by=w["manager"], reason=Delegation.EndReason.CONSUMER_REQUEST)
    delegate(case, agent=w["sol"], agency=w["south"])
    stale.plan_name = "Renamed"
    stale.save()  # writes every column, book_agency_id=north among them
    assert Enrollment.objects.get(pk=added.pk).book_agency_id == w["south"].pk
    Enrollment.objects.filter(pk=added.pk).update(book_agency_id=w["north"].pk)  # even on purpose
    assert wrong_copies() == []


def test_a_deleted_delegation_takes_its_agency_off_the_enrollments(two_agencies):
    w = two_agencies
    held = delegate(agent=w["rosa"], agency=w["north"], consent=False)  # a consent record keeps its delegation
    enrollment = EnrollmentFactory(case=held.case)
    assert Enrollment.objects.get(pk=enrollment.pk).book_agency_id == w["north"].pk
    Delegation.objects.filter(pk=held.pk).delete()
    assert Enrollment.objects.get(pk=enrollment.pk).book_agency_id is None
