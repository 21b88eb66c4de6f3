"""The Agent Extranet's own accounts: separate from portal sign-ins, with their own password rules."""

import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PASSWORD_LIFETIME_DAYS = 60


class ExtranetAccount(models.Model):
    """An agent's extranet account, username CC_<license number>. Its password is only ever hashed."""

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

    @staticmethod
    def username_for(license_number: str) -> str:
        return f"CC_{license_number}"

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)
        self.password_set_at = timezone.now()

    def check_password(self, raw_password: str) -> bool:
        return bool(self.password) and check_password(raw_password, self.password)

    @property
    def password_expires_at(self):
        if self.password_set_at is None:
            return None
        return self.password_set_at + datetime.timedelta(days=PASSWORD_LIFETIME_DAYS)
