from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("mine/", views.my_delegations, name="mine"),
    path("transfer/<int:agent_id>/", views.transfer, name="transfer"),
]
