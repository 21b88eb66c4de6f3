"""The Agent Extranet's own accounts: separate from portal sign-ins, with their own password rules.

Passwords are only ever stored hashed (with the portal's hashers) and are never sent: an agent chooses one
through a single-use link that is stored as a SHA-256 digest, so the database holds nothing that opens an
account.
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lockout import active_lock


class ExtranetAccount(models.Model):
    """An agent's extranet account, username CC_<license number>."""

    class Status(models.TextChoices):
        NEVER_ACTIVATED = "never_activated", _("Never activated")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Password expired")
        LOCKED = "locked", _("Locked")
        DEACTIVATED = "deactivated", _("Deactivated")

    agent = models.OneToOneField(
        "agents.Agent", verbose_name=_("agent"), on_delete=models.CASCADE, related_name="extranet_account"
    )
    username = models.CharField(_("username"), max_length=16, unique=True)
    password = models.CharField(_("password hash"), max_length=200, blank=True, editable=False)
    password_set_at = models.DateTimeField(_("password set"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    onboarded_at = models.DateTimeField(_("onboarding sent"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("expiry reminder sent"), null=True, blank=True, help_text=_("For the password in use, if sent.")
    )

    class Meta:
        verbose_name = _("extranet account")
        verbose_name_plural = _("extranet accounts")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(username__regex=r"^CC_[0-9][0-9A-Z][0-9]{5}$"), name="extranet_username_format"
            )
        ]

    def __str__(self):
        return self.username

    @property
    def audit_label(self) -> str:
        return self.username

    @property
    def lock_identifier(self) -> str:
        """The name its failed sign-ins are counted under, apart from portal e-mail addresses."""
        return lock_identifier(self.username)

    @staticmethod
    def username_for(license_number: str) -> str:
        return f"CC_{license_number}"

    def check_password(self, raw_password: str) -> bool:
        return bool(self.password) and check_password(raw_password, self.password)

    @property
    def password_expires_at(self) -> datetime.datetime | None:
        if self.password_set_at is None:
            return None
        return self.password_set_at + datetime.timedelta(days=settings.EXTRANET_PASSWORD_DAYS)

    def password_expired(self, now: datetime.datetime | None = None) -> bool:
        expires = self.password_expires_at
        return expires is not None and expires <= (now or timezone.now())

    def status(self, now: datetime.datetime | None = None, *, locked: bool | None = None) -> str:
        """`locked` may be given when the caller read it already (the admin list annotates it for every row)."""
        now = now or timezone.now()
        if not self.is_active:
            return self.Status.DEACTIVATED
        if not self.password:
            return self.Status.NEVER_ACTIVATED
        if locked if locked is not None else active_lock(self.lock_identifier, now=now):
            return self.Status.LOCKED
        if self.password_expired(now):
            return self.Status.EXPIRED
        return self.Status.ACTIVE


def lock_identifier(username: str) -> str:
    return f"extranet:{username}"


class PasswordHistory(models.Model):
    """The hashes of an account's passwords, newest first: none of the last 24 may be chosen again."""

    account = models.ForeignKey(ExtranetAccount, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=200, editable=False)
    set_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        ordering = ["-set_at", "-pk"]

    def __str__(self):
        return f"{self.account} {self.set_at:%Y-%m-%d}"

    @classmethod
    def remember(cls, account: ExtranetAccount, raw_password: str, at: datetime.datetime) -> None:
        cls.objects.create(account=account, password=make_password(raw_password), set_at=at)
        keep = cls.objects.filter(account=account).values("pk")[: settings.EXTRANET_PASSWORD_HISTORY]
        cls.objects.filter(account=account).exclude(pk__in=keep).delete()


class PasswordLink(models.Model):
    """A single-use link to choose a password: sent at onboarding, or when the agent asks for a reset.
    Only the token's SHA-256 is stored. A link dies once used, when it expires, when a newer link is sent,
    and when the password changes."""

    class Purpose(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        RESET = "reset", _("Password reset")

    account = models.ForeignKey(ExtranetAccount, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose)
    token_sha256 = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("password link")
        verbose_name_plural = _("password links")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_password_link_per_account",
            )
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.account} {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > (now or timezone.now())
