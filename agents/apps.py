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
        "agent.email_change_requested": _("Agent asked to change their e-mail (link sent to the new address)"),
        "agent.email_changed": _("Agent changed their e-mail"),
        "agent.invited": _("Agent invited to join an agency"),
        "agent.invitation_answered": _("Agent accepted or declined an agency's invitation"),
        "agent.invitation_withdrawn": _("Agency withdrew its invitation to an agent"),
    }
