"""The portal's own models: the user account, the Secure Mailbox, and abstract pieces the apps share."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import COUNTY_CHOICES, CertificationStatus
from .fields import PersonNameField, ZipCodeField
from .person import ChangesPeople
from .uploads import download_name


class UserQuerySet(ChangesPeople):
    person_field = "pk"


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Users sign in by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in to the portal: an agent, an agency's staff, service-center staff, or a consumer.

    `is_staff` marks service-center staff, who work in Django admin; `is_consumer` a consumer's own account, made by
    signing up (agents' and staff accounts are made by agencies and the service center, never by sign-up).
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = PersonNameField(_("first name"), max_length=150, blank=True)
    last_name = PersonNameField(_("last name"), max_length=150, blank=True)
    preferred_language = models.CharField(_("portal language"), max_length=8, choices=settings.LANGUAGES, default="en")
    is_consumer = models.BooleanField(
        _("consumer account"), default=False, db_default=False,  # rows COPYed in (the demo) are no consumers
        help_text=_("Made by a consumer signing up: it may see only the consumer's own case, once linked."),
    )  # fmt: skip

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    # Attributes a request gives its user (portal.person, the permission layer, django-otp): never kept with it.
    REQUEST_ONLY = ("_kept", "_permissions", "otp_device", "is_verified", "_perm_cache", "_user_perm_cache",
                    "_group_perm_cache")  # fmt: skip

    def __getstate__(self):
        state = super().__getstate__()
        for name in self.REQUEST_ONLY:
            state.pop(name, None)
        return state

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Certifiable(models.Model):
    """Certification with the marketplace, as agents and agencies both have it."""

    certification_status = models.CharField(
        _("certification status"),
        max_length=12,
        choices=CertificationStatus,
        default=CertificationStatus.PENDING,
        db_index=True,
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    certification_expires_on = models.DateField(_("certification expires on"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_certified(self) -> bool:
        return self.certification_status == CertificationStatus.CERTIFIED


class Address(models.Model):
    """A California street address."""

    street = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    zip_code = ZipCodeField(_("ZIP code"))
    county = models.CharField(_("county"), max_length=40, choices=COUNTY_CHOICES)

    class Meta:
        abstract = True


class PrivateFile(models.Model):
    """An uploaded file kept in private storage and served only through an authorised view."""

    file = models.FileField(_("file"), max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name it is shown and downloaded under: the uploaded name's safe base with the extension of the
        type its content was checked to be."""
        return download_name(self.original_name, self.content_type)

    def store(self, upload, checked, *, by) -> None:
        """Save a checked upload (see portal.uploads.check_upload) with its type, size and SHA-256. The stored
        name is random, this upload's alone: never the uploaded name, which may hold a consumer's name, and never
        one two uploads could share (object storage has no create-if-absent, so two uploads of the same bytes at
        once would write one object, and a rollback of either would take the other's file; see
        portal.uploads.kept_with_its_row)."""
        self.original_name = (upload.name or "document")[-255:]
        self.content_type, self.size, self.sha256 = checked.content_type, checked.size, checked.sha256
        self.uploaded_by = by
        self.file.save(f"{secrets.token_hex(16)}{checked.extension}", File(upload), save=False)
        self.save()


class MailboxQuerySet(ChangesPeople):
    person_field = "recipient_id"  # their unread count is kept (portal.person)


class MailboxMessage(models.Model):
    """A message in a user's Secure Mailbox. It never leaves the portal; e-mail only says one arrived."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="mailbox_messages",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # The portal's own messages keep their words as the catalogue's (portal.words), so that each reading is in the
    # reader's language; `subject` and `body` hold them as said in the recipient's language when sent (for the
    # e-mail, the admin's search and messages written before).
    words = models.JSONField(_("words"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = MailboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("Secure Mailbox message")
        verbose_name_plural = _("Secure Mailbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="mailbox_recipient_recent")]

    def __str__(self):
        return self.subject

    @property
    def shown_subject(self) -> str:
        """The subject in the language of the page being made."""
        return self._shown("subject")

    @property
    def shown_body(self) -> str:
        return self._shown("body")

    def _shown(self, part: str) -> str:
        from .words import from_json, say

        kept = (self.words or {}).get(part)
        return say(from_json(kept)) if kept is not None else getattr(self, part)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AppendOnlyRecord(Exception):
    """Raised on any attempt to change or delete a record kept as it was written."""


class AuditLogIsAppendOnly(AppendOnlyRecord):
    """Raised on any attempt to change or delete an audit event."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise self.model.refusal(f"{self.model.kept_as} cannot be changed.")

    def delete(self):
        raise self.model.refusal(f"{self.model.kept_as} cannot be deleted.")


