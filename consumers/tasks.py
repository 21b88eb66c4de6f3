"""Scheduled work on cases."""

from celery import shared_task

from .services import send_deadline_reminders, send_verification_digests


@shared_task
def verification_digests() -> int:
    """Daily: each helper gets one message listing their conditional-eligibility items overdue or due within
    10 days."""
    return send_verification_digests()


@shared_task
def deadline_reminders() -> int:
    """Daily: consumers of agencies that send reminders are e-mailed 15, 5 and 1 days before an item is due."""
    return send_deadline_reminders()
