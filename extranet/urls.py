from django.urls import path

from . import views

app_name = "extranet"

urlpatterns = [
    path("", views.files, name="files"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("files/<int:extract_id>/download/", views.download, name="download"),
    path("password/", views.change_password, name="change_password"),
    path("reset/", views.reset, name="reset"),
    path("set-password/<str:token>/", views.choose_password, name="choose_password"),
]
