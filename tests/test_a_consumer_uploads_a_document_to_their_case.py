"""A consumer uploads a verification document to their own case: checked by content as a helper's upload is; the
item becomes Submitted; the helper is told; a file that is not what it says is refused beside its field with
nothing saved; a consumer downloads their own case's documents only, audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consumers.models import CaseDocument
from portal.models import AuditEvent, MailboxMessage

from .consumer_support import pdf
from .factories import ConsumerCaseFactory, consumer, consumer_signed_in, delegate

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(household):
    delegate(household["case"], agent=household["helper"], agency=household["agency"])
    person = consumer(household["case"])
    return {**household, "person": person, "client": consumer_signed_in(person)}


def test_a_consumer_uploads_a_document_for_an_item_and_the_helper_is_told(mine):
    response = mine["client"].post("/my-case/documents/", {"kind": "income", "verification": mine["item"].pk,
                                                            "file": pdf()})  # fmt: skip
    assert response["Location"] == "/my-case/"
    document = CaseDocument.objects.get(case=mine["case"])
    assert (document.uploaded_by, document.content_type) == (mine["person"], "application/pdf")
    mine["item"].refresh_from_db()
    assert mine["item"].status == "submitted"
    assert MailboxMessage.objects.get(recipient=mine["helper"].user).subject == "A consumer uploaded a document"
    page = mine["client"].get("/my-case/").content.decode()
    assert "paystub.pdf" in page and "by you" in page
    # The helper sees it on their case page, said as the consumer's.
    from .factories import sign_in

    helper_page = sign_in(consumer_signed_in(mine["helper"].user), mine["helper"].user).get(
        f"/cases/{mine['case'].pk}/").content.decode()  # fmt: skip
    assert "paystub.pdf" in helper_page and "Document uploaded by the consumer" in helper_page


def test_a_file_that_is_not_what_it_says_is_refused_beside_its_field(mine):
    fake = SimpleUploadedFile("paystub.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = mine["client"].post("/my-case/documents/", {"kind": "income", "verification": mine["item"].pk,
                                                            "file": fake})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400 and 'id="document_file"' in page and 'aria-invalid="true"' in page
    assert not CaseDocument.objects.exists()
    mine["item"].refresh_from_db()
    assert mine["item"].status == "open"


def test_a_consumer_downloads_their_own_documents_only(mine):
    mine["client"].post("/my-case/documents/", {"kind": "income", "verification": "", "file": pdf()})
    own = CaseDocument.objects.get(case=mine["case"])
    response = mine["client"].get(f"/my-case/documents/{own.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="case.document_downloaded", actor=mine["person"]).exists()
    other = CaseDocument.objects.create(case=ConsumerCaseFactory(), kind="income", file=pdf("theirs.pdf"),
                                        original_name="theirs.pdf", content_type="application/pdf", size=10,
                                        sha256="a" * 64)  # fmt: skip
    assert mine["client"].get(f"/my-case/documents/{other.pk}/").status_code == 404
    assert mine["client"].get(f"/cases/{mine['case'].pk}/documents/{own.pk}/").status_code == 404


def test_an_item_of_another_case_cannot_be_named(mine):
    from .factories import VerificationFactory

    theirs = VerificationFactory()
    response = mine["client"].post("/my-case/documents/", {"kind": "income", "verification": theirs.pk,
                                                            "file": pdf()})  # fmt: skip
    assert response.status_code == 400 and not CaseDocument.objects.exists()
    theirs.refresh_from_db()
    assert theirs.status == "open"
