from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm, SignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import services, tasks
from .queueing import enqueue


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Security code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
    )


class PasswordResetByTaskForm(ResetPasswordForm):
    """allauth's 'forgot password' form, less the work that took longer when an account has the address: the
    request checks the address's form and queues a task with it; the task looks the account up, makes the link
    and sends it (portal.services.send_password_reset). Both answers do the same work, in the same time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")  # the sign-in page's words
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "placeholder": ""})

    def clean_email(self) -> str:
        self.users = []  # looked up by the task, not here
        return get_adapter().clean_email(self.cleaned_data["email"].lower())

    def save(self, request, **kwargs) -> str:
        email = self.cleaned_data["email"]
        # The broker away: the same work is done here instead (then, and only then, the answer takes longer).
        transaction.on_commit(lambda: enqueue(tasks.send_password_reset, kwargs={"email": email},
                                              fallback=lambda: services.send_password_reset(email=email)))  # fmt: skip
        return email


class ConsumerSignupForm(SignupForm):
    """A consumer makes their own account: their name, their e-mail address (confirmed before they can sign in) and a
    password under the portal's rules (AUTH_PASSWORD_VALIDATORS, as every account's)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "placeholder": ""})
        self.fields["first_name"].widget.attrs.update({"autocomplete": "given-name"})
        self.fields["last_name"].widget.attrs.update({"autocomplete": "family-name"})
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.update({"autocomplete": "new-password", "placeholder": ""})
        # The rules of AUTH_PASSWORD_VALIDATORS in one sentence (allauth's help is their list, as HTML).
        self.fields["password1"].help_text = _(
            "At least 12 characters; not a common password, not only digits, and not like your name or e-mail address."
        )
        self.order_fields(self.field_order)

    def validate_unique_email(self, value) -> str:
        # As allauth does when every address is confirmed before sign-in (which a consumer's is, by the portal's
        # login stage): an address that has an account is not refused here, which would tell who has one.
        from allauth.account.utils import filter_users_by_email

        self.account_already_exists = bool(filter_users_by_email(value))
        return get_adapter().validate_unique_email(value)

    def try_save(self, request):
        # An address that already has an account gets allauth's "you already have an account" e-mail and the same
        # page as a new one; the password is hashed here too, so both answers take the same work.
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
