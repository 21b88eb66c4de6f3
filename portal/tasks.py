"""Celery tasks of the portal itself."""

import logging

from celery import shared_task
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def send_email(self, *, to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail; retried with back-off when the mail server is unreachable."""
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    logger.info("e-mail sent (task %s)", self.request.id)  # the subject may carry a first name: not logged


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=1800, max_retries=8)
def send_password_reset(self, *, email: str) -> None:
    """'Forgot password': look the address up and e-mail its account a link (the page that asked never knows)."""
    from . import services  # here, not above: services use notifications, which import this module

    services.send_password_reset(email=email)


@shared_task
def expire_unconfirmed_sign_ups() -> int:
    """Daily: close consumers' sign-ups whose address was never confirmed (portal.services)."""
    from . import services

    return services.expire_unconfirmed_sign_ups()
