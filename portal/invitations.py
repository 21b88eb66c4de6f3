"""Invitations to create a sign-in: a single-use link, valid for PORTAL_INVITATION_DAYS, to choose a password.

The token is Django's password-reset token with its own salt and lifetime: it hashes
the password and last sign-in, so it dies the moment it is used.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from .notifications import absolute_url, send_email_after_commit


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "portal.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        # As Django's, with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.PORTAL_INVITATION_DAYS * 24 * 3600


invitation_tokens = InvitationTokenGenerator()


def invitation_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(reverse("accept_invitation", args=[uid, invitation_tokens.make_token(user)]))


def send_invitation(*, user, agency, role_label: str) -> None:
    """E-mail a new person the link to choose their password."""
    with translation.override(user.preferred_language):
        body = render_to_string(
            "portal/email/invitation.txt",
            {
                "user": user,
                "agency": agency,
                "role": role_label,
                "url": invitation_url(user),
                "days": settings.PORTAL_INVITATION_DAYS,
            },
        )
        subject = _("You are invited to the Agency Portal")
    send_email_after_commit(to=user.email, subject=str(subject), body=body)
