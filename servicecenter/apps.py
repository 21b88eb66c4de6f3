from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceCenterConfig(AppConfig):
    name = "servicecenter"
    verbose_name = _("Online Chat")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "chat.opened": _("Online Chat opened with the service center"),
        "chat.taken": _("Online Chat taken by a service-center member"),
        "chat.handed_over": _("Online Chat handed to another service-center member"),
        "chat.closed": _("Online Chat closed; transcript sent to the Secure Mailbox"),
        "chat.transcript_viewed": _("Online Chat transcript read"),
        "chat.refused": _("Online Chat connection refused"),
    }

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
