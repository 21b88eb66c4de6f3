from django import forms
from django.utils.translation import gettext_lazy as _

from .passwords import CharacterClassesValidator
from .services import check_new_password


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=16, help_text=_("For example CC_1H12345."),
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}))  # fmt: skip
    password = forms.CharField(label=_("Password"), max_length=200, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))  # fmt: skip


class ResetForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=16, help_text=_("For example CC_1H12345."),
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))  # fmt: skip


class ChoosePasswordForm(forms.Form):
    """A new password for `account`, typed twice, checked against every rule (with `change`, the once-a-day
    rule too)."""

    change = False

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    new_password = forms.CharField(
        label=_("New password"), max_length=200, strip=False,
        help_text=_("At least 12 characters. %(classes)s You cannot reuse any of your last 24 passwords.")
        % {"classes": CharacterClassesValidator().get_help_text()},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip
    confirm_password = forms.CharField(label=_("New password again"), max_length=200, strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip

    def clean_new_password(self):
        password = self.cleaned_data["new_password"]
        check_new_password(self.account, password, change=self.change)
        return password

    def clean(self):
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("confirm_password")
            and data["new_password"] != data["confirm_password"]
        ):
            self.add_error("confirm_password", _("The two passwords are not the same."))
        return data


class ChangePasswordForm(ChoosePasswordForm):
    change = True
    current_password = forms.CharField(label=_("Current password"), max_length=200, strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))  # fmt: skip
    field_order = ["current_password", "new_password", "confirm_password"]
