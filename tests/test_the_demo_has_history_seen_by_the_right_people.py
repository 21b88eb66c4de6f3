"""The demo world has a past worth exploring: documents (real small files the upload check accepts), change reports,
notes and follow-ups, access codes, transfers between agents and managers acting on behalf of their agents, written
as the services write them; and each person sees what is theirs to see: the agent their cases' notes, documents,
follow-ups and transfers, the manager what they did on the agent's behalf, the service center the log that names
both, a consumer the independent agent at their own office."""

import datetime
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from agencies.models import AgencyLocation
from agents.models import Agent
from consumers.models import AccessCode, CaseDocument, CaseNote, ChangeReport, FollowUp
from delegations.models import ActingOnBehalf, Delegation
from portal.models import AuditEvent, User
from portal.uploads import check_upload, sha256_of

from .factories import sign_in

pytestmark = [
    pytest.mark.django_db,
    # The demo's day, after its morning: the history before it, today's work through the services at ten.
    pytest.mark.frozen_at(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))),
]

AS_OF = datetime.date(2026, 11, 16)
DOMAIN = "demo.agencyportal.test"


@pytest.fixture
def demo():
    out = io.StringIO()
    call_command("seed_demo", agencies=5, agents=40, consumers=1200, seed=7, as_of=AS_OF, stdout=out)
    return out.getvalue()


def person(name: str) -> User:
    return User.objects.get(email=f"{name}@{DOMAIN}")


def test_every_kind_of_history_is_there_in_the_shape_the_services_write(demo):
    assert CaseNote.objects.count() > 100 and ChangeReport.objects.count() > 50
    assert FollowUp.objects.filter(done_at__isnull=True).exists() and FollowUp.objects.filter(done_at__isnull=False)
    assert set(ChangeReport.objects.values_list("kind", flat=True)) >= {"address", "phone", "income"}
    # Access codes the service center gave, used when the consumer asked a helper with them.
    used = AccessCode.objects.filter(used_at__isnull=False)
    assert used.exists() and not AccessCode.objects.filter(used_at__isnull=False, created_by__isnull=True).exists()
    assert Delegation.objects.filter(origin="access_code", case__in=used.values("case")).exists()
    # Transfers within an agency: the earlier delegation ended as transferred, the new one says where it came from.
    transfers = Delegation.objects.filter(origin="transfer", transferred_from__isnull=False).select_related(
        "transferred_from"
    )
    assert transfers.count() > 20
    for delegation in transfers[:50]:
        earlier = delegation.transferred_from
        assert earlier.end_reason == "transferred" and earlier.agency_id == delegation.agency_id
        assert earlier.case_id == delegation.case_id and earlier.agent_id != delegation.agent_id
    # Managers acted on behalf of their agents, each session ended, and the log names both.
    assert ActingOnBehalf.objects.filter(ended_at__isnull=False).count() >= 8
    assert not ActingOnBehalf.objects.filter(ended_at__isnull=True).exists()
    on_behalf = AuditEvent.objects.filter(on_behalf_of__isnull=False)
    assert on_behalf.filter(action="case.note_added").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions >= {
        "case.note_added", "case.follow_up_added", "case.follow_up_done", "case.change_reported",
        "case.document_uploaded", "access_code.generated", "access_code.used", "delegation.transferred",
        "acting.started", "acting.stopped", "agency.location_changed",
    }  # fmt: skip
    # A code given today is printed for the demo, to ask for help with.
    assert "access code" in demo


def test_documents_are_real_small_files_the_upload_check_accepts(demo):
    documents = CaseDocument.objects.all()
    assert documents.count() > 50
    assert {"application/pdf", "image/png"} <= set(documents.values_list("content_type", flat=True))
    for document in documents.order_by("pk")[:40]:
        with document.file.open("rb") as stored:
            content = stored.read()
        assert len(content) == document.size and content[:4] in (b"%PDF", b"\x89PNG")
        checked = check_upload(SimpleUploadedFile(document.original_name, content))
        assert checked.content_type == document.content_type
        assert sha256_of(SimpleUploadedFile("x", content)) == document.sha256
        assert document.verification_id is None or document.verification.case_id == document.case_id


