from django.contrib import admin

from .models import AccessCode, CaseDocument, ChangeReport, ConsumerCase, Enrollment, HouseholdMember, Verification


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = [
        "plan_year",
        "issuer",
        "plan_name",
        "metal_tier",
        "monthly_premium",
        "aptc",
        "net_premium",
        "coverage_start",
        "coverage_end",
        "status",
    ]
    readonly_fields = ["net_premium"]


class VerificationInline(admin.TabularInline):
    model = Verification
    extra = 0
    raw_id_fields = ["household_member"]


class AccessCodeInline(admin.TabularInline):
    model = AccessCode
    extra = 0
    fields = ["created_at", "created_by", "expires_at", "used_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ConsumerCase)
class ConsumerCaseAdmin(admin.ModelAdmin):
    list_display = [
        "case_number",
        "last_name",
        "first_name",
        "date_of_birth",
        "city",
        "county",
        "preferred_language",
        "renewal_status",
    ]
    list_filter = ["preferred_language", "renewal_status", "cost_sharing_level", "county"]
    search_fields = ["=case_number", "last_name", "first_name", "email"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [HouseholdMemberInline, EnrollmentInline, VerificationInline, AccessCodeInline]
    show_full_result_count = False
    list_per_page = 50


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "relationship", "date_of_birth", "case"]
    list_filter = ["relationship", "seeks_coverage"]
    search_fields = ["=case__case_number", "last_name", "first_name"]
    raw_id_fields = ["case"]
    list_select_related = ["case"]
    show_full_result_count = False


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "case",
        "plan_year",
        "issuer",
        "plan_name",
        "metal_tier",
        "monthly_premium",
        "aptc",
        "net_premium",
        "coverage_start",
        "coverage_end",
        "status",
    ]
    list_filter = ["plan_year", "metal_tier", "status", "issuer"]
    search_fields = ["=case__case_number", "plan_name"]
    raw_id_fields = ["case"]
    readonly_fields = ["net_premium"]
    list_select_related = ["case"]
    show_full_result_count = False


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "status", "due_date", "resolved_on"]
    list_filter = ["kind", "status", "due_date"]
    search_fields = ["=case__case_number"]
    raw_id_fields = ["case", "household_member"]
    list_select_related = ["case"]
    show_full_result_count = False


@admin.register(CaseDocument)
class CaseDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "case", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["=case__case_number", "original_name", "sha256"]
    raw_id_fields = ["case", "verification", "uploaded_by"]
    readonly_fields = ["sha256", "size", "content_type", "uploaded_at"]
    list_select_related = ["case", "uploaded_by"]
    show_full_result_count = False


@admin.register(ChangeReport)
class ChangeReportAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "reported_by", "reported_at"]
    list_filter = ["kind", "reported_at"]
    search_fields = ["=case__case_number"]
    raw_id_fields = ["case", "reported_by"]
    list_select_related = ["case", "reported_by"]
    show_full_result_count = False


@admin.register(AccessCode)
class AccessCodeAdmin(admin.ModelAdmin):
    """Codes are listed for the record; the code itself is never shown again once generated."""

    list_display = ["case", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = ["created_at", ("used_at", admin.EmptyFieldListFilter)]
    search_fields = ["=case__case_number"]
    raw_id_fields = ["case", "created_by"]
    readonly_fields = ["case", "created_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["case", "created_by"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
