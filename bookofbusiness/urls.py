from django.urls import path

from . import views

app_name = "bookofbusiness"

urlpatterns = [
    path("", views.book, name="book"),
    path("export/<str:file_format>/", views.export, name="export"),
    path("chosen/export/<str:file_format>/", views.export_chosen, name="export_chosen"),
    path("chosen/transfer/", views.transfer_chosen, name="transfer_chosen"),
    path("views/<int:view_id>/delete/", views.delete_view, name="delete_view"),
    path("exports/<int:export_id>/", views.export_status, name="export_status"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
]
