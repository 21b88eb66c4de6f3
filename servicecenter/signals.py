"""A person who signs out or is made Inactive loses their chats' connections at once (every tab, every ASGI
process): their group on the channel layer is told, once the change commits. Anything else that ends a right (a
password changed, a session expired, a bulk update) is caught by each connection's own re-check
(servicecenter.consumers.RECHECK_EVERY)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import live


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        live.revoke(user.pk)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def made_inactive(sender, instance, **kwargs):
    if not instance.is_active:
        live.revoke(instance.pk)
