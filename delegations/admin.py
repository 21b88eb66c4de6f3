from django.contrib import admin

from .models import ActingOnBehalf, Delegation


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = [
        "case",
        "agent",
        "agency",
        "status",
        "origin",
        "requested_at",
        "started_at",
        "ended_at",
        "end_reason",
    ]
    list_filter = ["status", "origin", "end_reason"]
    search_fields = ["=case__case_number", "agent__license_number", "agent__last_name", "agency__public_name"]
    raw_id_fields = ["case", "agent", "agency", "transferred_from"]
    list_select_related = ["case", "agent", "agency"]
    date_hierarchy = "requested_at"
    show_full_result_count = False


@admin.register(ActingOnBehalf)
class ActingOnBehalfAdmin(admin.ModelAdmin):
    list_display = ["manager", "agent", "agency", "started_at", "ended_at"]
    list_filter = ["started_at"]
    search_fields = ["manager__email", "agent__license_number", "agent__last_name"]
    raw_id_fields = ["manager", "agent", "agency"]
    list_select_related = ["manager", "agent", "agency"]

    def has_change_permission(self, request, obj=None):
        return False
