from django.urls import path

from . import own_views

app_name = "my_case"

urlpatterns = [
    path("", own_views.my_case, name="case"),
    path("link/", own_views.link, name="link"),
    path("documents/", own_views.upload, name="upload"),
    path("documents/<int:document_id>/", own_views.download, name="document"),
    path("helpers/", own_views.delegates, name="delegates"),
    path("helpers/<int:delegation_id>/remove/", own_views.remove, name="remove"),
]
