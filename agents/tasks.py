"""Scheduled work for agents."""

from celery import shared_task

from .services import send_expiry_reminders


@shared_task
def expiry_reminders() -> int:
    """Daily: remind agents and their managers 30 days before a license or certification expires."""
    return send_expiry_reminders()
