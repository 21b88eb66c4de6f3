"""Signing in, and the landing page each role sees."""

import pytest

from agencies.models import Membership

from .factories import (
    PASSWORD,
    AgentFactory,
    MembershipFactory,
    UserFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    current_code,
    sign_in,
    verified_device,
)

pytestmark = pytest.mark.django_db


def test_sign_in_page_shows_the_system_use_notice(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in to the Agency Portal" in page
    assert "Authorized use only" in page
    assert "monitored, recorded and subject to audit" in page
    assert "personally identifiable information (PII)" in page
    assert "sign up" not in page.lower()


def test_pages_with_data_send_a_stranger_to_sign_in(client):
    for url in ["/", "/agency/", "/agency/agents/", "/delegations/mine/", "/mailbox/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_manager_signs_in_by_email_and_lands_on_today(client):
    agency, manager = agency_with_manager(public_name="Golden Bear Insurance")
    device = verified_device(manager.user)
    response = client.post(
        "/accounts/login/", {"login": manager.user.email.upper(), "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith("/security/two-factor/verify/")
    response = client.post(response.redirect_chain[-1][0], {"code": current_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == "/today/"
    page = response.content.decode()
    assert "Golden Bear Insurance" in page
    for item in [
        "Today",
        "Agency Portal",
        "Agents",
        "Admin Staff",
        "Agency Delegations",
        "Agency Account",
        "My Delegations",
        "My Agent Profile",
        "Secure Mailbox",
        "My Security Profile",
        "Logout",
        "Español",
        "Help",
    ]:
        assert item in page, item


def test_wrong_password_says_so_without_saying_whether_the_account_exists(client):
    _, manager = agency_with_manager()
    wrong = client.post("/accounts/login/", {"login": manager.user.email, "password": "not-it-at-all"})
    unknown = client.post("/accounts/login/", {"login": "nobody@example.com", "password": "not-it-at-all"})
    assert wrong.status_code == unknown.status_code == 200
    message = "The email address and/or password you specified are not correct."
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()


def test_agent_lands_on_today(client):
    agency, _ = agency_with_manager()
    agent = agent_in(agency)
    sign_in(client, agent.user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/today/"
    page = response.content.decode()
    assert "What you have to do" in page and "My Delegations" in page
    assert "Admin Staff" not in page


def test_unaffiliated_agent_lands_on_today(client):
    agent = AgentFactory()
    sign_in(client, agent.user)
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/today/"


def test_admin_staff_land_on_the_agency_portal_with_only_what_they_were_granted(client):
    agency, _ = agency_with_manager()
    staff = admin_staff_in(agency, can_view_roster=True)
    sign_in(client, staff)
    page = client.get("/", follow=True).content.decode()
    assert "Agency Portal" in page
    assert 'href="/agency/agents/"' in page
    assert 'href="/agency/delegations/"' not in page
    assert 'href="/agency/staff/"' not in page
    assert "My Delegations" not in page
    assert client.get("/agency/delegations/").status_code == 403
    assert client.get("/agency/staff/").status_code == 403


def test_service_center_staff_land_on_the_service_center(client):
    staff = UserFactory(is_staff=True)
    sign_in(client, staff)
    response = client.get("/")
    assert response.status_code == 200
    assert "Service Center" in response.content.decode()
    assert "/admin/" in response.content.decode()


def test_person_without_a_role_is_told_what_to_do(client):
    sign_in(client, UserFactory())
    page = client.get("/").content.decode()
    assert "not part of an agency yet" in page
    assert "877-453-9198" in page


def test_deactivated_agency_person_no_longer_reaches_the_agency_portal(client):
    agency, _ = agency_with_manager()
    staff = UserFactory()
    MembershipFactory(
        user=staff,
        agency=agency,
        role=Membership.Role.ADMIN_STAFF,
        status=Membership.Status.INACTIVE,
        can_view_roster=True,
    )
    sign_in(client, staff)
    assert client.get("/agency/agents/").status_code == 403
    assert "not part of an agency yet" in client.get("/").content.decode()


def test_sign_out_ends_the_session(client):
    _, manager = agency_with_manager()
    sign_in(client, manager.user)
    client.post("/accounts/logout/")
    assert client.get("/agency/").status_code == 302


def test_language_switch_shows_the_header_link_for_the_other_language(client):
    _, manager = agency_with_manager()
    sign_in(client, manager.user)
    client.post("/i18n/setlang/", {"language": "es", "next": "/agency/"})
    page = client.get("/agency/").content.decode()
    assert '<html lang="es">' in page
    assert ">English</button>" in page
