"""The header's count of replies from the service center the person has not read (base.html adds it to the
Secure Mailbox's badge)."""

from .selectors import unread_replies


def replies(request):
    return {"unread_replies": unread_replies(getattr(request, "user", None))}
