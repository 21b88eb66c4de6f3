from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecureMailboxConfig(AppConfig):
    name = "securemailbox"
    verbose_name = _("Messages with the Service Center")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "mailbox.thread_written": _("Message written to the service center from the Secure Mailbox"),
        "mailbox.person_replied": _("Person wrote again in a thread with the service center"),
        "mailbox.answered": _("Service center answered a message in the Secure Mailbox"),
        "mailbox.thread_closed": _("Thread with the service center closed"),
        "mailbox.thread_read_by_staff": _("Thread with the service center read by service-center staff"),
        "mailbox.case_refused": _("Message to the service center refused: the case named is not the writer's"),
    }
