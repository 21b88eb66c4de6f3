"""Uploaded documents: the type is read from the content, never trusted from the name; size is limited."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# The first bytes of each kind of file we accept.
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}


@dataclass
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Refuse empty, oversized and non-PDF/JPEG/PNG files (by content); return type, size and SHA-256."""
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)},
        )
    upload.seek(0)
    head = upload.read(16)
    kind = next((kind for signature, kind in SIGNATURES.items() if head.startswith(signature)), None)
    if kind is None:
        raise ValidationError(
            _("Only PDF, JPEG and PNG files can be uploaded; this file is something else, whatever its name."),
            code="wrong_type",
        )
    content_type, extension = kind
    return CheckedUpload(content_type=content_type, extension=extension, size=upload.size, sha256=sha256_of(upload))


def sha256_of(file) -> str:
    """The SHA-256 of a file's whole content, read in 1 MiB chunks from its start; the file is left at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
