from django.urls import path

from . import delegations as views

# Under the "delegations" namespace, with delegations/urls.py (config/urls.py puts the two together).
urlpatterns = [
    path("mine/", views.my_delegations, name="mine"),
    path("transfer/<int:agent_id>/", views.transfer, name="transfer"),
    path("acting/<int:agent_id>/start/", views.start_acting, name="start_acting"),
]
