from django.contrib import admin

from .models import ExtranetAccount


@admin.register(ExtranetAccount)
class ExtranetAccountAdmin(admin.ModelAdmin):
    list_display = ["username", "agent", "is_active", "password_set_at", "last_login_at", "onboarded_at"]
    list_filter = ["is_active"]
    search_fields = ["username", "agent__last_name", "agent__license_number"]
    raw_id_fields = ["agent"]
    readonly_fields = ["password_set_at", "last_login_at", "onboarded_at", "created_at"]
    list_select_related = ["agent"]
    show_full_result_count = False
