"""A document whose file the storage no longer holds (removed by hand, or lost with a bucket) is "not found" for the
person asking, never a server error, and the log says which stored file is missing; on S3 and in a folder alike."""

import logging

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from consumers.models import CaseDocument

from .cases_support import PDF
from .factories import delegate, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a_folder(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}  # fmt: skip


@pytest.mark.parametrize("storage", ["s3_storage", "in_a_folder"])
def test_a_case_document_whose_file_is_gone_is_not_found(client, world, caplog, request, storage):
    request.getfixturevalue(storage)
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    sign_in(client, world["agent"].user)
    client.post(f"/cases/{case.pk}/documents/", {"kind": "income", "file": SimpleUploadedFile("a.pdf", PDF)})
    document = CaseDocument.objects.get()
    default_storage.delete(document.file.name)

    with caplog.at_level(logging.ERROR, logger="portal.downloads"):
        response = client.get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 404
    assert f"missing from the storage: {document.file.name}" in caplog.text
