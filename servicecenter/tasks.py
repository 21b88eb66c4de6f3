"""Online Chat's scheduled work."""

from celery import shared_task


@shared_task
def close_idle_chats() -> int:
    """Every five minutes: close the chats nobody wrote in for CHAT_IDLE_MINUTES (servicecenter.services)."""
    from . import services

    return services.close_idle_chats()
