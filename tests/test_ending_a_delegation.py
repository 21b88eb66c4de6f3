"""Service-center staff end a delegation at the consumer's request; the helper loses access."""

import pytest

from portal.models import MailboxMessage

from .factories import UserFactory, delegate, sign_in

pytestmark = pytest.mark.django_db


def test_staff_end_a_delegation_at_the_consumers_request_and_the_helper_loses_access(client, world):
    delegation = delegate(agent=world["agent"], agency=world["agency"])
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff)
    client.post(
        "/admin/delegations/delegation/", {"action": "end_at_consumers_request", "_selected_action": [delegation.pk]}
    )
    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_reason) == ("ended", "consumer_request") and delegation.ended_at
    sign_in(client, world["agent"].user)
    assert client.get(f"/cases/{delegation.case_id}/").status_code == 404
    assert MailboxMessage.objects.filter(recipient=world["agent"].user, subject="A delegation ended").exists()