class AppendOnly(models.Model):
    """A record kept as it was written: the model and its queryset refuse every change and delete; on PostgreSQL a
    trigger of the table's own migration refuses them (and TRUNCATE) to every role, and the portal's database role
    may only read and insert it (portal/database_grants.py grants so every model of this kind)."""

    refusal = AppendOnlyRecord
    kept_as = "Records"
    # Whether the portal's role is also refused UPDATE on the table's id sequence (the audit log numbers its own
    # rows, so it must not be wound back); a model whose rows the demo writes with their ids keeps it.
    sealed_sequence = False

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.refusal(f"{self.kept_as} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.refusal(f"{self.kept_as} cannot be deleted.")


class AuditEvent(AppendOnly):
    """One thing that happened: who, on whose behalf, from where, to what, when.

    Append-only: the model, its queryset and (on PostgreSQL) triggers refuse
    every update, delete and truncate, and the portal's database role may only
    read and insert (portal/database_grants.py). Details carry identifiers,
    never consumers' PII.
    """

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("who (as recorded)"),
        max_length=254,
        blank=True,
        help_text=_("The user's e-mail then, or what was typed on a failed sign-in."),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("object type"), on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    refusal = AuditLogIsAppendOnly
    kept_as = "Audit events"
    sealed_sequence = True

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_label}"


class SignInGate(models.Model):
    """One row per identifier that has tried to sign in. Its row lock (SELECT ... FOR UPDATE) makes that
    identifier's attempts be counted one at a time, so guesses sent at once cannot all pass the lockout
    before the first of them is counted (portal.lockout)."""

    identifier = models.CharField(_("e-mail typed"), max_length=254, unique=True)

    class Meta:
        verbose_name = _("sign-in gate")
        verbose_name_plural = _("sign-in gates")

    def __str__(self):
        return self.identifier


class SignInFailure(models.Model):
    """A failed sign-in for an identifier (what was typed), counted towards a lock. An attempt is recorded
    here before its password is checked (`pending`), and taken back if the password was right."""

    identifier = models.CharField(_("e-mail typed"), max_length=254, db_index=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    failed_at = models.DateTimeField(_("when"), default=timezone.now)
    pending = models.BooleanField(
        _("being checked"), default=False, help_text=_("Counted before its password was checked; not yet known.")
    )

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-failed_at"]
        indexes = [models.Index(fields=["identifier", "-failed_at"], name="signinfailure_recent")]

    def __str__(self):
        return f"{self.identifier} {self.failed_at:%Y-%m-%d %H:%M}"


class SignInLock(models.Model):
    """Sign-in for an identifier blocked until a time, after repeated failures; staff may lift it."""

    identifier = models.CharField(_("e-mail typed"), max_length=254, db_index=True)
    locked_at = models.DateTimeField(_("locked"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")
        ordering = ["-locked_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(locked_until__gt=models.F("locked_at")), name="signinlock_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.identifier} until {self.locked_until:%Y-%m-%d %H:%M}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.lifted_at is None and self.locked_until > now


class OutageNotice(models.Model):
    """A scheduled outage, managed by service-center staff: a banner on every page before and during it."""

    title_en = models.CharField(_("title (English)"), max_length=120)
    title_es = models.CharField(_("title (Spanish)"), max_length=120, blank=True)
    details_en = models.TextField(_("details (English)"), blank=True, help_text=_("What will not work."))
    details_es = models.TextField(_("details (Spanish)"), blank=True)
    starts_at = models.DateTimeField(_("outage starts"))
    ends_at = models.DateTimeField(_("outage ends"))
    show_from = models.DateTimeField(
        _("show the banner from"), blank=True, help_text=_("Left empty: a week before the outage starts.")
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("scheduled outage")
        verbose_name_plural = _("scheduled outages")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="outage_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(show_from__lte=models.F("starts_at")), name="outage_shown_before_start"
            ),
        ]

    def __str__(self):
        return f"{self.title_en} ({self.starts_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self.show_from:
            self.show_from = self.starts_at - datetime.timedelta(days=7)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The outage must end after it starts.")})
        if self.starts_at and not self.show_from:
            self.show_from = self.starts_at - datetime.timedelta(days=7)
        if self.starts_at and self.show_from and self.show_from > self.starts_at:
            raise ValidationError({"show_from": _("Show the banner before the outage starts.")})

    def title(self, language: str) -> str:
        return (self.title_es if language == "es" else "") or self.title_en

    def details(self, language: str) -> str:
        return (self.details_es if language == "es" else "") or self.details_en

    def is_under_way(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now()) < self.ends_at
