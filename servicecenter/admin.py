"""Online Chat in admin: the days the service center is closed, who takes Spanish chats, and, for supervisors, every
chat's transcript (reading one is audited). Chats are never changed nor deleted here: they are kept as written."""

from django.contrib import admin

from portal import audit
from portal.permissions import Capability, permissions_for

from .models import ChatMessage, ChatStaffProfile, ClosedDay, Conversation


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ("day", "reason")
    date_hierarchy = "day"


@admin.register(ChatStaffProfile)
class ChatStaffProfileAdmin(admin.ModelAdmin):
    list_display = ("shown_name", "user", "speaks_spanish")
    list_filter = ("speaks_spanish",)
    search_fields = ("shown_name", "user__email", "user__last_name")
    raw_id_fields = ("user",)


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    fields = ("created_at", "author_name", "side", "event", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("id",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _supervises(request) -> bool:
    return permissions_for(request.user).allows(Capability.READ_TRANSCRIPTS)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Transcripts, for the service center's supervisors only (the permission layer's READ_TRANSCRIPTS)."""

    list_display = ("id", "person", "staff", "language", "status", "opened_at", "closed_at")
    list_filter = ("status", "language")
    search_fields = ("person__email", "person__last_name", "staff__email")
    date_hierarchy = "opened_at"
    fields = ("person", "language", "status", "staff", "opened_at", "taken_at", "closed_at", "closed_by")
    readonly_fields = fields
    inlines = [ChatMessageInline]
    list_select_related = ("person", "staff")

    def has_module_permission(self, request):
        return _supervises(request)

    def has_view_permission(self, request, obj=None):
        return _supervises(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            conversation = self.get_object(request, object_id)
            if conversation is not None:
                audit.record("chat.transcript_viewed", request=request, obj=conversation, details={"in": "admin"})
        return response
