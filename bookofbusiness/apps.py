from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookofbusinessConfig(AppConfig):
    name = "bookofbusiness"
    verbose_name = _("Book of Business")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {"export.created": _("Export made")}
