from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Agency Portal — Service Center")
admin.site.site_title = _("Agency Portal Service Center")
admin.site.index_title = _("Service Center")

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("security/", views.security_profile, name="security_profile"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<int:message_id>/", views.mailbox_message, name="mailbox_message"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("agency/", include("agencies.urls")),
    path("agent/", include("agents.urls")),
    path("delegations/", include("delegations.urls")),
    path("admin/", admin.site.urls),
]
