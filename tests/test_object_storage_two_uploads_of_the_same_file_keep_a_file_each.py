"""Two uploads of the same bytes to the same case (a double click, or the consumer and their helper at once) are
two documents with a file each in the bucket: S3 cannot create an object only if it is absent, so uploads never
share a name, and one that is not saved takes only its own file with it, never the other's."""

import contextlib
import threading

import pytest
from django.core.files.storage import default_storage
from django.db import DatabaseError

from consumers import services
from consumers.models import CaseDocument
from portal import audit
from portal.uploads import check_upload

from .concurrency_support import at_once
from .consumer_support import pdf
from .factories import delegate, sign_in

pytestmark = pytest.mark.django_db(transaction=True)  # the uploads at once each have their own connection


def upload(case, by):
    document = pdf()
    return services.upload_case_document(case=case, by=by, kind="income", verification=None, upload=document,
                                         checked=check_upload(document))  # fmt: skip


@pytest.fixture
def both_look_before_either_writes(monkeypatch):
    """The race S3 leaves open, made certain: each upload asks whether its name is taken, and neither writes until
    both have had their answer."""
    default_storage.exists("warm")  # the lazy storage, built
    storage_class = type(default_storage._wrapped)
    exists, looked = storage_class.exists, threading.Barrier(2)

    def exists_then_wait(storage, name):
        taken = exists(storage, name)
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait(timeout=5)
        return taken

    monkeypatch.setattr(storage_class, "exists", exists_then_wait)


def test_the_same_file_uploaded_twice_at_once_is_two_documents_with_a_file_each(
    household, s3_storage, both_look_before_either_writes
):
    delegate(household["case"], agent=household["helper"], agency=household["agency"])
    by = household["helper"].user
    outcomes = at_once([lambda: upload(household["case"], by)] * 2)
    assert all(isinstance(outcome, CaseDocument) for outcome in outcomes), outcomes
    names = {document.file.name for document in CaseDocument.objects.all()}
    assert len(names) == 2 and s3_storage.stored("cases/") == names
    assert {s3_storage.read(name) for name in names} == {pdf().read()}
    assert len({document.sha256 for document in CaseDocument.objects.all()}) == 1, "the same content, hashed alike"


def test_an_upload_of_the_same_file_that_is_not_saved_leaves_the_first_ones_file(
    client, household, s3_storage, monkeypatch
):
    delegate(household["case"], agent=household["helper"], agency=household["agency"])
    by = household["helper"].user
    first = upload(household["case"], by)

    def record(*args, **kwargs):
        raise DatabaseError("the audit log could not be written")

    monkeypatch.setattr(audit, "record", record)
    with pytest.raises(DatabaseError):
        upload(household["case"], by)
    monkeypatch.undo()

    assert s3_storage.stored("cases/") == {first.file.name}
    sign_in(client, by)
    download = client.get(f"/cases/{household['case'].pk}/documents/{first.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf().read()
