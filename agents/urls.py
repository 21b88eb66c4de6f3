from django.urls import path

from . import views

app_name = "agents"

urlpatterns = [path("profile/", views.my_profile, name="my_profile")]
