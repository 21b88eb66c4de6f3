"""Private files leave the portal one way: as an attachment that no cache keeps and no browser sniffs. Every
download view (after its scoping selector and its audit row) answers with `private_download` of `stored(file)`,
or, for a file someone uploaded, `uploaded_file_download`."""

import logging

from django.http import FileResponse, Http404

from . import uploads

logger = logging.getLogger(__name__)


class _ObjectBody:
    """An object of the S3-compatible store, read as it arrives and passed on: never copied whole into the web
    process's memory or onto its disk first (as opening it through the storage would)."""

    def __init__(self, body, size: int):
        self.body, self.size = body, size

    def read(self, amount: int = -1) -> bytes:
        return self.body.read(None if amount is None or amount < 0 else amount)

    def close(self) -> None:
        self.body.close()


def stored(file):
    """A stored private file (a FileField's file) opened for reading: from the folder as it is, from object storage
    as a stream of the object's body. A file its row names but the storage no longer holds is a 404 for the person
    (nothing to give them) and an error in the log (something removed it)."""
    try:
        handle = file.storage.open(file.name, "rb")
        obj = getattr(handle, "obj", None)  # django-storages' S3File: the object, not yet downloaded
        if obj is None:
            return handle
        got = obj.get()
    except FileNotFoundError:
        return _missing(file)
    except Exception as error:
        if _no_such_object(error):
            return _missing(file)
        raise
    return _ObjectBody(got["Body"], got["ContentLength"])


def _no_such_object(error: Exception) -> bool:
    response = getattr(error, "response", None)  # botocore's ClientError
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in {"NoSuchKey", "404"}


def _missing(file):
    logger.error("A stored file its row names is missing from the storage: %s", file.name)
    raise Http404("missing file")


def private_download(handle, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    if isinstance(handle, _ObjectBody):
        response["Content-Length"] = str(handle.size)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def uploaded_file_download(document) -> FileResponse:
    """An uploaded file (a `PrivateFile`): served as the type its content was checked to be when it was
    uploaded, under its download name, whose extension is that type's, whatever name it came with."""
    content_type = document.content_type if document.content_type in uploads.EXTENSIONS else "application/octet-stream"
    return private_download(stored(document.file), filename=document.download_name, content_type=content_type)
