from django.urls import path

from . import agency as views

# Under the "agencies" namespace, with agencies/urls.py (config/urls.py puts the two together).
urlpatterns = [
    path("", views.agency_home, name="home"),
    path("agents/", views.roster, name="roster"),
    path("agents/add/", views.agent_add, name="agent_add"),
    path("agents/<int:agent_id>/", views.agent_detail, name="agent"),
    path("agents/<int:agent_id>/status/", views.agent_status, name="agent_status"),
    path("invitations/<int:invitation_id>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("delegations/", views.agency_delegations, name="delegations"),
    path("delegations/<int:delegation_id>/assign/", views.assign_request, name="assign_request"),
    path("delegations/chosen/give/", views.give_chosen, name="give_chosen"),
]
