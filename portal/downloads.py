"""Private files leave the portal one way: as an attachment that no cache keeps. Every download view (after
its scoping selector and its audit row) answers with `private_download`."""

from django.http import FileResponse


def private_download(handle, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
