from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from agencies import urls as agencies_urls
from agents import views as agent_views
from consumers import views as consumer_views
from delegations import urls as delegations_urls
from pages import agency_urls as agency_pages
from pages import delegations_urls as delegation_pages
from pages import search as search_page
from pages import today as today_page
from portal import views
from securemailbox import views as mailbox_views

# Django admin behind the portal's own sign-in (lockout included) and the second factor.
admin.site.__class__ = OTPAdminSite
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Agency Portal — Service Center")
admin.site.site_title = _("Agency Portal Service Center")
admin.site.index_title = _("Service Center")

handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", today_page.today, name="today"),
    path("search/", search_page.search, name="search"),
    path("help/", views.help_page, name="help"),
    path("help/<slug:topic>/", views.help_topic, name="help_topic"),
    path("find-local-help/", agent_views.find_local_help, name="find_local_help"),
    path("find-local-help/<int:agent_id>/request/", consumer_views.request_help, name="request_help"),
    path("cases/", include("consumers.urls")),
    path("my-case/", include("consumers.own_urls")),
    path("book/", include("bookofbusiness.urls")),
    path("security/", views.security_profile, name="security_profile"),
    path("security/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("security/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("security/two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("invitation/<str:uidb64>/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("mailbox/", mailbox_views.mailbox, name="mailbox"),
    path("mailbox/service-center/", include("securemailbox.urls")),
    path("mailbox/<int:message_id>/", views.mailbox_message, name="mailbox_message"),
    path("", include("servicecenter.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Sign-in addresses are the agency's and the service center's to change, not the user's own (a consumer's is
    # confirmed once, at sign-up: allauth's confirm-email pages).
    path("accounts/email/", views.not_offered, name="account_email"),
    # Reauthenticating means the password (ACCOUNT_REAUTHENTICATION_METHODS); no code is e-mailed for it.
    path("accounts/reauthenticate/code/", views.not_offered, name="account_request_reauthentication_code"),
    path("accounts/reauthenticate/code/confirm/", views.not_offered, name="account_confirm_reauthentication_code"),
    path("accounts/", include("allauth.urls")),
    path("agency/", include((agencies_urls.urlpatterns + agency_pages.urlpatterns, "agencies"))),
    path("agent/", include("agents.urls")),
    path("delegations/", include((delegations_urls.urlpatterns + delegation_pages.urlpatterns, "delegations"))),
    path("extranet/", include("extranet.urls")),
    path("admin/", admin.site.urls),
]
