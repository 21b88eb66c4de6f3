from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = _("Extranet")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "extranet.onboarding_sent": _("Extranet onboarding e-mails sent"),
        "extranet.reset_requested": _("Extranet password reset link sent"),
        "extranet.link_throttled": _("Extranet password link not sent: too many asked for"),
        "extranet.password_set": _("Extranet password set"),
        "extranet.password_expired": _("Extranet sign-in refused: password expired"),
        "extranet.deactivated": _("Extranet account deactivated"),
    }

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
