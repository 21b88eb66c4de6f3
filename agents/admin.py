from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationStatus

from .models import Agent, CertificationChange, ExpiryReminder, Language, ProductExpertise
from .services import record_new_agent, set_certification


class CertificationChangeInline(admin.TabularInline):
    model = CertificationChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "reason", "changed_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AgentAdminForm(forms.ModelForm):
    """The agent form, with a certification change recorded through the service (and so in the history)."""

    change_certification_to = forms.ChoiceField(
        label=_("Change certification to"),
        choices=[("", _("— no change —")), *CertificationStatus.choices],
        required=False,
    )
    certification_reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    class Meta:
        model = Agent
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields through its fieldsets

    def clean(self):
        data = super().clean()
        status = data.get("change_certification_to")
        if (
            status in (CertificationStatus.DECERTIFIED, CertificationStatus.SUSPENDED)
            and not (data.get("certification_reason") or "").strip()
        ):
            self.add_error("certification_reason", _("Give the reason for decertifying or suspending the agent."))
        return data


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    form = AgentAdminForm
    list_display = [
        "last_name",
        "first_name",
        "kind",
        "license_number",
        "license_expires_on",
        "certification_status",
        "is_listed",
    ]
    list_filter = ["kind", "certification_status", "is_listed", "languages"]
    search_fields = ["last_name", "first_name", "license_number", "email", "user__email"]
    raw_id_fields = ["user", "subsite_locations"]
    filter_horizontal = ["languages", "product_expertise"]
    readonly_fields = ["certification_status", "certified_on", "created_at", "updated_at"]
    inlines = [CertificationChangeInline]
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("user", "kind", ("first_name", "last_name"), ("email", "phone"))}),
        (_("License"), {"fields": ("license_number", "license_expires_on")}),
        (
            _("Find Local Help"),
            {
                "fields": (
                    "is_listed",
                    "languages",
                    "product_expertise",
                    "biography",
                    "biography_es",
                    "subsite_locations",
                )
            },
        ),
        (
            _("Certification"),
            {
                "fields": (
                    "certification_status",
                    "certified_on",
                    "certification_expires_on",
                    "change_certification_to",
                    "certification_reason",
                )
            },
        ),
        (_("Record"), {"fields": ("preferred_language", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        status = form.cleaned_data.get("change_certification_to")
        reason = form.cleaned_data.get("certification_reason", "")
        if not change:
            record_new_agent(agent=obj, by=request.user)
        if status and status != obj.certification_status:
            set_certification(agent=obj, status=status, by=request.user, reason=reason)
            obj.refresh_from_db()


@admin.register(CertificationChange)
class CertificationChangeAdmin(admin.ModelAdmin):
    list_display = ["agent", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status", "changed_at"]
    search_fields = ["agent__license_number", "agent__last_name", "reason"]
    raw_id_fields = ["agent", "changed_by"]
    list_select_related = ["agent", "changed_by"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]


@admin.register(ProductExpertise)
class ProductExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(admin.ModelAdmin):
    list_display = ["agent", "kind", "expires_on", "sent_at"]
    list_filter = ["kind", "expires_on"]
    search_fields = ["agent__license_number", "agent__last_name"]
    raw_id_fields = ["agent"]
    list_select_related = ["agent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
