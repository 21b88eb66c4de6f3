"""On S3: the Monday run writes every owner's four extracts to the bucket under the names their published rows
keep, each private; the extranet lists them and downloads each one whole through its audited view (the bytes the
bucket holds, matching the SHA-256 and size the row and the page show)."""

import datetime
import hashlib
import io
from urllib.parse import urlsplit

from django.core.management import call_command

from bookofbusiness.models import Extract
from portal.models import AuditEvent

from .extranet_support import IN_THE_WEEK_OF_MONDAY, MONDAY, active_account, extranet_client
from .factories import ConsumerCaseFactory, VerificationFactory, delegate

pytestmark = IN_THE_WEEK_OF_MONDAY
WEEK = MONDAY.date()


def test_the_weeks_extracts_are_published_to_the_bucket_listed_and_downloaded_whole(world, s3_storage):
    cases = [delegate(ConsumerCaseFactory(), agent=world["agent"], agency=world["agency"]).case for _ in range(3)]
    VerificationFactory(case=cases[0], due_date=WEEK + datetime.timedelta(days=9))
    call_command("run_weekly_extracts", week=WEEK, stdout=io.StringIO())

    published = Extract.objects.filter(week=WEEK, status="published")
    assert published.count() == Extract.objects.count() == 8, "four for the agent, four for the agency"
    assert s3_storage.stored() == set(published.values_list("file", flat=True)), "every file, and only those"
    for extract in published:
        assert extract.file.name.startswith(f"extracts/{WEEK:%Y-%m-%d}/")
        stored = s3_storage.read(extract.file.name)
        assert (hashlib.sha256(stored).hexdigest(), len(stored)) == (extract.sha256, extract.size)
        assert s3_storage.public_grants(extract.file.name) == [] and s3_storage.anonymous_get(extract.file.name) == 403

    for person, scope in ((world["agent"], "agent"), (world["manager"], "agency")):
        client = extranet_client(active_account(person))
        page = client.get("/extranet/")
        listed = page.context["extracts"]
        assert {(e.scope, e.kind, e.file_format) for e in listed} == {
            (scope, kind, file_format) for kind in ("bob", "ce") for file_format in ("csv", "xlsx")
        }
        html = page.content.decode()
        assert "X-Amz-" not in html and urlsplit(s3_storage.endpoint_url).netloc not in html
        for extract in listed:
            assert extract.sha256[:16] in html
            download = client.get(f"/extranet/files/{extract.pk}/download/")
            assert download.status_code == 200 and download.streaming and "Location" not in download
            content = b"".join(download.streaming_content)
            assert content == s3_storage.read(extract.file.name)
            assert hashlib.sha256(content).hexdigest() == extract.sha256 and len(content) == extract.size
    assert AuditEvent.objects.filter(action="file.downloaded").count() == 8
