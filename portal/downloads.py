"""Private files leave the portal one way: as an attachment that no cache keeps and no browser sniffs. Every
download view (after its scoping selector and its audit row) answers with `private_download`, or, for a file
someone uploaded, `uploaded_file_download`."""

from django.http import FileResponse

from . import uploads


def private_download(handle, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def uploaded_file_download(document) -> FileResponse:
    """An uploaded file (a `PrivateFile`): served as the type its content was checked to be when it was
    uploaded, under its download name, whose extension is that type's, whatever name it came with."""
    content_type = document.content_type if document.content_type in uploads.EXTENSIONS else "application/octet-stream"
    return private_download(document.file.open("rb"), filename=document.download_name, content_type=content_type)
