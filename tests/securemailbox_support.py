"""Helpers for the Secure Mailbox's tests: the service center's people, and a thread written as a person writes it."""

from django.contrib.auth.models import Group

from securemailbox import services

from .factories import UserFactory


def chat_staff(**fields):
    """Service-center staff of the chat group: they answer (ANSWER_CHAT)."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Service center: chat"))
    return user


def supervisor(**fields):
    """A service-center supervisor: answers, and reads any thread (READ_TRANSCRIPTS)."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Service center: supervisor"))
    return user


def plain_staff(**fields):
    """Service-center staff outside the chat group (consumer support): no answering."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Service center: consumer support"))
    return user


def written(person, subject="A question", body="Hello, I have a question.", case=None, language="en"):
    """A thread the person wrote to the service center."""
    return services.write_to_service_center(person=person, subject=subject, body=body, case=case, language=language)
