from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_home, name="home"),
    path("agents/", views.roster, name="roster"),
    path("staff/", views.admin_staff, name="admin_staff"),
    path("delegations/", views.agency_delegations, name="delegations"),
    path("account/", views.agency_account, name="account"),
]
