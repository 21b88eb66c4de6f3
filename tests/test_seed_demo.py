"""seed_demo builds the world it says it builds, the same way every time for a seed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from agencies.models import Agency, AgencyLocation, Membership, OpeningHours
from agents.models import Agent, CertificationChange
from consumers.models import ConsumerCase, Enrollment, HouseholdMember, Verification
from delegations.models import Delegation
from portal.validators import california_zip_codes
from tooling.demo_data import DEMO_PASSWORD, demo_sign_ins

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 16)


def seed(**options) -> str:
    out = io.StringIO()
    arguments = {"agencies": 6, "agents": 60, "consumers": 2000, "seed": 7, "as_of": AS_OF, **options}
    call_command("seed_demo", stdout=out, **arguments)
    return out.getvalue()


def fingerprint():
    return (
        list(
            ConsumerCase.objects.order_by("pk").values_list("case_number", "first_name", "last_name", "zip_code")[:50]
        ),
        list(Agent.objects.order_by("pk").values_list("license_number", "last_name", "certification_status")),
        list(
            Delegation.objects.order_by("pk").values_list("case__case_number", "agent__license_number", "status")[:200]
        ),
        list(Agency.objects.order_by("pk").values_list("fein", "public_name")),
    )


def test_seed_demo_builds_the_counts_it_was_asked_for_and_says_so():
    output = seed()
    assert (Agency.objects.count(), Agent.objects.count(), ConsumerCase.objects.count()) == (6, 60, 2000)
    assert "Loaded 6 agencies, 60 agents, 2,000 cases" in output
    for sign_in in demo_sign_ins():
        assert sign_in.email in output
    assert DEMO_PASSWORD in output


def wipe():
    from portal.models import User

    Delegation.objects.all().delete()
    ConsumerCase.objects.all().delete()
    Membership.objects.all().delete()
    Agent.objects.all().delete()
    Agency.objects.all().delete()
    User.objects.all().delete()


def test_seed_demo_is_deterministic_for_a_seed():
    seed()
    first = fingerprint()
    wipe()
    seed()
    assert fingerprint() == first


def test_another_seed_makes_another_world():
    seed(seed=7)
    first = fingerprint()
    wipe()
    seed(seed=8)
    assert fingerprint()[0] != first[0]


def test_seed_demo_data_is_realistic_california_data_in_every_status():
    seed()
    california = california_zip_codes()
    cases = ConsumerCase.objects.all()
    assert all(zip_code in california for zip_code in cases.values_list("zip_code", flat=True))
    assert set(Delegation.objects.values_list("status", flat=True)) == {"pending", "active", "declined", "ended"}
    assert set(Delegation.objects.values_list("origin", flat=True)) >= {"find_local_help", "new_business"}
    assert Verification.objects.filter(status="open", due_date__lte=AS_OF + datetime.timedelta(days=30)).exists()
    assert Enrollment.objects.values("metal_tier").distinct().count() == 5
    assert HouseholdMember.objects.exists()
    assert cases.values("preferred_language").distinct().count() >= 3
    assert OpeningHours.objects.exists() and AgencyLocation.objects.exists()
    # Every certified agent has a history that ends in their present status.
    for agent in Agent.objects.all()[:20]:
        assert CertificationChange.objects.filter(agent=agent).order_by("-changed_at").first().to_status == (
            agent.certification_status
        )


def test_seed_demo_keeps_one_open_delegation_per_case_and_agency_sized_books():
    seed(consumers=4000)
    open_per_case = (
        Delegation.objects.filter(status__in=Delegation.OPEN_STATUSES)
        .values("case")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not open_per_case.exists()
    manager = Agent.objects.get(user__email="manager@demo.agencyportal.test")
    big_agency = manager.user.memberships.get().agency
    big_agent = Agent.objects.get(user__email="agent@demo.agencyportal.test")
    active = Delegation.objects.filter(status="active")
    assert active.filter(agency=big_agency).count() >= 0.09 * 4000
    # At least one case in 200 goes to the biggest agent (5,000 of 1,000,000).
    assert active.filter(agent=big_agent).count() >= 4000 // 200
    # Delegations within an agency go to that agency's agents.
    assert not active.exclude(agency=None).exclude(agent__user__memberships__agency=F("agency")).exists()


def test_demo_sign_ins_work_with_the_printed_password(client):
    seed()
    for sign_in in demo_sign_ins():
        assert client.login(email=sign_in.email, password=DEMO_PASSWORD), sign_in.email
        client.logout()


def test_seed_demo_if_empty_leaves_existing_data_alone():
    seed()
    output = seed(if_empty=True, consumers=10)
    assert "already has demo data" in output
    assert ConsumerCase.objects.count() == 2000


def test_seed_demo_refuses_to_load_twice_without_if_empty():
    from django.core.management.base import CommandError

    seed()
    with pytest.raises(CommandError, match="already has cases"):
        seed()
