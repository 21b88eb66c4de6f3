"""Telling people things: a Secure Mailbox message, and an e-mail that says one arrived.

E-mails go out through a Celery task with retries, after the transaction that
caused them commits. They carry no consumer data.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import MailboxMessage, User
from .queueing import enqueue
from .tasks import send_email
from .words import Text, say


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def notify(*, user: User, subject: Text | str, body: Text | str, email: bool = True) -> MailboxMessage:
    """Put a message in the user's Secure Mailbox and e-mail them that it is there (in their language).

    `subject` and `body` are best portal.words texts: the message is then read in whatever language its reader
    reads the portal in. A plain string is kept as it is."""
    language = user.preferred_language or settings.LANGUAGE_CODE
    kept = {part: text.to_json() for part, text in (("subject", subject), ("body", body)) if isinstance(text, Text)}
    subject, body = say(subject, language)[:200], say(body, language)
    message = MailboxMessage.objects.create(recipient=user, subject=subject, body=body, words=kept or None)
    if email and user.email:
        with translation.override(user.preferred_language):
            text = render_to_string(
                "portal/email/new_mailbox_message.txt",
                {"user": user, "subject": subject, "url": absolute_url(reverse("mailbox_message", args=[message.pk]))},
            )
        send_email_after_commit(to=user.email, subject=subject, body=text)
    return message


def send_email_after_commit(*, to: str, subject: str, body: str, prefixed: bool = True) -> None:
    """E-mail `to` once the transaction commits (not at all if it rolls back). The subject starts with the
    portal's prefix unless `prefixed` is False (for consumers, who do not know the portal by name)."""
    prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX if prefixed else ""
    message = {"to": to, "subject": f"{prefix}{subject}", "body": body}
    # The broker away: the same task is run here instead (the mail server is not away, most likely).
    transaction.on_commit(lambda: enqueue(send_email, kwargs=message, fallback=lambda: send_email(**message)))
