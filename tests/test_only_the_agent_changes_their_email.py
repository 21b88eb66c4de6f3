"""An agent's e-mail is their portal sign-in and where their Agent Extranet links go: only the agent changes it,
confirmed at the new address, with a notice to the old one. An Agency Manager never sets it (issue 16, finding 1)."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from agents.models import Agent
from extranet.models import PasswordLink
from portal.models import AuditEvent, User

from .extranet_support import active_account, at, links_in
from .factories import agency_with_manager, agent_in, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "Portal-Demo-2026!"


@pytest.fixture
def agent():
    agency, manager = agency_with_manager()
    agent = agent_in(agency, email="ana.reyes@example.com")
    agent.user.email = "ana.reyes@example.com"
    agent.user.set_password(PASSWORD)
    agent.user.save()
    return agency, manager, agent


def confirmation_link(outbox) -> str:
    [url] = [u for m in outbox for u in re.findall(r"https?://\S+/agent/profile/email/\S+/", m.body)]
    return urlsplit(url).path


def test_a_manager_cannot_set_an_agents_email(client, agent):
    agency, manager, agent = agent
    sign_in(client, manager.user)
    page = client.get(f"/agency/agents/{agent.pk}/").content.decode()
    assert 'name="email"' not in page, "the manager's form has no e-mail field"
    assert "Only the agent changes their e-mail" in page
    data = {"first_name": agent.first_name, "last_name": agent.last_name, "phone": "916 555 0199",
            "email": "manager-owned@example.com"}  # fmt: skip
    assert client.post(f"/agency/agents/{agent.pk}/", data).status_code == 302
    agent.refresh_from_db()
    agent.user.refresh_from_db()
    assert (agent.phone, agent.email, agent.user.email) == ("916-555-0199", "ana.reyes@example.com",
                                                             "ana.reyes@example.com")  # fmt: skip


def test_a_manager_who_resets_the_extranet_cannot_receive_the_link(client, agent, django_capture_on_commit_callbacks):
    """The takeover the attacker found: edit the e-mail, ask for a reset, sign in as the agent. Now the link goes
    only to the agent's own address."""
    agency, manager, agent = agent
    account = active_account(agent)
    sign_in(client, manager.user)
    client.post(f"/agency/agents/{agent.pk}/", {"first_name": "A", "last_name": agent.last_name,
                                                 "phone": "916 555 0199", "email": "attacker@example.com"})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/extranet/reset/", {"username": account.username})
    assert mail.outbox and {m.to[0] for m in mail.outbox} == {"ana.reyes@example.com"}


