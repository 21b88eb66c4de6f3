"""The extranet's background work: thin Celery tasks over its services."""

from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def request_password_reset(self, username: str) -> None:
    """Send a reset link if an active account has this username (the page that asked never knows)."""
    services.request_reset(username)


@shared_task
def monday_onboarding() -> int:
    """Monday: the three onboarding e-mails to each agent certified during the previous week."""
    return len(services.run_monday_onboarding())


@shared_task
def password_expiry_reminders() -> int:
    """Daily: one e-mail ten days before an extranet password expires."""
    return services.send_expiry_reminders()
