from django.urls import path

from . import views

# Included under the "delegations" namespace by config/urls.py, with the pages of pages/delegations_urls.py.
urlpatterns = [
    path("<int:delegation_id>/accept/", views.accept, name="accept"),
    path("<int:delegation_id>/decline/", views.decline, name="decline"),
    path("acting/stop/", views.stop_acting, name="stop_acting"),
]
