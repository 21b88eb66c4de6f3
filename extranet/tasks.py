from celery import shared_task


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def request_password_reset(self, username: str) -> None:
    """Send a reset link if an active account has this username (the page that asked never knows)."""
    from .services import request_reset

    request_reset(username)


@shared_task
def monday_onboarding() -> int:
    """Monday: the three onboarding e-mails to each agent certified during the previous week."""
    from .services import run_monday_onboarding

    return len(run_monday_onboarding())


@shared_task
def password_expiry_reminders() -> int:
    """Daily: one e-mail ten days before an extranet password expires."""
    from .services import send_expiry_reminders

    return send_expiry_reminders()
