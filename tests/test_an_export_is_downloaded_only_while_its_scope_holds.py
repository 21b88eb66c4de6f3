"""A large export is downloaded only while the person who made it still holds the scope it was made in: Admin
Staff removed, or whose grant is taken back, and an agent who moved to another agency get a 404."""

import pytest

from agencies.models import Membership
from bookofbusiness import services
from bookofbusiness.models import BookOfBusinessExport

from .factories import MembershipFactory, admin_staff_in, agency_with_manager, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def large_exports(monkeypatch):
    monkeypatch.setattr(services, "STREAM_LIMIT", 0)  # every export is written by the task


def export_as(client, user, django_capture_on_commit_callbacks):
    sign_in(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/book/export/csv/")
    job = BookOfBusinessExport.objects.get(requested_by=user)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 200
    return job


def test_admin_staff_removed_from_the_agency_cannot_download_what_they_exported(
    client, book, large_exports, django_capture_on_commit_callbacks
):
    staff = admin_staff_in(book["agency"], can_view_book=True, can_export_book=True)
    job = export_as(client, staff, django_capture_on_commit_callbacks)
    assert job.agency_id == book["agency"].pk
    Membership.objects.filter(user=staff).update(status="inactive")
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404
    assert client.get(f"/book/exports/{job.pk}/").status_code == 404


def test_admin_staff_whose_export_grant_is_taken_back_cannot_download(
    client, book, large_exports, django_capture_on_commit_callbacks
):
    staff = admin_staff_in(book["agency"], can_view_book=True, can_export_book=True)
    job = export_as(client, staff, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=staff).update(can_export_book=False)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404


def test_an_agent_who_moved_to_another_agency_cannot_download_the_old_agencys_book(
    client, book, large_exports, django_capture_on_commit_callbacks
):
    rosa = book["rosa"]
    job = export_as(client, rosa.user, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=rosa.user).update(status="inactive")
    MembershipFactory(user=rosa.user, agency=agency_with_manager()[0], role=Membership.Role.AGENT)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404


def test_the_manager_still_downloads_their_own(client, book, large_exports, django_capture_on_commit_callbacks):
    job = export_as(client, book["manager"].user, django_capture_on_commit_callbacks)
    assert client.get(f"/book/exports/{job.pk}/download/").status_code == 200


def test_an_agent_who_left_and_came_back_cannot_download_what_they_exported_before(
    client, book, large_exports, django_capture_on_commit_callbacks
):
    import datetime

    from agents.services import accept_agency_invitation, set_agent_status
    from delegations.services import transfer_delegations

    from .extranet_support import at
    from .factories import invite

    rosa, agency, manager = book["rosa"], book["agency"], book["manager"].user
    job = export_as(client, rosa.user, django_capture_on_commit_callbacks)
    transfer_delegations(by=manager, agency=agency, from_agent=rosa, to_agent=book["li"])
    set_agent_status(agent=rosa, agency=agency, by=manager, active=False)
    with at(job.created_at + datetime.timedelta(days=1)):
        accept_agency_invitation(invitation_id=invite(rosa, agency=agency, by=manager).pk, by=rosa.user)
        sign_in(client, rosa.user)
        assert client.get(f"/book/exports/{job.pk}/download/").status_code == 404, "Ana's case is Li's now"
