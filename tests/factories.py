"""factory-boy factories: each builds a valid object with the fewest related objects it needs."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from agencies.models import Agency, AgencyLocation, Membership
from agents.models import Agent
from consumers.models import ConsumerCase, Enrollment, Verification
from delegations.models import Consent, Delegation
from portal.models import User
from portal.validators import california_zip_codes

PASSWORD = "Correct-Horse-Battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    kind = Agency.Kind.INSURANCE_AGENCY
    legal_name = factory.Sequence(lambda n: f"Agency {n} Insurance Services, LLC")
    public_name = factory.Sequence(lambda n: f"Agency {n} Insurance Services")
    fein = factory.Sequence(lambda n: f"{10 + n % 5}{n:07d}")
    license_number = factory.Sequence(lambda n: f"0A{n:05d}")
    certification_status = "certified"
    certified_on = datetime.date(2024, 1, 15)


class AgencyLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyLocation

    agency = factory.SubFactory(AgencyFactory)
    name = "Main office"
    street = "1415 L Street"
    city = "Sacramento"
    zip_code = "95814"
    county = "Sacramento"
    phone = "916-555-0100"
    latitude = factory.LazyAttribute(lambda o: Decimal(california_zip_codes()[o.zip_code]["lat"]))
    longitude = factory.LazyAttribute(lambda o: Decimal(california_zip_codes()[o.zip_code]["long"]))


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    user = factory.SubFactory(UserFactory)
    first_name = factory.SelfAttribute("user.first_name")
    last_name = factory.SelfAttribute("user.last_name")
    email = factory.SelfAttribute("user.email")
    phone = "916-555-0123"
    license_number = factory.Sequence(lambda n: f"0H{n:05d}")
    certification_status = "certified"
    certified_on = datetime.date(2024, 2, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.AGENT


class ConsumerCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsumerCase

    case_number = factory.Sequence(lambda n: f"{4000000000 + n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1985, 6, 1)
    street = "100 Main Street"
    city = "Fresno"
    zip_code = "93721"
    county = "Fresno"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    case = factory.SubFactory(ConsumerCaseFactory)
    plan_year = 2026
    issuer = "Blue Shield of California"
    plan_name = "Blue Shield Silver 70 Trio HMO"
    metal_tier = Enrollment.MetalTier.SILVER
    monthly_premium = Decimal("612.00")
    aptc = Decimal("400.00")
    coverage_start = datetime.date(2026, 1, 1)
    coverage_end = datetime.date(2026, 12, 31)
    status = Enrollment.Status.EFFECTUATED


class VerificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verification

    case = factory.SubFactory(ConsumerCaseFactory)
    kind = Verification.Kind.INCOME
    due_date = datetime.date(2026, 12, 15)


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation
        skip_postgeneration_save = True  # its hook adds a consent record; the delegation itself is saved already

    case = factory.SubFactory(ConsumerCaseFactory)
    agent = factory.SubFactory(AgentFactory)
    agency = None
    status = Delegation.Status.ACTIVE
    origin = Delegation.Origin.FIND_LOCAL_HELP
    started_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        """Its consent record, as the portal opens every delegation with one (`consent=False`: none)."""
        if not create or extracted is False:
            return
        from delegations.services import consent_words, helper_phrase

        Consent.objects.create(
            delegation=obj, case=obj.case, agent=obj.agent, agency=obj.agency, channel=Consent.Channel.FIND_LOCAL_HELP,
            consented_by=obj.case.applicant_name, consented_at=obj.requested_at, recorded_at=obj.requested_at,
            language="en", covers=consent_words(helper_phrase(obj.agent.full_name, getattr(obj.agency, "public_name",
                                                                                          None))),
        )  # fmt: skip


def agency_with_manager(**agency_fields):
    """An agency and its Agency Manager (a certified agent), as (agency, manager_agent)."""
    agency = AgencyFactory(**agency_fields)
    manager = AgentFactory()
    MembershipFactory(user=manager.user, agency=agency, role=Membership.Role.MANAGER)
    return agency, manager


def agent_in(agency, **agent_fields):
    agent = AgentFactory(**agent_fields)
    MembershipFactory(user=agent.user, agency=agency, role=Membership.Role.AGENT)
    return agent


def invite(agent, *, agency, by=None, days=7):
    """An invitation from the agency to the agent, waiting for the agent's answer."""
    from agencies.models import AgencyInvitation

    now = timezone.now()
    return AgencyInvitation.objects.create(
        agency=agency, user=agent.user, invited_by=by, created_at=now, expires_at=now + datetime.timedelta(days=days)
    )


def admin_staff_in(agency, **grants):
    user = UserFactory()
    MembershipFactory(user=user, agency=agency, role=Membership.Role.ADMIN_STAFF, **grants)
    return user


def delegate(case=None, *, agent, agency=None, status=Delegation.Status.ACTIVE, **fields):
    """A delegation of `case` (a new one if not given) to `agent` within `agency`."""
    now = timezone.now()
    values = {
        "requested_at": now - datetime.timedelta(days=1),
        "started_at": now if status == Delegation.Status.ACTIVE else None,
        "ended_at": now if status in (Delegation.Status.ENDED, Delegation.Status.DECLINED) else None,
        **fields,
    }
    return DelegationFactory(case=case or ConsumerCaseFactory(), agent=agent, agency=agency, status=status, **values)


def verified_device(user):
    """A confirmed authenticator for `user` (made once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, user):
    """Sign `user` in on the test client with the second factor already verified, as after a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
    return client


def current_code(device) -> str:
    """The code an authenticator app would show for `device` right now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def consumer(case=None, *, confirmed=True, **fields):
    """A consumer's own account, as signing up makes it: its address confirmed (unless told), linked to `case` when
    one is given."""
    from allauth.account.models import EmailAddress

    from consumers.models import ConsumerAccount

    user = UserFactory(is_consumer=True, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=confirmed)
    if case is not None:
        ConsumerAccount.objects.create(user=user, case=case)
    return user


def consumer_signed_in(user):
    """A browser signed in as the consumer: with no second factor, which a consumer need not enrol."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
