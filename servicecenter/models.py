"""Online Chat with the service center: the days it is closed, who of its staff takes Spanish chats, the
conversations and their messages (kept as written, like the audit log)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import AppendOnly, AppendOnlyRecord


class ClosedDay(models.Model):
    """A weekday the Agent Service Center is closed (a holiday), marked by its staff in admin."""

    day = models.DateField(_("day"), unique=True)
    reason = models.CharField(
        _("reason"), max_length=120, blank=True, help_text=_("Shown to people, e.g. “Thanksgiving”.")
    )

    class Meta:
        verbose_name = _("day the service center is closed")
        verbose_name_plural = _("days the service center is closed")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.reason}".strip()


class ChatStaffProfile(models.Model):
    """How a member of the chat group appears in a conversation, and whether they take Spanish chats."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="chat_profile"
    )
    shown_name = models.CharField(
        _("name shown to people"), max_length=60, help_text=_("What the person in the chat reads, e.g. “Ana R.”.")
    )
    speaks_spanish = models.BooleanField(_("takes chats in Spanish"), default=False)

    class Meta:
        verbose_name = _("chat staff profile")
        verbose_name_plural = _("chat staff profiles")

    def __str__(self):
        return self.shown_name


class Conversation(models.Model):
    """One Online Chat between a person of the portal and the service center."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("In progress")
        CLOSED = "closed", _("Closed")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    OPEN = (Status.WAITING, Status.ACTIVE)

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="chats"
    )
    language = models.CharField(_("language asked for"), max_length=2, choices=Language.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.WAITING)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service-center member"),
        on_delete=models.PROTECT,
        related_name="chats_answered",
        null=True,
        blank=True,
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("Online Chat")
        verbose_name_plural = _("Online Chats")
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("answer_conversation", _("Can answer Online Chat and messages to the service center")),
            ("supervise_conversation", _("Can read any Online Chat transcript")),
        ]
        constraints = [
            # One open chat per person: a second tab, or two clicks at once, finds the same one.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["waiting", "active"]), name="one_open_chat_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", staff__isnull=True, taken_at__isnull=True)
                | Q(status="active", staff__isnull=False, taken_at__isnull=False)
                | Q(status="closed", closed_at__isnull=False),
                name="chat_status_matches_its_moments",
            ),
        ]
        indexes = [
            models.Index(fields=["language", "opened_at"], condition=Q(status="waiting"), name="chat_queue"),
            models.Index(fields=["staff", "status"], name="chat_by_member"),
        ]

    def __str__(self):
        return f"Online Chat {self.pk}"


class ChatMessageIsKept(AppendOnlyRecord):
    """Raised on any attempt to change or delete a chat message."""


class ChatMessage(AppendOnly):
    """One line of a chat, kept as it was written (after masking): the model refuses changes and deletes, and on
    PostgreSQL a trigger refuses them to everyone; never purged, like the audit log."""

    refusal = ChatMessageIsKept
    kept_as = "Chat messages"

    class Side(models.TextChoices):
        PERSON = "person", _("Person")
        STAFF = "staff", _("Service center")
        EVENT = "event", _("Event")

    class Event(models.TextChoices):
        TAKEN = "taken", _("took the chat")
        HANDED_OVER = "handed_over", _("handed the chat over")
        CLOSED = "closed", _("closed the chat")
        TIMED_OUT = "timed_out", _("closed the chat after a time without a message")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("chat"), on_delete=models.PROTECT, related_name="messages"
    )
    side = models.CharField(_("side"), max_length=6, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    # What the reader sees as the author: a staff member's shown name when they wrote it.
    author_name = models.CharField(_("author's name"), max_length=150)
    event = models.CharField(_("event"), max_length=12, choices=Event.choices, blank=True)
    body = models.TextField(_("message"), blank=True)
    # The browser's own id for a message it sent: sent again after a reconnect, it is the same message.
    client_id = models.UUIDField(_("sender's message id"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_id"], condition=Q(client_id__isnull=False), name="chat_message_once"
            )
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"
