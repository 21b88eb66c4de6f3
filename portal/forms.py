from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Security code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
    )
