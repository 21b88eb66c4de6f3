"""Short notes on a case: written on the case page by the agency's people (or an independent agent), read there by
whoever may see the case now, and only the notes of whoever holds it now. A note written under one agency is not
shown to the next agency the consumer goes to, nor to an agent who left; a transfer within the agency keeps them;
an independent agent's notes are theirs, and come along when they join an agency with the consumer. Adding one is
audited (never its words); no note is ever in an e-mail."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from agents.services import accept_agency_invitation
from consumers.models import CaseNote
from delegations.models import Delegation
from delegations.services import end_delegation, transfer_delegations
from portal.models import AuditEvent

from .factories import (
    AgentFactory,
    UserFactory,
    admin_staff_in,
    agency_with_manager,
    agent_in,
    delegate,
    invite,
    sign_in,
)

pytestmark = pytest.mark.django_db

NOTE = "Prefers calls after 5pm; daughter Marisol translates."


def notes_section(page: str) -> str:
    return page.split('id="notes-heading"', 1)[1].split("</section>", 1)[0]


def add_note(client, case, body=NOTE, **kwargs):
    return client.post(f"/cases/{case.pk}/notes/", {"body": body}, **kwargs)


@pytest.fixture
def case(world):
    return delegate(agent=world["agent"], agency=world["agency"]).case


def test_the_agent_adds_a_note_and_the_agency_reads_who_wrote_it_and_when(
    world, case, django_capture_on_commit_callbacks
):
    agent = sign_in(Client(), world["agent"].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = add_note(agent, case)
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/")
    note = CaseNote.objects.get()
    assert (note.agency, note.helper, note.author) == (world["agency"], world["agent"], world["agent"].user)
    for reader in (world["manager"].user, admin_staff_in(world["agency"], can_view_book=True), world["agent"].user):
        section = notes_section(sign_in(Client(), reader).get(f"/cases/{case.pk}/").content.decode())
        assert NOTE in section and str(world["agent"].user) in section, reader
        assert timezone.localtime(note.created_at).strftime("%m/%d/%Y") in section
    event = AuditEvent.objects.get(action="case.note_added")
    assert event.object_id == str(case.pk) and event.details == {"note": note.pk}
    assert "Marisol" not in str(list(AuditEvent.objects.values_list("details", flat=True))), "never the note's words"
    assert not any("Marisol" in message.body or "Marisol" in message.subject for message in mail.outbox)


def test_a_bad_note_is_refused_beside_its_field_with_what_was_typed(world, case):
    client = sign_in(Client(), world["agent"].user)
    page = add_note(client, case, body="   ").content.decode()
    assert 'id="note_body_error"' in page and "This field is required." in page
    long = "Called twice. " * 80
    page = add_note(client, case, body=long).content.decode()
    assert "Ensure this value has at most 1000 characters" in notes_section(page)
    assert long.strip() in notes_section(page), "what was typed is kept"
    assert not CaseNote.objects.exists()


def test_html_in_a_note_is_shown_as_text(world, case):
    client = sign_in(Client(), world["agent"].user)
    add_note(client, case, body='<script>alert("x")</script><b>bold</b>')
    section = notes_section(client.get(f"/cases/{case.pk}/").content.decode())
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in section
    assert "<script>" not in section and "<b>bold" not in section


@pytest.mark.parametrize("who", ["manager", "agent"])
def test_another_agencys_people_get_404_and_nothing_is_written(world, case, who):
    other, their_manager = agency_with_manager()
    person = their_manager.user if who == "manager" else agent_in(other).user
    delegate(agent=their_manager, agency=other)  # they do have cases of their own
    assert add_note(sign_in(Client(), person), case).status_code == 404
    assert not CaseNote.objects.exists()


def test_admin_staff_without_the_book_and_service_center_staff_neither_read_nor_add_notes(world, case):
    assert add_note(sign_in(Client(), admin_staff_in(world["agency"])), case).status_code == 404
    add_note(sign_in(Client(), world["agent"].user), case)
    staff = UserFactory(is_staff=True)
    client = sign_in(Client(), staff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert NOTE not in page and 'id="notes-heading"' not in page, "notes are private to the case's holder"
    assert f"/cases/{case.pk}/notes/" not in page
    assert client.get("/admin/consumers/casenote/").status_code == 404, "nor in admin"
    assert add_note(client, case, body="From the service center").status_code == 403
    assert CaseNote.objects.count() == 1


def test_a_transfer_within_the_agency_keeps_the_notes(world, case):
    add_note(sign_in(Client(), world["agent"].user), case)
    li = agent_in(world["agency"], first_name="Li")
    transfer_delegations(by=world["manager"].user, agency=world["agency"], from_agent=world["agent"], to_agent=li)
    assert NOTE in notes_section(sign_in(Client(), li.user).get(f"/cases/{case.pk}/").content.decode())


def test_a_former_agent_no_longer_sees_the_case_nor_its_notes(world, case):
    former = sign_in(Client(), world["agent"].user)
    add_note(former, case)
    li = agent_in(world["agency"])
    transfer_delegations(by=world["manager"].user, agency=world["agency"], from_agent=world["agent"], to_agent=li)
    world["agent"].user.memberships.update(status="inactive", ended_on=timezone.localdate())
    assert former.get(f"/cases/{case.pk}/").status_code == 404
    assert add_note(former, case, body="Still here?").status_code == 404
    assert CaseNote.objects.count() == 1


def test_after_the_consumer_moves_to_another_agency_its_notes_stay_behind(world, case):
    add_note(sign_in(Client(), world["agent"].user), case)
    delegation = Delegation.objects.get(case=case, status="active")
    end_delegation(delegation=delegation, by=UserFactory(is_staff=True), reason="consumer_request")
    other, their_manager = agency_with_manager()
    delegate(case, agent=agent_in(other), agency=other)
    theirs = sign_in(Client(), their_manager.user)
    section = notes_section(theirs.get(f"/cases/{case.pk}/").content.decode())
    assert NOTE not in section and "No notes yet." in section
    add_note(theirs, case, body="New agency, new notes")
    assert sign_in(Client(), world["manager"].user).get(f"/cases/{case.pk}/").status_code == 404
    mine = theirs.get(f"/cases/{case.pk}/").content.decode()
    assert "New agency, new notes" in notes_section(mine) and NOTE not in notes_section(mine)


def test_an_independent_agents_notes_are_theirs_and_come_along_when_they_join_an_agency(world):
    independent = AgentFactory(first_name="Inez")
    case = delegate(agent=independent, agency=None).case
    client = sign_in(Client(), independent.user)
    add_note(client, case)
    assert CaseNote.objects.get().agency is None
    assert NOTE in notes_section(client.get(f"/cases/{case.pk}/").content.decode())
    invitation = invite(independent, agency=world["agency"], by=world["manager"].user)
    accept_agency_invitation(invitation_id=invitation.pk, by=independent.user)
    assert CaseNote.objects.get().agency == world["agency"]
    manager = sign_in(Client(), world["manager"].user).get(f"/cases/{case.pk}/").content.decode()
    assert NOTE in notes_section(manager)


def test_an_independent_agent_does_not_see_notes_of_an_agency_that_held_the_case_before(world, case):
    add_note(sign_in(Client(), world["agent"].user), case)
    end_delegation(delegation=Delegation.objects.get(case=case, status="active"), by=UserFactory(is_staff=True),
                   reason="consumer_request")  # fmt: skip
    independent = AgentFactory()
    delegate(case, agent=independent, agency=None)
    page = sign_in(Client(), independent.user).get(f"/cases/{case.pk}/").content.decode()
    assert NOTE not in notes_section(page)


def test_a_manager_acting_for_the_agent_writes_as_themselves(world, case):
    client = sign_in(Client(), world["manager"].user)
    assert client.post(f"/delegations/acting/{world['agent'].pk}/start/").status_code == 302
    add_note(client, case)
    note = CaseNote.objects.get()
    assert note.author == world["manager"].user and note.agency == world["agency"]
    assert AuditEvent.objects.get(action="case.note_added").on_behalf_of == world["agent"].user
