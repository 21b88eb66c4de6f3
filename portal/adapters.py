"""django-allauth glue: sign-up only for consumers' own accounts, whose address is confirmed before they can sign in;
and the portal's lockout: each attempt counted before its password is checked."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import audit, lockout

LOCKED_MESSAGE = _(
    "Sign-in is blocked for 60 minutes after 3 failed attempts. Try again later, or call the Agent "
    "Service Center at 877-453-9198 to have it lifted."
)


CONSUMER_EMAIL_VERIFICATION_STAGE = "portal.login_stages.ConsumerEmailVerificationStage"


class PortalAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_locked": LOCKED_MESSAGE,
        "too_many_login_attempts": _(
            "Too many sign-in attempts from your network. Wait 15 minutes before trying again."
        ),
    }

    def is_open_for_signup(self, request):
        """Sign-up makes a consumer's own account; agents', agencies' and staff accounts are made by the agency or
        the service center (invitations, admin)."""
        return True

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.is_consumer = True
        user.is_staff = user.is_superuser = False
        user.preferred_language = get_language() or user.preferred_language  # the language they signed up in
        if commit:
            user.save()
            audit.record("auth.signed_up", request=request, actor=user)
        return user

    def get_login_stages(self):
        return [CONSUMER_EMAIL_VERIFICATION_STAGE if path.endswith(".EmailVerificationStage") else path
                for path in super().get_login_stages()]  # fmt: skip

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        # "Successfully signed in" would be premature: the second factor comes next.
        if message_template == "account/messages/logged_in.txt":
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def pre_authenticate(self, request, **credentials):
        identifier = lockout.normalize(credentials.get("email") or credentials.get("username"))
        # Counted before the password is checked, so guesses sent at once cannot all slip past the lockout.
        self._sign_in_attempt = lockout.begin_attempt(identifier=identifier, client_ip=audit.client_ip(request))
        if self._sign_in_attempt is None:
            audit.record("auth.lock_refused", request=request, actor_label=identifier)
            raise self.validation_error("account_locked")
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            lockout.withdraw_attempt(self._sign_in_attempt)
            audit.record("auth.throttled", request=request, actor_label=identifier)
            raise

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            lockout.attempt_succeeded(self._sign_in_attempt)
        return user

    def authentication_failed(self, request, **credentials):
        # The failure was audited by the user_login_failed signal (portal.signals); it stays counted, and if
        # it completed a lock (or one came into force beside it), say so now.
        if lockout.attempt_failed(self._sign_in_attempt):
            raise self.validation_error("account_locked")
