"""Scheduled work on cases."""

from celery import shared_task

from .services import send_verification_digests


@shared_task
def verification_digests() -> int:
    """Daily: each helper gets one message listing conditional-eligibility items due within 10 days."""
    return send_verification_digests()
