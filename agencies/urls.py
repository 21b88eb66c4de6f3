from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_home, name="home"),
    path("agents/", views.roster, name="roster"),
    path("agents/add/", views.agent_add, name="agent_add"),
    path("agents/<int:agent_id>/", views.agent_detail, name="agent"),
    path("agents/<int:agent_id>/status/", views.agent_status, name="agent_status"),
    path("staff/", views.admin_staff, name="admin_staff"),
    path("staff/<int:membership_id>/", views.admin_staff_member, name="admin_staff_member"),
    path("delegations/", views.agency_delegations, name="delegations"),
    path("account/", views.agency_account, name="account"),
    path("account/edit/", views.agency_account_edit, name="account_edit"),
    path("account/locations/add/", views.location_edit, name="location_add"),
    path("account/locations/<int:location_id>/", views.location_edit, name="location_edit"),
    path("account/documents/", views.document_upload, name="document_upload"),
    path("account/documents/<int:document_id>/", views.document_download, name="document_download"),
]
