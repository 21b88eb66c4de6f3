"""Acting on behalf never outlives the manager's session: it ends at every sign-in and sign-out."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .services import stop_acting


@receiver(user_logged_in)
def stop_acting_at_sign_in(sender, request, user, **kwargs):
    stop_acting(manager=user)  # a session that ended without signing out leaves nothing open


@receiver(user_logged_out)
def stop_acting_at_sign_out(sender, request, user, **kwargs):
    if user is not None:
        stop_acting(manager=user)
