from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.admin import PrivateFileAdmin, ReadOnlyAdmin

from .models import Agency, AgencyDocument, AgencyInvitation, AgencyLocation, Membership, OpeningHours


class AgencyLocationInline(admin.StackedInline):
    model = AgencyLocation
    extra = 0
    fields = [("name", "phone"), "street", ("city", "zip_code", "county"), "is_listed"]
    show_change_link = True


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "status", "started_on", "ended_on"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["public_name", "legal_name", "kind", "fein_display", "license_number", "certification_status"]
    list_filter = ["kind", "certification_status", "remind_consumers"]
    search_fields = ["public_name", "legal_name", "fein", "license_number"]
    # Deadline reminders to consumers are the agency manager's choice, made (and audited) on the Agency Account.
    readonly_fields = ["remind_consumers", "created_at", "updated_at"]
    inlines = [AgencyLocationInline, MembershipInline]
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("kind", "legal_name", "public_name", "fein", "license_number", "phone", "email")}),
        (_("Certification"), {"fields": ("certification_status", "certified_on", "certification_expires_on")}),
        (_("Consumers"), {"fields": ("remind_consumers",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("FEIN"), ordering="fein")
    def fein_display(self, obj):
        return obj.fein_display


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(AgencyLocation)
class AgencyLocationAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "owner", "city", "zip_code", "county", "phone", "is_listed"]
    list_filter = ["is_listed", "county"]
    search_fields = ["name", "agency__public_name", "owner__email", "city", "zip_code"]
    raw_id_fields = ["agency", "owner"]
    inlines = [OpeningHoursInline]
    list_select_related = ["agency", "owner"]
    show_full_result_count = False


@admin.register(AgencyDocument)
class AgencyDocumentAdmin(PrivateFileAdmin):
    list_display = ["original_name", "agency", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["original_name", "agency__public_name", "sha256"]
    raw_id_fields = ["agency", "uploaded_by"]
    readonly_fields = ["download", "sha256", "size", "content_type", "uploaded_at"]
    list_select_related = ["agency", "uploaded_by"]

    def download_url(self, obj):
        return reverse("agencies:document_download", args=[obj.pk])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "status", "started_on", "ended_on"]
    list_filter = ["role", "status"]
    search_fields = ["user__email", "user__last_name", "agency__public_name"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]
    show_full_result_count = False


@admin.register(AgencyInvitation)
class AgencyInvitationAdmin(ReadOnlyAdmin):
    """Invitations are answered by the agent in the portal; here they are read, never made or changed."""

    list_display = ["user", "agency", "created_at", "expires_at", "answered_at", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["user__email", "user__last_name", "agency__public_name"]
    list_select_related = ["user", "agency"]
    show_full_result_count = False
