from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from django import forms
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
