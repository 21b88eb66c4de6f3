"""The sign-in's stage that waits for a consumer's address to be confirmed (allauth's login stages, by path: see
portal.adapters)."""

from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage


class ConsumerEmailVerificationStage(EmailVerificationStage):
    """A consumer's address is confirmed before anything else: their sign-in (the one that ends sign-up too) stops
    at "check your e-mail", the confirmation sent again (at most as often as allauth's rate limit lets), until the
    link in it was opened. A sign-up with an address that already has an account (no user: allauth prevents telling
    who has one) ends on the same page. Nobody else's sign-in waits for a confirmation: agents' and staff addresses
    are given by their agency or the service center (ACCOUNT_EMAIL_VERIFICATION stays "none")."""

    def handle(self):
        from allauth.account.adapter import get_adapter
        from allauth.account.internal.flows.email_verification import send_verification_email_at_login

        user = self.login.user
        if user is not None and not user.is_consumer:
            return None, True
        if (
            user is not None
            and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
        ):
            return None, True
        send_verification_email_at_login(self.request, self.login)
        return get_adapter().respond_email_verification_sent(self.request, user), False  # no login is kept waiting
