from django.urls import path

from . import views

app_name = "securemailbox"

urlpatterns = [
    path("", views.threads, name="threads"),
    path("write/", views.write, name="write"),
    path("<int:thread_id>/", views.thread, name="thread"),
    path("<int:thread_id>/close/", views.close, name="close"),
    path("to-answer/", views.to_answer, name="to_answer"),
    path("to-answer/<int:thread_id>/", views.answer, name="answer"),
    path("to-answer/<int:thread_id>/close/", views.staff_close, name="staff_close"),
]
