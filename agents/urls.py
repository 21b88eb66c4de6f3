from django.urls import path

from . import views

app_name = "agents"

urlpatterns = [
    path("profile/", views.my_profile, name="my_profile"),
    path("profile/office/", views.own_office, name="own_office"),
    path("profile/email/", views.change_email, name="change_email"),
    path("profile/email/<str:token>/", views.confirm_email, name="confirm_email"),
    path("invitations/<int:invitation_id>/", views.agency_invitation, name="agency_invitation"),
]
