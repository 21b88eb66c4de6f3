from django.contrib import admin

from .models import BookOfBusinessExport, Extract


class StoredAsMixin:
    """Name the stored file without linking to storage: files leave only through audited views."""

    @admin.display(description="stored as")
    def stored_as(self, obj):
        return obj.file.name if obj.file else "—"


@admin.register(Extract)
class ExtractAdmin(StoredAsMixin, admin.ModelAdmin):
    list_display = [
        "week",
        "kind",
        "scope",
        "agent",
        "agency",
        "file_format",
        "status",
        "rows",
        "size",
        "published_at",
    ]
    list_filter = ["kind", "scope", "status", "file_format", "week"]
    search_fields = ["agent__license_number", "agency__public_name", "sha256"]
    raw_id_fields = ["agent", "agency"]
    exclude = ["file"]
    readonly_fields = ["stored_as", "rows", "size", "sha256", "created_at", "published_at", "error"]
    list_select_related = ["agent", "agency"]
    date_hierarchy = "week"
    show_full_result_count = False


@admin.register(BookOfBusinessExport)
class BookOfBusinessExportAdmin(StoredAsMixin, admin.ModelAdmin):
    list_display = ["requested_by", "file_format", "status", "rows_written", "rows_total", "created_at", "expires_at"]
    list_filter = ["status", "file_format", "created_at"]
    search_fields = ["requested_by__email"]
    raw_id_fields = ["requested_by", "agency", "agent"]
    exclude = ["file"]
    readonly_fields = ["filters", "rows_total", "rows_written", "stored_as", "sha256", "created_at", "finished_at"]
    list_select_related = ["requested_by"]
    show_full_result_count = False
