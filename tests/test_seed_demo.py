"""seed_demo builds the world it says it builds, the same way every time for a seed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F

from agencies.models import Agency, AgencyLocation, Membership, OpeningHours
from agents.models import Agent, CertificationChange
from consumers.models import ConsumerCase, Enrollment, HouseholdMember, Verification
from delegations.models import Delegation
from portal.validators import california_zip_codes
from tooling.demo_data import DEMO_PASSWORD, DemoBuilder, ascii_email_part, demo_sign_ins

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


def seed_without_history(seed: int) -> None:
    """The world alone, without the history (whose audit records, which nobody deletes, would keep its people)."""
    DemoBuilder(agencies=6, agents=60, consumers=2000, seed=seed, as_of=AS_OF, history=False).build()


class _Undone(Exception):
    pass


def seeded_fingerprint(seed: int):
    """The world a seed makes, then undone (its consent records cannot be deleted: a savepoint rolls all back)."""
    try:
        with transaction.atomic():
            seed_without_history(seed)
            found = fingerprint()
            raise _Undone
    except _Undone:
        return found


def test_seed_demo_is_deterministic_for_a_seed():
    first = seeded_fingerprint(7)
    assert seeded_fingerprint(7) == first


def test_another_seed_makes_another_world():
    first = seeded_fingerprint(7)
    assert seeded_fingerprint(8)[0] != first[0]


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


def demo_options_of_make_run() -> dict:
    """The sizes `make run` asks seed_demo for (the Makefile's DEMO)."""
    import re
    import shutil
    import subprocess
    from pathlib import Path

    make = shutil.which("make")
    commands = subprocess.run([make, "-n", "run"], cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
    line = next(line for line in commands.splitlines() if "seed_demo" in line)
    return {name.replace("-", "_"): int(value) for name, value in re.findall(r"--([a-z-]+) (\d+)", line)}


def test_make_run_asks_for_an_agency_of_a_hundred_agents_and_five_thousand_cases():
    options = demo_options_of_make_run()
    assert options["largest_agency_agents"] >= 100 and options["largest_agency_cases"] >= 5000
    assert options["consumers"] > options["largest_agency_cases"], "among the others"
    assert options["agencies"] > 1


def test_the_largest_agency_has_the_agents_and_cases_asked_for():
    seed(agents=80, consumers=3000, largest_agency_agents=40, largest_agency_cases=1500)
    manager = Agent.objects.get(user__email="manager@demo.agencyportal.test")
    agency = manager.user.memberships.get().agency
    people = Membership.objects.filter(agency=agency, status="active", role__in=["agent", "manager"])
    assert people.count() == 40
    held = Delegation.objects.filter(agency=agency, status="active").values("case").distinct().count()
    assert 1300 <= held <= 1700, held
    others = Delegation.objects.filter(status="active").exclude(agency=agency).values("case").distinct().count()
    assert others > 500, "the other agencies and independent agents have books too"


def test_names_are_written_as_people_write_them_and_e_mail_addresses_are_ascii():
    from portal.models import User

    seed()
    last_names = set(ConsumerCase.objects.values_list("last_name", flat=True)) | set(
        Agent.objects.values_list("last_name", flat=True)
    )
    assert {"O'Brien", "O'Connor", "D'Angelo", "McDaniel", "De la Cruz", "Núñez", "Ávila"} & last_names
    assert any("'" in name for name in last_names) and any(name.startswith("Mc") for name in last_names)
    assert any(not name.isascii() for name in last_names), "accents and ñ kept in names"
    assert not {"Obrien", "Mcdaniel", "Delacruz", "Dangelo", "Oconnor"} & last_names, "census spellings"
    assert all(name[:1].isupper() for name in last_names), "no name starts with a lower-case particle"
    emails = [*ConsumerCase.objects.exclude(email="").values_list("email", flat=True),
              *User.objects.values_list("email", flat=True), *Agent.objects.values_list("email", flat=True)]  # fmt: skip
    assert emails and all(email.isascii() and "'" not in email and " " not in email for email in emails)
    accented = ConsumerCase.objects.filter(last_name__in=["Núñez", "Ávila", "Peña", "Ibáñez"]).exclude(email="")
    assert accented.exists()
    for case in accented[:20]:
        assert case.email.startswith(ascii_email_part(case.first_name, case.last_name)), case.email
    assert (
        ascii_email_part("José", "De la Cruz") == "jose.delacruz" and ascii_email_part("Ana", "Núñez") == "ana.nunez"
    )
    assert ascii_email_part("Liam", "O'Brien") == "liam.obrien"


def test_telephone_numbers_have_the_area_codes_of_their_place():
    seed()
    california = california_zip_codes()

    def local(phone: str, zip_code: str) -> bool:
        return phone[:3] in california[zip_code]["area_codes"]

    locations = AgencyLocation.objects.all()
    assert locations.exists()
    assert all(local(location.phone, location.zip_code) for location in locations)
    cases = ConsumerCase.objects.exclude(phone="")
    assert cases.count() > 1000 and all(local(case.phone, case.zip_code) for case in cases)
    for agency in Agency.objects.all():
        main = agency.locations.order_by("pk").first()
        assert local(agency.phone, main.zip_code), (agency.phone, main.city)
    # Agents at an office are called on one of that city's numbers.
    for agent in Agent.objects.prefetch_related("subsite_locations"):
        offices = list(agent.subsite_locations.all())
        if offices:
            assert any(local(agent.phone, office.zip_code) for office in offices), agent.phone


def test_the_demo_consumer_signs_in_to_their_own_case_with_its_helper(client):
    from consumers.models import ConsumerAccount

    seed()
    account = ConsumerAccount.objects.select_related("case").get(user__email__startswith="consumer@")
    assert client.login(email=account.user.email, password=DEMO_PASSWORD)
    page = client.get("/my-case/").content.decode()
    assert account.case.case_number in page and "Manage delegates" in page
    assert Delegation.objects.filter(
        case=account.case, status="active", agent__user__email__startswith="agent@"
    ).exists()
