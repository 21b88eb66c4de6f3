from django.urls import path

from . import views

# Included under the "agencies" namespace by config/urls.py, with the Agency Portal pages of pages/agency_urls.py.
urlpatterns = [
    path("staff/", views.admin_staff, name="admin_staff"),
    path("staff/<int:membership_id>/", views.admin_staff_member, name="admin_staff_member"),
    path("account/", views.agency_account, name="account"),
    path("account/edit/", views.agency_account_edit, name="account_edit"),
    path("account/locations/add/", views.location_edit, name="location_add"),
    path("account/locations/<int:location_id>/", views.location_edit, name="location_edit"),
    path("account/documents/", views.document_upload, name="document_upload"),
    path("account/documents/<int:document_id>/", views.document_download, name="document_download"),
]
