"""The service center's screens for the messages people write to it: the threads it may read (the same scoping as
its pages in the portal), each with its messages, and an answer written below them."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import audit
from portal.permissions import Capability, permissions_for

from . import services
from .forms import NO_SSN_HELP
from .models import BODY_MAX_LENGTH, Thread, ThreadMessage
from .selectors import messages_of, threads_staff_may_read, who_wrote


class AnswerForm(forms.ModelForm):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": BODY_MAX_LENGTH}),
        help_text=NO_SSN_HELP,
    )

    class Meta:
        model = ThreadMessage
        fields = ["body"]


class AnswerInline(admin.StackedInline):
    """One new answer from the service center; the messages already written are shown above, as written."""

    model = ThreadMessage
    form = AnswerForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = _("answer")
    verbose_name_plural = _("answer the person")

    def get_queryset(self, request):
        return super().get_queryset(request).none()  # an answer is added here; the thread shows those written

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None
            and not obj.is_closed
            and permissions_for(request.user).allows(Capability.ANSWER_CHAT)
            and super().has_add_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Close the chosen threads"))
def close_threads(modeladmin, request, queryset):
    if not permissions_for(request.user).allows(Capability.ANSWER_CHAT):
        modeladmin.message_user(request, _("Only the service center's chat staff close threads."), messages.ERROR)
        return
    closed = 0
    for thread in queryset.filter(closed_at__isnull=True):
        services.close(thread=thread, by=request.user)
        closed += 1
    modeladmin.message_user(
        request, ngettext("%(n)d thread closed.", "%(n)d threads closed.", closed) % {"n": closed}, messages.SUCCESS
    )


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["subject", "person", "language", "waiting", "last_message_at", "closed_at"]
    list_filter = [("awaiting_answer_since", admin.EmptyFieldListFilter), ("closed_at", admin.EmptyFieldListFilter),
                   "language"]  # fmt: skip
    search_fields = ["=id", "person__email", "person__last_name", "=case__case_number"]
    list_select_related = ["person"]
    ordering = ["-last_message_at"]
    show_full_result_count = False
    actions = [close_threads]
    inlines = [AnswerInline]
    fields = ["subject", "writer", "case_link", "language", "created_at", "awaiting_answer_since", "answered_at",
              "person_read_at", "closed_at", "closed_by", "conversation"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        # The same scoping as the portal's pages: supervisors every thread, those who answer theirs and the waiting.
        return threads_staff_may_read(request.user).select_related("person", "case", "closed_by")

    def has_add_permission(self, request):
        return False  # people write threads; the service center answers them

    def has_delete_permission(self, request, obj=None):
        return False  # correspondence is kept

    @admin.display(description=_("waiting for an answer since"), ordering="awaiting_answer_since")
    def waiting(self, obj):
        return obj.awaiting_answer_since or "—"

    @admin.display(description=_("written by"))
    def writer(self, obj):
        writer = who_wrote(obj.person)
        agency = writer["agency"]
        return format_html(
            "{} &lt;{}&gt;<br>{}{}{}",
            writer["name"],
            writer["email"],
            writer["role"],
            format_html(" · {} ({})", agency.public_name, agency.license_number) if agency else "",
            format_html(" · {} {}", _("license"), writer["license_number"]) if writer["license_number"] else "",
        )

    @admin.display(description=_("case"))
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        # The case number only: its data is on the case's own page, whose reading is recorded.
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:consumers_consumercase_change", args=[obj.case_id]),
            obj.case.case_number,
        )

    @admin.display(description=_("messages"))
    def conversation(self, obj):
        return format_html_join(
            "",
            "<div style='margin-bottom:1em'><strong>{}</strong> · {}<div>{}</div></div>",
            (
                (
                    format_html("{} ({})", _("Service Center"), message.author)
                    if message.from_service_center
                    else str(obj.person),
                    message.created_at.strftime("%Y-%m-%d %H:%M"),
                    mark_safe(linebreaks(message.body, autoescape=True)),  # noqa: S308 - escaped by linebreaks
                )
                for message in messages_of(obj).select_related("author")
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Reading a person's thread in admin is recorded, as on the portal's page.
        if request.method == "GET":
            thread = self.get_object(request, object_id)
            if thread is not None:
                audit.record("mailbox.thread_read_by_staff", request=request, obj=thread, details={"in": "admin"})
                services.mark_read_by_staff(thread=thread)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: the thread changes only through the answer below (services.answer)

    def save_formset(self, request, form, formset, change):
        # The answer goes through the service (the thread answered, the person told, audited), never formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for answer_form in formset.forms:
            if answer_form.has_changed() and answer_form.is_valid() and answer_form.cleaned_data.get("body"):
                try:
                    answer = services.answer(
                        thread=form.instance, staff=request.user, body=answer_form.cleaned_data["body"]
                    )
                except services.MailboxError as refused:
                    self.message_user(request, str(refused), messages.ERROR)
                else:
                    formset.new_objects.append(answer)  # named in admin's history of the thread
                    self.message_user(
                        request, _("Your answer was sent; the person is told by e-mail that it arrived.")
                    )
