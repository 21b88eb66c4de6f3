from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import audit
from portal.admin import ReadOnlyAdmin

from .models import ActingOnBehalf, Consent, Delegation
from .services import DelegationError, end_delegation, record_staff_consent


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
    actions = ["end_at_consumers_request"]

    def save_model(self, request, obj, form, change):
        """A delegation staff open here records the consumer's consent (given on their call) with it."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                record_staff_consent(delegation=obj, by=request.user)

    @admin.action(
        description=_("End at the consumer's request (the helper loses access at once)"), permissions=["change"]
    )
    def end_at_consumers_request(self, request, queryset):
        ended = 0
        for delegation in queryset.filter(status__in=Delegation.OPEN_STATUSES):
            try:
                end_delegation(
                    delegation=delegation,
                    by=request.user,
                    reason=Delegation.EndReason.CONSUMER_REQUEST,
                    note=str(_("Ended by the service center at the consumer's request.")),
                )
            except DelegationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                ended += 1
        self.message_user(
            request,
            ngettext("Ended %(n)d delegation.", "Ended %(n)d delegations.", ended) % {"n": ended},
            messages.SUCCESS,
        )


@admin.register(ActingOnBehalf)
class ActingOnBehalfAdmin(admin.ModelAdmin):
    list_display = ["manager", "agent", "agency", "started_at", "ended_at"]
    list_filter = ["started_at"]
    search_fields = ["manager__email", "agent__license_number", "agent__last_name"]
    raw_id_fields = ["manager", "agent", "agency"]
    list_select_related = ["manager", "agent", "agency"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Consent records, to read: kept as written, so nobody adds, changes or deletes one here."""

    list_display = ["case", "agent", "agency", "channel", "consented_at", "recorded_at", "recorded_by"]
    list_filter = ["channel"]
    search_fields = ["=case__case_number", "agent__license_number", "agent__last_name"]
    list_select_related = ["case", "agent", "agency", "recorded_by"]
    readonly_fields = [field.name for field in Consent._meta.fields]
    date_hierarchy = "recorded_at"
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A consent names the consumer and their case: reading one is reading the case, recorded as in its admin.
        if request.method == "GET" and (consent := self.get_object(request, object_id)) is not None:
            audit.record(
                "case.viewed", request=request, obj=consent.case, details={"in": "admin", "consent": consent.pk}
            )
        return super().change_view(request, object_id, form_url, extra_context)
