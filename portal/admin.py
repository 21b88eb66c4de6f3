from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import audit, lockout
from .audit import describe
from .models import AuditEvent, MailboxMessage, OutageNotice, SignInFailure, SignInLock, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_consumer", "is_active", "last_login"]
    list_filter = ["is_staff", "is_consumer", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_consumer", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "is_consumer"]  # an account is a consumer's by signing up


@admin.register(MailboxMessage)
class MailboxMessageAdmin(admin.ModelAdmin):
    """Secure Mailbox messages, read-only (a chat's transcript among them): reading one is audited like the
    transcript page."""

    list_display = ["subject", "recipient", "created_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["subject", "recipient__email"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            message = self.get_object(request, object_id)
            if message is not None:
                audit.record("mailbox.message_read_in_admin", request=request, obj=message)
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model read in admin, never added, changed or deleted there (records kept as written, answers given in
    the portal)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log, read-only: nobody adds, changes or deletes an event here."""

    list_display = ["created_at", "action_description", "actor_label", "on_behalf_of", "object_label", "client_ip"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter), "object_type"]
    search_fields = ["actor_label", "object_label", "=object_id", "=client_ip", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["on_behalf_of"]
    show_full_result_count = False
    readonly_fields = [
        "created_at", "action", "action_description", "actor", "actor_label", "on_behalf_of", "object_type",
        "object_id", "object_label", "client_ip", "user_agent", "details",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("what happened"), ordering="action")
    def action_description(self, obj):
        return f"{describe(obj.action)} ({obj.action})"


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    list_display = ["identifier", "locked_at", "locked_until", "in_force", "lifted_at", "lifted_by"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "locked_at"]
    search_fields = ["identifier"]
    readonly_fields = ["identifier", "locked_at", "locked_until", "lifted_at", "lifted_by"]
    actions = ["lift"]

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj):
        return obj.is_active()

    @admin.action(description=_("Lift the selected locks (sign-in works again at once)"), permissions=["change"])
    def lift(self, request, queryset):
        lifted = 0
        for lock in queryset.filter(lifted_at__isnull=True):
            lockout.lift_lock(lock=lock, by=request.user)
            lifted += 1
        self.message_user(
            request, ngettext("Lifted %(n)d lock.", "Lifted %(n)d locks.", lifted) % {"n": lifted}, messages.SUCCESS
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    list_display = ["identifier", "failed_at", "client_ip"]
    search_fields = ["identifier", "=client_ip"]
    list_filter = ["failed_at"]
    readonly_fields = ["identifier", "failed_at", "client_ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PrivateFileAdmin(admin.ModelAdmin):
    """Admin for uploaded documents: no storage link (it would bypass the audited download view), no adding
    here (uploads are checked in the portal), and a link to the audited download instead."""

    exclude = ["file"]

    def download_url(self, obj) -> str:
        raise NotImplementedError

    @admin.display(description=_("file"))
    def download(self, obj):
        from django.utils.html import format_html

        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', self.download_url(obj), _("Download (recorded in the audit log)"))

    def has_add_permission(self, request):
        return False


@admin.register(OutageNotice)
class OutageNoticeAdmin(admin.ModelAdmin):
    """Scheduled outages: a banner on every page from `show_from` until the outage ends."""

    list_display = ["title_en", "starts_at", "ends_at", "show_from", "is_published"]
    list_filter = ["is_published"]
    fieldsets = (
        (None, {"fields": ("title_en", "title_es", "details_en", "details_es")}),
        (_("When"), {"fields": ("starts_at", "ends_at", "show_from", "is_published")}),
    )
