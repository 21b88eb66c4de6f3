"""The extranet's files: an agent's own extracts, a manager's agency's too, newest first, downloaded through an audited view."""

import datetime

from bookofbusiness.models import Extract
from portal.models import AuditEvent

from .extranet_support import IN_THE_WEEK_OF_MONDAY, active_account, extranet_client, published
from .factories import agency_with_manager, agent_in

pytestmark = IN_THE_WEEK_OF_MONDAY


def test_agents_see_their_files_newest_first_managers_also_their_agencys(client):
    agency, manager = agency_with_manager()
    rosa = agent_in(agency)
    old = published("agent", rosa, datetime.date(2026, 11, 16))
    new = published("agent", rosa, datetime.date(2026, 11, 23), "xlsx")
    agencys = published("agency", agency, datetime.date(2026, 11, 23))
    managers = published("agent", manager, datetime.date(2026, 11, 23))
    Extract.objects.create(scope="agent", agent=rosa, kind="ce", week=datetime.date(2026, 11, 23), file_format="csv")
    rosa_client = extranet_client(active_account(rosa))
    page = rosa_client.get("/extranet/")
    assert [extract.pk for extract in page.context["extracts"]] == [new.pk, old.pk], "no writing files, newest first"
    assert rosa_client.get(f"/extranet/files/{agencys.pk}/download/").status_code == 404
    assert rosa_client.get(f"/extranet/files/{managers.pk}/download/").status_code == 404
    download = rosa_client.get(f"/extranet/files/{new.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"a,b\n1,2\n"
    assert download["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="file.downloaded", object_id=str(new.pk))
    assert event.actor_label == rosa.extranet_account.username and event.details["sha256"] == "a" * 64
    manager_page = extranet_client(active_account(manager)).get("/extranet/")
    assert {extract.pk for extract in manager_page.context["extracts"]} == {agencys.pk, managers.pk}
