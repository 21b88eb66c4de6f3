"""Service-center staff roles are groups that limit what each may open in admin."""

import pytest
from django.contrib.auth.models import Group

from .factories import ConsumerCaseFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def staff_in(group_name):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_consumer_support_works_on_cases_but_not_on_certification_or_the_audit_log(client):
    case = ConsumerCaseFactory()
    sign_in(client, staff_in("Service center: consumer support"))
    assert client.get(f"/admin/consumers/consumercase/{case.pk}/change/").status_code == 200
    assert client.get("/admin/delegations/delegation/").status_code == 200
    assert client.get("/admin/agents/agent/add/").status_code == 403
    assert client.get("/admin/portal/auditevent/").status_code == 403
    assert client.get("/admin/portal/signinlock/").status_code == 403


def test_certification_staff_certify_agents_but_never_open_a_consumers_case(client):
    case = ConsumerCaseFactory()
    sign_in(client, staff_in("Service center: certification"))
    assert client.get("/admin/agents/agent/add/").status_code == 200
    assert client.get(f"/admin/consumers/consumercase/{case.pk}/change/").status_code == 403
    assert client.get("/admin/consumers/consumercase/").status_code == 403


def test_security_staff_read_the_audit_log_and_lift_locks(client):
    sign_in(client, staff_in("Service center: security"))
    assert client.get("/admin/portal/auditevent/").status_code == 200
    assert client.get("/admin/portal/signinlock/").status_code == 200
    assert client.get("/admin/consumers/consumercase/").status_code == 403


def test_staff_without_a_group_see_an_empty_admin(client):
    sign_in(client, UserFactory(is_staff=True))
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "You don’t have permission to view or edit anything." in index.content.decode()


def test_a_supervisor_may_do_what_every_other_role_may():
    supervisor = set(Group.objects.get(name="Service center: supervisor").permissions.all())
    for name in ["Service center: certification", "Service center: consumer support", "Service center: security"]:
        assert set(Group.objects.get(name=name).permissions.all()) <= supervisor, name
