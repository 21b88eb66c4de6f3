"""What changes the messages between a person and the service center: writing, answering, reading, closing.

Every text is stored with anything shaped like a Social Security number masked (portal.masking): the form tells
people not to type one, and what they typed anyway is never kept. A person learns of an answer by an e-mail that
says only that one arrived, never what it says."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consumers.models import ConsumerCase
from portal import audit
from portal.masking import has_ssn, mask_ssns
from portal.models import User
from portal.notifications import absolute_url, send_email_after_commit
from portal.permissions import Capability, permissions_for
from portal.person import changed as people_changed

from .models import SUBJECT_MAX_LENGTH, Thread, ThreadMessage
from .selectors import cases_to_name, forget_unread_replies


class MailboxError(Exception):
    """Something the person or the staff member asked for cannot be done; the message is fit for the page."""


class CaseNotYours(MailboxError):
    """The case named is not one the person may see (another agency's, another consumer's, or none at all)."""


class ThreadClosed(MailboxError):
    """The thread is closed: nobody writes in it any more."""


def thread_language(language: str | None) -> str:
    """The thread's language: the page's when it was written, English unless that was Spanish."""
    return Thread.Language.SPANISH if (language or "").lower().startswith("es") else Thread.Language.ENGLISH


def write_to_service_center(
    *, person: User, subject: str, body: str, case: ConsumerCase | None = None, language: str | None = None
) -> Thread:
    """A person (CHAT) writes a new message to the service center, optionally about a case they may see; it
    waits for an answer from now. Audited."""
    if not permissions_for(person).allows(Capability.CHAT):
        raise MailboxError(_("This account cannot write to the Service Center."))
    if case is not None and not cases_to_name(person).filter(pk=case.pk).exists():
        raise CaseNotYours(_("No case you may see has this case number."))
    subject, body = subject.strip(), body.strip()
    masked = has_ssn(subject) or has_ssn(body)
    now = timezone.now()
    with transaction.atomic():
        thread = Thread.objects.create(
            person=person,
            subject=mask_ssns(subject)[:SUBJECT_MAX_LENGTH],
            case=case,
            language=thread_language(language),
            created_at=now,
            last_message_at=now,
            awaiting_answer_since=now,
            person_read_at=now,
        )
        ThreadMessage.objects.create(thread=thread, author=person, body=mask_ssns(body), created_at=now)
        audit.record(
            "mailbox.thread_written",
            actor=person,
            obj=thread,
            details={"case": case.case_number if case else None, "ssn_masked": masked},
        )
    return thread


def reply_as_person(*, thread: Thread, person: User, body: str) -> ThreadMessage:
    """The thread's person writes again: it waits for an answer (since their oldest unanswered message)."""
    now = timezone.now()
    with transaction.atomic():
        thread = _locked(thread)
        if thread.person_id != person.pk or not permissions_for(person).allows(Capability.CHAT):
            raise MailboxError(_("This account cannot write in this thread."))
        if thread.is_closed:
            raise ThreadClosed(_("This conversation is closed. Write a new message to the Service Center instead."))
        message = ThreadMessage.objects.create(
            thread=thread, author=person, body=mask_ssns(body.strip()), created_at=now
        )
        thread.last_message_at = thread.person_read_at = now
        thread.awaiting_answer_since = thread.awaiting_answer_since or now
        thread.save(update_fields=["last_message_at", "person_read_at", "awaiting_answer_since"])
        audit.record("mailbox.person_replied", actor=person, obj=thread, details={"ssn_masked": has_ssn(body)})
    return message


def answer(*, thread: Thread, staff: User, body: str) -> ThreadMessage:
    """A member of the service center who answers (ANSWER_CHAT) answers the thread; its person is told by e-mail
    that a reply arrived (in their language, without the reply). Audited."""
    if not permissions_for(staff).allows(Capability.ANSWER_CHAT):
        raise MailboxError(_("Only the service center's chat staff answer messages."))
    now = timezone.now()
    with transaction.atomic():
        thread = _locked(thread)
        if thread.is_closed:
            raise ThreadClosed(_("This thread is closed: it can no longer be answered."))
        message = ThreadMessage.objects.create(
            thread=thread, author=staff, from_service_center=True, body=mask_ssns(body.strip()), created_at=now
        )
        waited = (now - thread.awaiting_answer_since).total_seconds() if thread.awaiting_answer_since else None
        thread.last_message_at = thread.answered_at = thread.staff_read_at = now
        thread.awaiting_answer_since = None
        thread.save(update_fields=["last_message_at", "answered_at", "staff_read_at", "awaiting_answer_since"])
        audit.record("mailbox.answered", actor=staff, obj=thread, details={"waited_seconds": waited})
        people_changed([thread.person_id])  # what is kept of them: their count of unread replies
        _tell_reply_arrived(thread)
    return message


def mark_read_by_person(*, thread: Thread, person: User) -> None:
    """The person opened their thread: its replies are read."""
    if thread.has_unread_reply or thread.person_read_at is None:
        thread.person_read_at = timezone.now()
        Thread.objects.filter(pk=thread.pk, person_id=person.pk).update(person_read_at=thread.person_read_at)
        people_changed([thread.person_id])
        forget_unread_replies(person)  # the page being made counts them anew


def mark_read_by_staff(*, thread: Thread) -> None:
    """A member of the service center opened the thread (the view that shows it records the reading)."""
    thread.staff_read_at = timezone.now()
    Thread.objects.filter(pk=thread.pk).update(staff_read_at=thread.staff_read_at)


def close(*, thread: Thread, by: User) -> Thread:
    """Close the thread: by its person, or by a member of the service center who answers. Nothing is written in
    it after; closing a closed thread changes nothing. Audited."""
    permissions = permissions_for(by)
    by_person = thread.person_id == by.pk and permissions.allows(Capability.CHAT)
    if not by_person and not permissions.allows(Capability.ANSWER_CHAT):
        raise MailboxError(_("This account cannot close this thread."))
    with transaction.atomic():
        thread = _locked(thread)
        if thread.is_closed:
            return thread
        thread.closed_at, thread.closed_by, thread.awaiting_answer_since = timezone.now(), by, None
        thread.save(update_fields=["closed_at", "closed_by", "awaiting_answer_since"])
        audit.record(
            "mailbox.thread_closed", actor=by, obj=thread, details={"by": "person" if by_person else "service_center"}
        )
    return thread


def _locked(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().get(pk=thread.pk)


def _tell_reply_arrived(thread: Thread) -> None:
    """E-mail the person that the service center answered: a link to sign in, no subject, no text."""
    recipient = User.objects.only(
        "email", "first_name", "last_name", "preferred_language", "is_consumer", "is_active"
    ).get(pk=thread.person_id)
    if not recipient.email or not recipient.is_active:
        return
    language = recipient.preferred_language or thread.language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("The Service Center answered your message")
        body = render_to_string(
            "securemailbox/email/reply_arrived.txt",
            {"user": recipient, "url": absolute_url(reverse("securemailbox:thread", args=[thread.pk]))},
        )
    # Consumers do not know the portal by name: their e-mails carry no prefix (as the portal's others to them).
    send_email_after_commit(to=recipient.email, subject=subject, body=body, prefixed=not recipient.is_consumer)
