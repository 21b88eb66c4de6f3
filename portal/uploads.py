"""Uploaded documents: the type is read from the content, never trusted from the name; size is limited."""

import contextlib
import hashlib
import re
import unicodedata
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
EXTENSIONS = dict(SIGNATURES.values())  # content type -> the extension a file of that type is downloaded with


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


# What a file name may not keep: quotes, path and shell punctuation, and what Windows refuses in names.
UNSAFE_IN_NAMES = frozenset("\"'`\\/:;*?<>|%$&{}[]")
TRAILING_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
DOWNLOAD_NAME_LENGTH = 100


def download_name(original_name: str, content_type: str) -> str:
    """The name a checked upload is downloaded under: the safe part of the uploaded name's base, its
    extensions replaced by the one of the type its content was checked to be (a PDF uploaded as
    `report.pdf.html` downloads as `report.pdf`). Folders, control and invisible characters (a
    right-to-left override, a line break), quotes and punctuation that names a path are dropped."""
    base = re.split(r"[/\\]", original_name or "")[-1]
    kept = "".join(
        "" if char in UNSAFE_IN_NAMES else " " if unicodedata.category(char)[0] in "CZ" else char for char in base
    )
    stem = " ".join(kept.split())
    while TRAILING_EXTENSION.search(stem):
        stem = TRAILING_EXTENSION.sub("", stem)
    stem = stem[:DOWNLOAD_NAME_LENGTH].strip(" .-") or "document"
    return stem + EXTENSIONS.get(content_type, ".bin")


@contextlib.contextmanager
def kept_with_its_row(document):
    """Around the transaction that stores `document` (a PrivateFile, with `store`): if that transaction does not
    commit, the file it already wrote goes too, so the storage keeps no file that no row names. It goes around the
    outermost `atomic()`: around a savepoint, a rollback of the transaction after it would leave the file. (Stored
    names are random, so the name is this upload's alone; PrivateFile.store.)"""
    try:
        yield
    except BaseException:
        if document.file.name:
            with contextlib.suppress(Exception):  # the error that rolled back is the one to report
                document.file.storage.delete(document.file.name)
        raise
