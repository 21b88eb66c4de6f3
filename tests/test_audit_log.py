"""The audit log records who did what, from where, on whose behalf, and can never be changed."""

import psycopg
import pytest

from agents.services import set_certification
from portal import audit
from portal.models import AuditEvent, AuditLogIsAppendOnly

from . import database_roles
from .factories import AgentFactory, UserFactory, admin_staff_in, agency_with_manager, agent_in, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_an_event_carries_actor_address_browser_object_and_details(rf):
    user = UserFactory()
    agent = AgentFactory()
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox/140")
    request.user = user
    event = audit.record("agent.status_changed", request=request, obj=agent, details={"to": "inactive"})
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.client_ip, event.user_agent) == (
        user, user.email, "203.0.113.9", "Firefox/140",
    )  # fmt: skip
    assert (event.object_id, event.object_label, event.details) == (
        str(agent.pk), f"agent {agent.license_number}", {"to": "inactive"},
    )  # fmt: skip


def test_unknown_actions_are_refused_so_every_code_has_a_description():
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.record("something.made_up")


def test_events_cannot_be_changed_or_deleted_through_the_application():
    event = audit.record("auth.signed_out", actor=UserFactory())
    event.action = "auth.signed_in"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="auth.signed_in")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)  # the event is committed, for the owner's connection to see
def test_the_database_refuses_to_change_or_delete_an_event_even_by_raw_sql_as_the_tables_owner():
    """The trigger, not only privileges: the owner holds every privilege on the table and is still refused.
    (The portal's own role holds no UPDATE or DELETE at all: tests/test_audit_log_cannot_be_emptied.py.)"""
    event = audit.record("auth.signed_out", actor=UserFactory())
    with psycopg.connect(database_roles.url(database_roles.OWNER), autocommit=True) as owner:
        for sql in [
            "UPDATE portal_auditevent SET action = 'x' WHERE id = %s",
            "DELETE FROM portal_auditevent WHERE id = %s",
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                owner.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.signed_out"


def test_sign_in_success_and_failure_are_recorded_with_the_address(client):
    user = UserFactory()
    client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"}, REMOTE_ADDR="198.51.100.7")
    failed = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert (failed.actor, failed.actor_label, failed.client_ip) == (None, user.email, "198.51.100.7")


def test_certification_changes_are_recorded_with_who_and_why():
    staff = UserFactory(is_staff=True)
    agent = AgentFactory()
    set_certification(agent=agent, status="suspended", by=staff, reason="license_under_review", note="Case 44-1")
    event = AuditEvent.objects.get(action="agent.certification_changed")
    assert event.actor == staff
    assert event.details == {"from": "certified", "to": "suspended", "reason": "license_under_review", "note": "Case 44-1",
                             "expires_on": None}  # fmt: skip


def test_admin_changes_are_recorded_without_the_consumers_name(client):
    from .factories import ConsumerCaseFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    case = ConsumerCaseFactory(first_name="Rosalind", last_name="Delgado")
    sign_in(client, staff)
    page = client.get(f"/admin/consumers/consumercase/{case.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key not in ("created_at", "updated_at")
    }
    data.update({"renewal_status": "renewed", "date_of_birth": "1985-06-01"})
    for prefix in ["household_members", "enrollments", "verifications", "access_codes"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert client.post(f"/admin/consumers/consumercase/{case.pk}/change/", data).status_code == 302
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.actor == staff
    assert event.object_label == f"case {case.case_number}"
    assert "Delgado" not in str(event.object_label) + str(event.details)


def test_viewing_a_list_of_cases_records_which_cases_were_shown(client):
    agency, manager = agency_with_manager()
    case = delegate(agent=agent_in(agency), agency=agency).case
    sign_in(client, manager.user)
    client.get("/agency/delegations/")
    event = AuditEvent.objects.get(action="cases.listed")
    assert event.actor == manager.user
    assert event.details == {"view": "agency_delegations", "page": 1, "cases": [case.case_number]}


def test_audit_log_is_read_only_in_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    event = AuditEvent.objects.filter(action="auth.signed_in").first()
    page = client.get(f"/admin/portal/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/portal/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/portal/auditevent/add/").status_code == 403
    listing = client.get("/admin/portal/auditevent/", {"action": "auth.signed_in"})
    assert "Signed in with password" in listing.content.decode()


def test_admin_staff_without_a_grant_cannot_read_the_audit_log(client):
    agency, _ = agency_with_manager()
    sign_in(client, admin_staff_in(agency, can_view_book=True))
    assert client.get("/admin/portal/auditevent/").status_code == 302


def test_reading_a_case_in_admin_is_recorded_like_the_case_page(client):
    from .factories import ConsumerCaseFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    case = ConsumerCaseFactory()
    sign_in(client, staff)
    assert client.get(f"/admin/consumers/consumercase/{case.pk}/change/").status_code == 200
    event = AuditEvent.objects.get(action="case.viewed")
    assert (event.actor, event.object_id, event.details) == (staff, str(case.pk), {"in": "admin"})


def test_admin_links_documents_only_through_the_audited_download(client):
    from django.core.files.base import ContentFile

    from consumers.models import CaseDocument

    from .factories import ConsumerCaseFactory

    case = ConsumerCaseFactory()
    document = CaseDocument.objects.create(
        case=case, kind="income", file=ContentFile(b"%PDF-1.7", "x.pdf"), original_name="paystub.pdf",
        content_type="application/pdf", size=8, sha256="a" * 64,
    )  # fmt: skip
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/consumers/casedocument/{document.pk}/change/").content.decode()
    assert f"/cases/{case.pk}/documents/{document.pk}/" in page
    assert document.file.name not in page
    assert client.get("/admin/consumers/casedocument/add/").status_code == 403
