from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("mine/", views.my_delegations, name="mine"),
    path("<int:delegation_id>/accept/", views.accept, name="accept"),
    path("<int:delegation_id>/decline/", views.decline, name="decline"),
    path("transfer/<int:agent_id>/", views.transfer, name="transfer"),
    path("acting/<int:agent_id>/start/", views.start_acting, name="start_acting"),
    path("acting/stop/", views.stop_acting, name="stop_acting"),
]
