"""Review of issue 17 (PII in audit details): the export of chosen cases records the Book's filter verbatim in the
audit event's details, and the Book's filter carries the words searched for, a consumer's name ("q=Alvarez").
The header search and the Book's list audit take care never to record those words (pages/search.py: "the words
searched for, which may be a name, are neither audited nor logged"; the access log writes the path alone for the
same reason), and the audit log is to carry identifiers, never consumers' PII (portal/changes.py)."""

import json

import pytest

from delegations.models import Delegation
from portal.models import AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db


def recorded(action):
    return json.dumps([event.details for event in AuditEvent.objects.filter(action=action)])


def test_exporting_chosen_cases_found_by_name_does_not_put_the_name_in_the_audit_log(client, book):
    sign_in(client, book["manager"].user)
    ana = Delegation.objects.get(case=book["cases"]["ana"], status="active").pk
    response = client.post("/book/chosen/export/csv/", {"chosen": [ana], "filters": "q=Alvarez&sort=name"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert AuditEvent.objects.filter(action="export.created").exists()
    assert "Alvarez" not in recorded("export.created")


def test_exporting_the_book_found_by_name_does_not_put_the_name_in_the_audit_log(client, book):
    """The same in the whole-book export, which "all matching" of the chosen export redirects to."""
    sign_in(client, book["manager"].user)
    response = client.post("/book/chosen/export/csv/", {"all": "1", "filters": "q=Alvarez"}, follow=True)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert "Alvarez" not in recorded("export.created")
