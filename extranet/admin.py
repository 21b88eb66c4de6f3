"""Extranet accounts for service-center staff: status, last sign-in, password age; unlock, resend
onboarding, deactivate. Nothing here shows or sets a password."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agents.admin import AgentAdmin
from agents.models import Agent
from portal.choices import CertificationStatus
from portal.models import SignInLock

from . import services
from .models import ExtranetAccount, PasswordLink


def report_not_sent(model_admin, request, count: int) -> None:
    """Tell staff which onboarding was held back by the limit on password links (services.link_may_be_sent)."""
    if count:
        model_admin.message_user(
            request,
            ngettext("Not sent to %(count)d account: it was sent a password link less than %(minutes)d minutes "
                     "ago, or %(links)d in the last hour. Try again later.",
                     "Not sent to %(count)d accounts: each was sent a password link less than %(minutes)d minutes "
                     "ago, or %(links)d in the last hour. Try again later.", count)
            % {"count": count, "minutes": settings.EXTRANET_LINK_INTERVAL_MINUTES, "links": settings.EXTRANET_LINKS_PER_HOUR},
            messages.WARNING,
        )  # fmt: skip


class PasswordLinkInline(admin.TabularInline):
    model = PasswordLink
    fields = ["purpose", "created_at", "expires_at", "used_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]
    verbose_name_plural = _("password links (the links themselves are never stored)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExtranetAccount)
class ExtranetAccountAdmin(admin.ModelAdmin):
    list_display = ["username", "agent", "account_status", "last_login_at", "password_age", "onboarded_at"]
    list_filter = ["is_active"]
    search_fields = ["username", "agent__last_name", "agent__license_number"]
    fields = ["username", "agent", "account_status", "is_active", "password_set_at", "password_expires",
              "reminder_sent_at", "last_login_at", "onboarded_at", "created_at"]  # fmt: skip
    readonly_fields = [field for field in fields if field != "is_active"]
    list_select_related = ["agent"]
    show_full_result_count = False
    inlines = [PasswordLinkInline]
    actions = ["unlock", "resend_onboarding", "deactivate"]

    def has_add_permission(self, request):
        return False  # accounts are made by onboarding

    def get_queryset(self, request):
        identifier = Lower(Concat(Value("extranet:"), OuterRef("username")))
        locks = SignInLock.objects.filter(
            identifier=identifier, lifted_at__isnull=True, locked_until__gt=timezone.now()
        )
        return super().get_queryset(request).annotate(locked=Exists(locks))

    @admin.display(description=_("status"))
    def account_status(self, account):
        return ExtranetAccount.Status(account.status(locked=getattr(account, "locked", None))).label

    @admin.display(description=_("password age"))
    def password_age(self, account):
        if account.password_set_at is None:
            return "—"
        days = (timezone.now() - account.password_set_at).days
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}

    @admin.display(description=_("password expires"))
    def password_expires(self, account):
        return account.password_expires_at or "—"

    @admin.action(description=_("Unlock the selected accounts"), permissions=["change"])
    def unlock(self, request, queryset):
        unlocked = sum(services.unlock(account, by=request.user) for account in queryset)
        self.message_user(
            request,
            ngettext("%(count)d account unlocked.", "%(count)d accounts unlocked.", unlocked) % {"count": unlocked},
            messages.SUCCESS,
        )

    @admin.action(description=_("Resend the onboarding e-mails (earlier links stop working)"), permissions=["change"])
    def resend_onboarding(self, request, queryset):
        sent = not_sent = 0
        for account in queryset.select_related("agent").filter(is_active=True):
            if services.send_onboarding(account, by=request.user):
                sent += 1
            else:
                not_sent += 1
        self.message_user(
            request,
            ngettext("Onboarding sent to %(count)d account.", "Onboarding sent to %(count)d accounts.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )
        report_not_sent(self, request, not_sent)

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        accounts = list(queryset.filter(is_active=True))
        for account in accounts:
            services.deactivate(account, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", len(accounts))
            % {"count": len(accounts)},
            messages.SUCCESS,
        )


class AgentAdminWithExtranet(AgentAdmin):
    """The Service Center's agent page, with the extranet's action on it (the extranet sits above agents)."""

    actions = [*(AgentAdmin.actions or []), "send_extranet_onboarding"]

    @admin.action(description=_("Send Agent Extranet onboarding (certified agents without a password)"),
                  permissions=["change"])  # fmt: skip
    def send_extranet_onboarding(self, request, queryset):
        """For agents certified before the Monday run knew them: the same three e-mails, sent now."""
        agents = queryset.filter(certification_status=CertificationStatus.CERTIFIED).exclude(email="")
        sent = not_sent = 0
        for agent in agents.exclude(extranet_account__password__gt=""):
            account = services.account_for(agent)
            if not account.is_active:
                continue
            if services.send_onboarding(account, by=request.user):
                sent += 1
            else:
                not_sent += 1
        self.message_user(
            request,
            ngettext(
                "Extranet onboarding sent to %(count)d agent.", "Extranet onboarding sent to %(count)d agents.", sent
            )
            % {"count": sent},
        )
        report_not_sent(self, request, not_sent)


admin.site.unregister(Agent)
admin.site.register(Agent, AgentAdminWithExtranet)
