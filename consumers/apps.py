from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsumersConfig(AppConfig):
    name = "consumers"
    verbose_name = _("Consumer cases")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "case.viewed": _("Consumer case viewed"),
        "case.created": _("New business: case created"),
        "case.change_reported": _("Change reported for the household"),
        "case.document_uploaded": _("Verification document uploaded"),
        "case.document_downloaded": _("Case document downloaded"),
        "case.renewal_recorded": _("Renewal status recorded"),
        "access_code.generated": _("Access code generated after identity verification"),
        "access_code.used": _("Access code used to request help"),
        "access_code.refused": _("Request for help refused: case number or access code did not match"),
        "cases.listed": _("List of consumer cases viewed"),
        "case.note_added": _("Note added to a case"),
        "case.follow_up_added": _("Follow-up added to a case"),
        "case.follow_up_done": _("Follow-up on a case marked done"),
        "case.account_linked": _("Consumer linked their account to their case with an access code"),
        "case.account_link_refused": _("Linking an account refused: the case is linked to another account"),
    }

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