def test_the_agent_sees_their_cases_notes_documents_follow_ups_and_the_cases_given_to_them_today(demo, client):
    agent = Agent.objects.get(user__email=f"agent@{DOMAIN}")
    sign_in(client, agent.user)
    today = client.get("/today/").content.decode()
    assert "Follow-ups due" in today
    assert FollowUp.objects.filter(owner=agent.user, done_at__isnull=True, due_date__lte=AS_OF).exists()
    # Five cases the manager gave the agent this morning, through the transfer the manager's page makes.
    given = Delegation.objects.filter(agent=agent, origin="transfer", status="active", started_at__date=AS_OF)
    assert given.count() == 5
    case = given.first().case
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.count("Transfer") >= 1 and given.first().transferred_from.agent.full_name in page
    # A case with a note and a document, written by the agent or their manager.
    note = CaseNote.objects.filter(helper=agent).order_by("pk").first()
    page = client.get(f"/cases/{note.case_id}/").content.decode()
    assert note.body.replace("'", "&#x27;") in page
    document = CaseDocument.objects.filter(case__delegations__agent=agent, case__delegations__status="active").first()
    page = client.get(f"/cases/{document.case_id}/").content.decode()
    assert f"/cases/{document.case_id}/documents/{document.pk}/" in page and "Document uploaded by" in page
    assert client.get(f"/cases/{document.case_id}/documents/{document.pk}/").status_code == 200


def test_another_agencys_agent_sees_none_of_those_notes(demo, client):
    agent = Agent.objects.get(user__email=f"agent@{DOMAIN}")
    note = CaseNote.objects.filter(helper=agent).order_by("pk").first()
    stranger = (
        Agent.objects.filter(certification_status="certified", user__memberships__status="active")
        .exclude(user__memberships__agency=note.agency)
        .first()
    )
    sign_in(client, stranger.user)
    response = client.get(f"/cases/{note.case_id}/")
    assert response.status_code in (403, 404)
    assert note.body not in response.content.decode()


def test_what_the_manager_did_on_the_agents_behalf_shows_on_the_case_and_in_the_log(demo, client):
    manager, agent = person("manager"), person("agent")
    today = ActingOnBehalf.objects.filter(manager=manager, agent__user=agent, started_at__date=AS_OF).get()
    assert today.ended_at is not None
    note = CaseNote.objects.filter(author=manager, body__startswith="Covering for").get()
    assert AuditEvent.objects.filter(action="case.note_added", actor=manager, on_behalf_of=agent).exists()
    sign_in(client, agent)
    page = client.get(f"/cases/{note.case_id}/").content.decode()
    assert "Covering for" in page and str(manager) in page
    # The service center reads the audit log, which names the manager and the agent they acted for.
    event = AuditEvent.objects.filter(action="case.note_added", on_behalf_of=agent).latest("created_at")
    staff = Client()
    sign_in(staff, person("servicecenter"))
    page = staff.get(f"/admin/portal/auditevent/{event.pk}/change/").content.decode()
    assert manager.email in page and str(agent) in page


def test_the_independent_agent_is_found_near_their_own_office(demo):
    independent = Agent.objects.get(user__email=f"independent@{DOMAIN}")
    office = AgencyLocation.objects.get(owner=independent.user)
    assert office.agency is None and office.latitude is not None and office.hours.exists()
    assert AuditEvent.objects.filter(action="agency.location_changed", actor=independent.user).exists()
    page = Client().get("/find-local-help/", {"zip_code": office.zip_code, "miles": 5}).content.decode()
    assert independent.last_name.replace("'", "&#x27;") in page and office.street in page
    # Other agents in no agency have offices of their own too.
    assert AgencyLocation.objects.filter(agency=None).exclude(owner=independent.user).exists()
