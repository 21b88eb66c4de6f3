from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "delegation.requested": _("Consumer asked a helper for help"),
        "delegation.accepted": _("Delegation accepted"),
        "delegation.declined": _("Delegation declined"),
        "delegation.ended": _("Delegation ended"),
        "acting.started": _("Started acting on behalf of an agent"),
        "acting.stopped": _("Stopped acting on behalf of an agent"),
        "delegation.changed": _("Delegation changed"),
        "delegation.transferred": _("Delegation transferred"),
        "delegation.reassigned": _("Pending request given to another agent"),
        "delegation.consent_recorded": _("Consumer's consent recorded by the service center"),
    }

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
