"""Every admin page the service center uses opens, lists, searches and shows an object."""

import datetime
import io

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, AgencyDocument, AgencyInvitation
from agents.models import Agent, ExpiryReminder
from bookofbusiness.models import BookOfBusinessExport, Extract
from consumers.models import AccessCode, CaseDocument, CaseNote, ChangeReport, ConsumerCase, FollowUp
from delegations.models import ActingOnBehalf
from extranet.models import ExtranetAccount
from portal.models import OutageNotice, SignInFailure, SignInLock

from .factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    call_command("seed_demo", agencies=2, agents=8, consumers=60, seed=3, stdout=io.StringIO())
    staff = UserFactory(is_staff=True, is_superuser=True)
    agency, agent, case = (Agency.objects.first(), Agent.objects.first(), ConsumerCase.objects.first())
    now = timezone.now()
    document = {
        "original_name": "license.pdf",
        "content_type": "application/pdf",
        "size": 4,
        "sha256": "a" * 64,
        "uploaded_by": staff,
    }
    AgencyDocument.objects.create(agency=agency, kind="license", file=ContentFile(b"%PDF", "x.pdf"), **document)
    CaseDocument.objects.create(case=case, kind="income", file=ContentFile(b"%PDF", "x.pdf"), **document)
    ChangeReport.objects.create(case=case, kind="phone", details={"phone": "916-555-0101"}, reported_by=staff)
    CaseNote.objects.create(case=case, agency=agency, helper=agent, author=agent.user, body="Call after 5pm")
    FollowUp.objects.create(case=case, agency=agency, helper=agent, owner=agent.user, created_by=agent.user,
                            due_date=datetime.date(2026, 12, 1), text="Call back")  # fmt: skip
    code = AccessCode(case=case, created_by=staff, expires_at=now + datetime.timedelta(days=30))
    code.set_code("7KQ2-M9XP")
    code.save()
    Extract.objects.create(kind="bob", scope="agent", agent=agent, week=datetime.date(2026, 11, 16), file_format="csv")
    BookOfBusinessExport.objects.create(requested_by=staff, agency=agency, file_format="xlsx")
    ExtranetAccount.objects.create(agent=agent, username=f"CC_{agent.license_number}")
    AgencyInvitation.objects.create(agency=agency, user=agent.user, invited_by=staff, expires_at=now)
    ActingOnBehalf.objects.create(manager=staff, agent=agent, agency=agency)
    SignInFailure.objects.create(identifier="someone@example.com", client_ip="127.0.0.1")
    ExpiryReminder.objects.create(agent=agent, kind="license", expires_on=datetime.date(2026, 12, 20))
    SignInLock.objects.create(identifier="someone@example.com", locked_until=now + datetime.timedelta(hours=1))
    OutageNotice.objects.create(title_en="CalHEERS outage", starts_at=now + datetime.timedelta(days=2),
                                ends_at=now + datetime.timedelta(days=3))  # fmt: skip
    return staff


OUR_APPS = {"portal", "agencies", "agents", "consumers", "delegations", "bookofbusiness", "extranet"}


def admin_models():
    return [
        pytest.param(model, id=f"{model._meta.app_label}.{model._meta.model_name}") for model in admin.site._registry
    ]


@pytest.mark.parametrize("model", admin_models())
def test_admin_pages_open_for_service_center_staff(client, world, model):
    sign_in(client, world)
    info = (model._meta.app_label, model._meta.model_name)
    listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert listing.status_code == 200
    assert client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"}).status_code == 200
    obj = model.objects.order_by("pk").first()
    if model._meta.app_label in OUR_APPS:
        assert obj is not None, "the world should hold one of each of our models"
    if obj is not None:
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200
    model_admin = admin.site._registry[model]
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (200 if model_admin.has_add_permission(_request(world)) else 403)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_admin_is_closed_to_agency_people(client, world):
    manager = Agent.objects.get(user__email="manager@demo.agencyportal.test").user
    sign_in(client, manager)
    response = client.get("/admin/consumers/consumercase/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_certifying_an_agent_in_admin_records_who_and_why(client, world):
    sign_in(client, world)
    agent = Agent.objects.filter(certification_status="certified").first()
    response = client.get(reverse("admin:agents_agent_change", args=[agent.pk]))
    form = response.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "user": agent.user_id,
            "languages": [language.pk for language in agent.languages.all()],
            "product_expertise": [p.pk for p in agent.product_expertise.all()],
            "subsite_locations": ",".join(str(location.pk) for location in agent.subsite_locations.all()),
            "change_certification_to": "suspended",
            "certification_reason": "",
            "certification_changes-TOTAL_FORMS": "0",
            "certification_changes-INITIAL_FORMS": "0",
            "license_expires_on": agent.license_expires_on.isoformat(),
            "certification_expires_on": agent.certification_expires_on.isoformat(),
        }
    )
    refused = client.post(reverse("admin:agents_agent_change", args=[agent.pk]), data)
    assert "Choose the reason for the change." in refused.content.decode()
    agent.refresh_from_db()
    assert agent.certification_status == "certified"

    data["certification_reason"] = "license_under_review"
    data["certification_note"] = "Complaint 2026-114"
    saved = client.post(reverse("admin:agents_agent_change", args=[agent.pk]), data)
    assert saved.status_code == 302
    agent.refresh_from_db()
    assert agent.certification_status == "suspended"
    change = agent.certification_changes.order_by("-changed_at", "-pk").first()
    assert (change.from_status, change.to_status, change.reason, change.note, change.changed_by) == (
        "certified",
        "suspended",
        "license_under_review",
        "Complaint 2026-114",
        world,
    )
