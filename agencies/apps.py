from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "agency.account_changed": _("Agency account changed"),
        "agency.consumer_reminders_changed": _("Deadline reminders to consumers turned on or off"),
        "agency.location_changed": _("Agency location or hours changed"),
        "agency.document_uploaded": _("Agency document uploaded"),
        "agency.staff_added": _("Admin Staff added"),
        "agency.staff_changed": _("Admin Staff grants changed"),
        "agency.staff_removed": _("Admin Staff removed"),
    }
