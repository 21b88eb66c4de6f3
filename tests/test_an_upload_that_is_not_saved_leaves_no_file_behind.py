"""An upload whose transaction does not commit (the audit record, the row itself, or what follows in the same
transaction fails after the file was written) leaves no file in the storage: on S3 and in the folder alike, the
storage keeps only files a row names."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from agencies.models import AgencyDocument
from consumers import services as consumer_services
from consumers.models import CaseDocument
from portal import audit

from .cases_support import PDF
from .consumer_support import pdf
from .factories import consumer, consumer_signed_in, delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def the_audit_fails(monkeypatch):
    """Call it once signed in: from then on, writing the audit log fails."""

    def record(*args, **kwargs):
        raise DatabaseError("the audit log could not be written")

    return lambda: monkeypatch.setattr(audit, "record", record)


def files_in(folder):
    found, (folders, files) = [], default_storage.listdir(folder) if default_storage.exists(folder) else ([], [])
    found += [f"{folder}/{name}" for name in files]
    for child in folders:
        found += files_in(f"{folder}/{child}")
    return found


def test_a_case_document_whose_audit_fails_is_not_left_in_the_bucket(client, world, s3_storage, the_audit_fails):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    the_audit_fails()
    with pytest.raises(DatabaseError):
        client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert not CaseDocument.objects.exists()
    assert s3_storage.stored() == set()


def test_an_agency_document_whose_audit_fails_is_not_left_in_the_folder(client, world, settings, tmp_path,
                                                                      the_audit_fails):  # fmt: skip
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip
    sign_in(client, world["manager"].user)
    the_audit_fails()
    with pytest.raises(DatabaseError):
        client.post("/agency/account/documents/", {"kind": "license", "file": SimpleUploadedFile("l.pdf", PDF)})
    assert not AgencyDocument.objects.exists()
    assert files_in("agencies") == []


def test_a_saved_upload_keeps_its_file(client, world, s3_storage):
    sign_in(client, world["manager"].user)
    client.post("/agency/account/documents/", {"kind": "license", "file": SimpleUploadedFile("l.pdf", PDF)})
    assert s3_storage.stored() == {AgencyDocument.objects.get().file.name}


def test_a_consumers_upload_whose_helper_cannot_be_told_is_not_left_in_the_bucket(household, s3_storage, monkeypatch):
    # The consumer's upload and the message to their helper are one transaction: the file was written before the
    # message failed, inside it, and goes with the rest.
    delegate(household["case"], agent=household["helper"], agency=household["agency"])
    person = consumer_signed_in(consumer(household["case"]))

    def the_mailbox_fails(**kwargs):
        raise DatabaseError("the mailbox could not be written")

    monkeypatch.setattr(consumer_services, "notify", the_mailbox_fails)
    with pytest.raises(DatabaseError):
        person.post("/my-case/documents/", {"kind": "income", "verification": household["item"].pk, "file": pdf()})
    assert not CaseDocument.objects.exists()
    assert s3_storage.stored() == set()
