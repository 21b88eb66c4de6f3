from django.urls import path

from . import views

app_name = "servicecenter"

urlpatterns = [
    path("chat/", views.chat, name="chat"),
    path("chat/start/", views.start, name="start"),
    path("chat/<int:conversation_id>/end/", views.end, name="end"),
    path("service-center/chat/", views.console, name="console"),
    path("service-center/chat/take/", views.take, name="take_next"),
    path("service-center/chat/<int:conversation_id>/take/", views.take, name="take"),
    path("service-center/chat/<int:conversation_id>/hand-over/", views.hand_over, name="hand_over"),
    path("service-center/chat/languages/", views.languages, name="languages"),
    path("service-center/chat/<int:conversation_id>/transcript/", views.transcript, name="transcript"),
]
