from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    # What this app records in the audit log, with the sentence an auditor reads in admin (portal.audit).
    audit_actions = {
        "auth.signed_in": _("Signed in with password"),
        "auth.sign_in_failed": _("Sign-in failed"),
        "auth.signed_out": _("Signed out"),
        "mailbox.message_read_in_admin": _("Secure Mailbox message read in admin"),
        "auth.locked": _("Sign-in locked after repeated failures"),
        "auth.lock_refused": _("Sign-in refused: locked"),
        "auth.lock_lifted": _("Sign-in lock lifted by staff"),
        "auth.throttled": _("Sign-in refused: too many attempts from this address"),
        "auth.password_changed": _("Password changed"),
        "auth.password_reset": _("Password reset by e-mailed link"),
        "auth.session_expired": _("Session ended by the portal"),
        "auth.signed_up": _("Consumer account created by signing up"),
        "auth.email_confirmed": _("E-mail address confirmed"),
        "auth.sign_up_expired": _("Sign-up closed: its address was not confirmed in time"),
        "otp.enrolled": _("Second factor enrolled"),
        "otp.verified": _("Second factor verified"),
        "otp.verify_failed": _("Second-factor code refused"),
        "otp.recovery_code_used": _("Recovery code used"),
        "otp.recovery_codes_issued": _("New recovery codes issued"),
        "file.downloaded": _("File downloaded"),
        "notice.sent": _("Notice sent"),
        "admin.added": _("Added in admin"),
        "admin.changed": _("Changed in admin"),
        "admin.deleted": _("Deleted in admin"),
    }

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (connects the receivers)
        from .collation import register_on_sqlite
        from .database_grants import grant_the_portals_role
        from .staff_groups import ensure_staff_groups  # imports auth models: only once the apps are ready

        connection_created.connect(register_on_sqlite)
        self._keep_people_current()
        post_migrate.connect(ensure_staff_groups)
        # Once per migrate (post_migrate goes to each app, after all the migrations): every table exists by then.
        post_migrate.connect(grant_the_portals_role, sender=self)

    @staticmethod
    def _keep_people_current() -> None:
        """What portal.person keeps of a signed-in person is not read again after any change to it: their user
        row and groups, membership, agent profile, second-factor devices, confirmed e-mail address, agency (its name is on their pages) and
        Secure Mailbox. Senders named by label: this base app imports no domain app."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import person

        user_model = get_user_model()
        for sender in (user_model, "agencies.Membership", "agents.Agent", "otp_totp.TOTPDevice",
                       "otp_static.StaticDevice", "portal.MailboxMessage", "account.EmailAddress"):  # fmt: skip
            post_save.connect(person.on_saved_or_deleted, sender=sender, weak=False)
            post_delete.connect(person.on_saved_or_deleted, sender=sender, weak=False)
        m2m_changed.connect(person.on_many_to_many, sender=user_model.groups.through, weak=False)
        post_save.connect(person.on_agency_saved, sender="agencies.Agency", weak=False)
