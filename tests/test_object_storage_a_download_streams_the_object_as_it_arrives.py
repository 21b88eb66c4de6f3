"""On S3 a download passes the object's body on as it arrives from the store, with its length: the web process
never copies a whole file (a weekly extract, a large export) into its memory or onto its disk before sending it."""

import io

import pytest
from django.core.management import call_command
from storages.backends.s3 import S3File

from bookofbusiness.models import Extract

from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY, active_account, extranet_client

pytestmark = IN_THE_WEEK_OF_MONDAY


def test_an_extract_is_streamed_from_the_bucket_without_a_copy_of_it(world, s3_storage, monkeypatch):
    call_command("run_weekly_extracts", week=MONDAY.date(), stdout=io.StringIO())
    extract = Extract.objects.filter(scope="agency", file_format="xlsx").first()

    def whole_copy(self, *args, **kwargs):
        raise AssertionError("the download copied the whole object before sending it")

    monkeypatch.setattr(S3File, "file", property(whole_copy))
    response = extranet_client(active_account(world["manager"])).get(f"/extranet/files/{extract.pk}/download/")

    assert response.status_code == 200 and response.streaming
    assert response["Content-Length"] == str(extract.size)
    assert b"".join(response.streaming_content) == s3_storage.read(extract.file.name)
    assert response["Cache-Control"] == "private, no-store"


@pytest.fixture
def world():
    from .factories import ConsumerCaseFactory, agency_with_manager, agent_in, delegate

    agency, manager = agency_with_manager()
    agent = agent_in(agency)
    delegate(ConsumerCaseFactory(), agent=agent, agency=agency)
    return {"agency": agency, "manager": manager, "agent": agent}
