from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.admin import PrivateFileAdmin

from . import services
from .models import (
    AccessCode,
    CaseDocument,
    ChangeReport,
    ConsumerAccount,
    ConsumerCase,
    Enrollment,
    HouseholdMember,
    Verification,
    VerificationReminder,
)


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


ENROLLMENT_FIELDS = [
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


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ENROLLMENT_FIELDS
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


class IdentityCheckForm(forms.Form):
    """The checklist a service-center representative completes with the consumer on the line."""

    CHECKS = {
        "spoke_with_consumer": _("I am speaking with the consumer (or their authorized representative)"),
        "name_and_date_of_birth": _("Full name and date of birth match the case"),
        "address": _("Home address matches the case"),
        "ssn_last_four": _("Last four digits of the Social Security number match"),
        "case_detail": _("The consumer confirmed a detail only they would know (plan, household member, last notice)"),
    }
    REQUIRED = ("spoke_with_consumer", "name_and_date_of_birth")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.CHECKS.items():
            self.fields[name] = forms.BooleanField(label=label, required=name in self.REQUIRED)

    def clean(self):
        data = super().clean()
        if sum(bool(data.get(name)) for name in self.CHECKS) < 4:
            raise forms.ValidationError(_("Verify at least four of the five before giving an access code."))
        return data

    def checks(self) -> dict:
        return {name: True for name in self.CHECKS if self.cleaned_data.get(name)}


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
    readonly_fields = ["created_at", "updated_at", "access_code_link"]

    @admin.display(description=_("access code"))
    def access_code_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:consumers_consumercase_access_code", args=[obj.pk]),
            _("Verify identity and generate an access code"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Service-center staff reading a case in admin read a consumer's PII: recorded like the case page.
        if request.method == "GET":
            case = self.get_object(request, object_id)
            if case is not None:
                audit.record("case.viewed", request=request, obj=case, details={"in": "admin"})
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:case_id>/access-code/",
                self.admin_site.admin_view(self.access_code_view),
                name="consumers_consumercase_access_code",
            ),
            *super().get_urls(),
        ]

    def access_code_view(self, request, case_id: int):
        """Verify the consumer's identity with a recorded checklist, then show a new access code once."""
        if not request.user.has_perm("consumers.change_consumercase"):
            raise PermissionDenied
        case = get_object_or_404(ConsumerCase, pk=case_id)
        form = IdentityCheckForm(request.POST if request.method == "POST" else None)
        code = None
        if request.method == "POST" and form.is_valid():
            code = services.generate_access_code(case=case, by=request.user, identity_checks=form.checks())
            messages.success(request, _("Read the code to the consumer now: it is not shown again."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Access code for case %(number)s") % {"number": case.case_number},
            "case": case,
            "form": form,
            "code": code,
            "opts": self.model._meta,
        }
        response = render(request, "admin/consumers/access_code.html", context)
        response["Cache-Control"] = "no-store"
        return response

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
    list_display = ["case", *ENROLLMENT_FIELDS]
    list_filter = ["plan_year", "metal_tier", "status", "issuer"]
    search_fields = ["=case__case_number", "plan_name"]
    raw_id_fields = ["case"]
    readonly_fields = ["net_premium"]
    list_select_related = ["case"]
    show_full_result_count = False


class VerificationReminderInline(admin.TabularInline):
    """The deadline reminders e-mailed to the consumer for the item: a record, never edited."""

    model = VerificationReminder
    extra = 0
    can_delete = False
    fields = readonly_fields = ["days_before", "due_date", "sent_on"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    inlines = [VerificationReminderInline]
    list_display = ["case", "kind", "status", "due_date", "resolved_on"]
    list_filter = ["kind", "status", "due_date"]
    search_fields = ["=case__case_number"]
    raw_id_fields = ["case", "household_member"]
    list_select_related = ["case"]
    show_full_result_count = False


@admin.register(CaseDocument)
class CaseDocumentAdmin(PrivateFileAdmin):
    list_display = ["original_name", "case", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["=case__case_number", "original_name", "sha256"]
    raw_id_fields = ["case", "verification", "uploaded_by"]
    readonly_fields = ["download", "sha256", "size", "content_type", "uploaded_at"]
    list_select_related = ["case", "uploaded_by"]
    show_full_result_count = False

    def download_url(self, obj):
        return reverse("consumers:download_document", args=[obj.case_id, obj.pk])


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


# Notes and follow-ups are not here: they are private to whoever holds the case (its agency, or its independent
# agent), not the service center's to read.


@admin.register(ConsumerAccount)
class ConsumerAccountAdmin(admin.ModelAdmin):
    """Which consumer account is linked to which case. Linked only by the consumer, with an access code; staff may
    unlink one (delete), e.g. when the wrong person linked it, and the consumer links again with a new code."""

    list_display = ["case", "user", "linked_at"]
    search_fields = ["=case__case_number", "user__email"]
    list_select_related = ["case", "user"]
    readonly_fields = ["user", "case", "linked_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
