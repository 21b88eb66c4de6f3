"""The extranet's answers to changes elsewhere."""

from django.dispatch import receiver

from agents.signals import email_changed

from .models import ExtranetAccount
from .services import revoke_links


@receiver(email_changed, dispatch_uid="extranet.revoke_links_sent_to_the_old_address")
def revoke_links_sent_to_the_old_address(sender, agent, old_email, **kwargs):
    """A password link e-mailed to the old address must not outlive the change."""
    account = ExtranetAccount.objects.filter(agent=agent).first()
    if account is not None:
        revoke_links(account)