def test_the_agent_changes_their_email_confirmed_at_the_new_address(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    account = active_account(agent)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/extranet/reset/", {"username": account.username})
    [old_reset] = links_in(mail.outbox)
    mail.outbox.clear()
    sign_in(client, agent.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/agent/profile/email/", {"email": "Ana.New@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"ana.new@example.com", "ana.reyes@example.com"}
    assert "a•••@example.com" in sent["ana.reyes@example.com"].body, "the old address is told, the new one masked"
    assert "ana.new@example.com" not in sent["ana.reyes@example.com"].body
    agent.refresh_from_db()
    assert agent.email == "ana.reyes@example.com", "nothing changes until the new address confirms"

    link = confirmation_link(mail.outbox)
    mail.outbox.clear()
    assert "ana.new@example.com" in client.get(link).content.decode()
    agent.refresh_from_db()
    assert agent.email == "ana.reyes@example.com", "opening the link (a mail scanner does) changes nothing"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 302
    agent.refresh_from_db()
    agent.user.refresh_from_db()
    assert (agent.email, agent.user.email) == ("ana.new@example.com", "ana.new@example.com")
    assert [m.to[0] for m in mail.outbox] == ["ana.reyes@example.com"], "the old address hears it is done"
    assert AuditEvent.objects.filter(action="agent.email_changed", object_id=str(agent.pk)).count() == 1

    # The reset link sent to the old address died with the change; the link works once.
    assert PasswordLink.objects.filter(account=account, used_at__isnull=True, revoked_at__isnull=True).count() == 0
    assert Client().get(urlsplit(old_reset).path).status_code == 410
    assert client.post(link).status_code == 400
    # The new address is the sign-in now; the old one is not.
    assert Client().login(email="ana.new@example.com", password=PASSWORD)
    assert not Client().login(email="ana.reyes@example.com", password=PASSWORD)


def test_a_change_needs_the_agents_password(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post("/agent/profile/email/", {"email": "ana.new@example.com", "password": "guess"})
    assert "This is not your current password." in wrong.content.decode()
    assert 'value="ana.new@example.com"' in wrong.content.decode(), "the input is kept"
    assert not mail.outbox


def test_only_the_agent_who_asked_can_use_the_link(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/agent/profile/email/", {"email": "ana.new@example.com", "password": PASSWORD})
    link = confirmation_link(mail.outbox)
    stranger = sign_in(Client(), agent_in(agency).user)
    assert stranger.post(link).status_code == 400
    boss = sign_in(Client(), manager.user)
    assert boss.post(link).status_code == 400
    assert Agent.objects.get(pk=agent.pk).email == "ana.reyes@example.com"
    assert client.post(link + "x/").status_code in (400, 404)


def test_the_link_expires_after_a_day(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/agent/profile/email/", {"email": "ana.new@example.com", "password": PASSWORD})
    link = confirmation_link(mail.outbox)
    with at(timezone.now() + datetime.timedelta(hours=25)):
        sign_in(client, agent.user)
        assert client.post(link).status_code == 400
    assert Agent.objects.get(pk=agent.pk).email == "ana.reyes@example.com"


def test_an_agent_cannot_send_confirmation_links_at_will(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        pages = [client.post("/agent/profile/email/", {"email": f"n{n}@example.com", "password": PASSWORD})
                 for n in range(6)]  # fmt: skip
    assert [page.status_code for page in pages] == [302, 302, 302, 200, 200, 200]
    assert "Try again later" in pages[-1].content.decode()
    assert len([m for m in mail.outbox if m.to[0].startswith("n")]) == 3


def test_a_borrowed_session_cannot_guess_the_password_through_the_email_form(client, agent):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    for n in range(3):
        client.post("/agent/profile/email/", {"email": "new@example.com", "password": f"guess-{n}-xxxxxxx"})
    last = client.post("/agent/profile/email/", {"email": "new@example.com", "password": PASSWORD})
    assert last.status_code == 302 and "/accounts/login/" in last["Location"], "locked: signed out, not checked"
    assert Agent.objects.get(pk=agent.pk).email == "ana.reyes@example.com"


def test_the_answer_is_the_same_for_an_address_someone_has(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    other = agent_in(agency, email="taken@example.com")
    User.objects.filter(pk=other.user_id).update(email="taken@example.com")
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/agent/profile/email/", {"email": "taken@example.com", "password": PASSWORD}, follow=True)
    assert "We sent a link to t•••@example.com" in taken.content.decode()
    assert not [m for m in mail.outbox if m.to[0] == "taken@example.com"], "the address's owner is sent nothing"


def test_a_used_link_does_not_work_again_after_changing_back(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/agent/profile/email/", {"email": "b@example.com", "password": PASSWORD})
    first = confirmation_link(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post("/agent/profile/email/", {"email": "ana.reyes@example.com", "password": PASSWORD})
    assert back.status_code == 302, back.content.decode()[-3000:]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_link(mail.outbox))
    assert Agent.objects.get(pk=agent.pk).email == "ana.reyes@example.com"
    assert client.post(first).status_code == 400
    assert Agent.objects.get(pk=agent.pk).email == "ana.reyes@example.com"


def test_an_older_link_dies_when_a_newer_one_is_asked_for(client, agent, django_capture_on_commit_callbacks):
    agency, manager, agent = agent
    sign_in(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/agent/profile/email/", {"email": "first@example.com", "password": PASSWORD})
    older = confirmation_link(mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/agent/profile/email/", {"email": "second@example.com", "password": PASSWORD})
    assert client.post(older).status_code == 400
    assert client.post(confirmation_link(mail.outbox)).status_code == 302
    assert Agent.objects.get(pk=agent.pk).email == "second@example.com"


@pytest.mark.django_db(transaction=True)
def test_six_requests_at_once_send_at_most_three_links():
    """The hourly limit is counted under the agent's row lock: six requests on six PostgreSQL connections at once
    send three confirmation links, and the other three are refused."""
    import threading

    from django.db import close_old_connections, connection

    from agents.services import AgentError, request_email_change

    agency, _manager = agency_with_manager()
    agent = agent_in(agency, email="ana.reyes@example.com")
    barrier, outcomes = threading.Barrier(6), []

    def ask(n):
        close_old_connections()
        try:
            barrier.wait()
            request_email_change(agent=agent, new_email=f"n{n}@example.com")
            outcomes.append("asked")
        except AgentError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["asked"] * 3 + ["refused"] * 3
    assert AuditEvent.objects.filter(action="agent.email_change_requested", object_id=str(agent.pk)).count() == 3
