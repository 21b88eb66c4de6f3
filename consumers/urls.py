from django.urls import path

from . import views

app_name = "consumers"

urlpatterns = [
    path("new/", views.new_business, name="new_business"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/changes/", views.report_change, name="report_change"),
    path("<int:case_id>/documents/", views.upload_document, name="upload_document"),
    path("<int:case_id>/documents/<int:document_id>/", views.download_document, name="download_document"),
    path("<int:case_id>/renewal/", views.record_renewal, name="record_renewal"),
    path("<int:case_id>/notes/", views.add_note, name="add_note"),
    path("<int:case_id>/follow-ups/", views.add_follow_up, name="add_follow_up"),
    path("<int:case_id>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
]
