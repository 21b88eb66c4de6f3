"""Messages written between a person of the portal and the service center, in the Secure Mailbox: a thread per
subject, its messages kept as written (like the audit log)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import AppendOnly, AppendOnlyRecord

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 5000


class Thread(models.Model):
    """One subject a person wrote to the service center about, and the answers to it.

    `awaiting_answer_since` is the moment of the person's oldest message the service center has not answered yet
    (None once answered, or closed): the staff's list of messages to answer is ordered by it, and shows it as the
    waiting time. `answered_at` is the moment of the service center's last message: a person has an unread reply
    while it is later than `person_read_at`."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        # Correspondence is kept: an account with threads is made inactive, never deleted.
        on_delete=models.PROTECT,
        related_name="service_center_threads",
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    # PROTECT, not SET_NULL: a case the marketplace keeps correspondence about is not deleted, and a thread never
    # silently loses what it was about (consent records and consumers' accounts hold their case the same way).
    case = models.ForeignKey(
        "consumers.ConsumerCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_center_threads",
    )
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.ENGLISH)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    awaiting_answer_since = models.DateTimeField(_("waiting for an answer since"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    person_read_at = models.DateTimeField(_("read by the person"), null=True, blank=True)
    staff_read_at = models.DateTimeField(_("read by the service center"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("thread with the service center")
        verbose_name_plural = _("threads with the service center")
        ordering = ["-last_message_at", "-id"]
        indexes = [
            # The person's list, newest first (and their unread count, which reads only their threads).
            models.Index(fields=["person", "-last_message_at"], name="thread_person_recent"),
            # The staff's list of messages to answer, the longest waiting first: only the open, unanswered ones.
            models.Index(
                fields=["awaiting_answer_since"],
                name="thread_awaiting_answer",
                condition=Q(awaiting_answer_since__isnull=False, closed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(awaiting_answer_since__isnull=True),
                name="thread_closed_awaits_no_answer",
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def audit_label(self) -> str:
        return f"Thread #{self.pk}"  # no subject: the person wrote it, and it may name someone

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def has_unread_reply(self) -> bool:
        """For the person: the service center wrote since they last read the thread."""
        return self.answered_at is not None and (self.person_read_at is None or self.answered_at > self.person_read_at)

    @property
    def is_new_to_staff(self) -> bool:
        return self.staff_read_at is None or self.last_message_at > self.staff_read_at


# The threads with a reply their person has not read: one condition, for the list's marks and the header's count.
UNREAD_REPLY = Q(answered_at__isnull=False) & (Q(person_read_at__isnull=True) | Q(answered_at__gt=F("person_read_at")))


class ThreadMessageIsKept(AppendOnlyRecord):
    """Raised on any attempt to change or delete a message written in a thread."""


class ThreadMessage(AppendOnly):
    """One message of a thread, by its person or by a member of the service center; kept as written."""

    refusal = ThreadMessageIsKept
    kept_as = "Messages with the service center"

    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    from_service_center = models.BooleanField(_("from the service center"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("message with the service center")
        verbose_name_plural = _("messages with the service center")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="threadmessage_thread_order")]

    def __str__(self):
        return f"{self.thread_id}: {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def audit_label(self) -> str:
        return f"Thread #{self.thread_id} message #{self.pk}"
