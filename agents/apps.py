from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentsConfig(AppConfig):
    name = "agents"
    verbose_name = _("Agents")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "agent.status_changed": _("Agent made Active or Inactive in the agency"),
        "agent.profile_changed": _("Agent profile changed"),
        "agent.certification_changed": _("Agent certification changed"),
    }
