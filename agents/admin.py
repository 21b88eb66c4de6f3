from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationStatus

from .models import Agent, CertificationChange, CertificationReason, ExpiryReminder, Language, ProductExpertise
from .services import record_new_agent, set_certification


class CertificationChangeInline(admin.TabularInline):
    model = CertificationChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "reason", "note", "changed_by"]
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
    certification_reason = forms.ChoiceField(
        label=_("Reason for the change"), choices=[("", "—"), *CertificationReason.choices], required=False
    )
    certification_note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Anything the reason does not say. Needed when the reason is Other."),
    )

    class Meta:
        model = Agent
        fields = "__all__"  # noqa: DJ007 - the admin chooses the fields through its fieldsets

    def clean(self):
        """A change of certification says why; certifying says until when (after today), so that the reminder
        before it expires can be sent."""
        data = super().clean()
        status = data.get("change_certification_to")
        if not status or (self.instance.pk and status == self.instance.certification_status):
            return data
        reason = data.get("certification_reason")
        if not reason:
            self.add_error("certification_reason", _("Choose the reason for the change."))
        elif reason == CertificationReason.OTHER and not (data.get("certification_note") or "").strip():
            self.add_error("certification_note", _("Say the reason in the note."))
        if status == CertificationStatus.CERTIFIED:
            expires_on = data.get("certification_expires_on")
            if expires_on is None or expires_on <= timezone.localdate():
                self.add_error("certification_expires_on", _("Give the date the certification expires, after today."))
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
                    "certification_note",
                )
            },
        ),
        (_("Record"), {"fields": ("preferred_language", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        status = form.cleaned_data.get("change_certification_to")
        reason = form.cleaned_data.get("certification_reason", "")
        note = form.cleaned_data.get("certification_note", "")
        if not change:
            record_new_agent(agent=obj, by=request.user)
        if status and status != obj.certification_status:
            set_certification(agent=obj, status=status, by=request.user, reason=reason, note=note,
                              expires_on=obj.certification_expires_on)  # fmt: skip
            obj.refresh_from_db()


@admin.register(CertificationChange)
class CertificationChangeAdmin(admin.ModelAdmin):
    list_display = ["agent", "from_status", "to_status", "reason", "changed_by", "changed_at"]
    list_filter = ["to_status", "reason", "changed_at"]
    search_fields = ["agent__license_number", "agent__last_name", "note"]
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
    list_display = ["__str__", "code"]


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
