"""The extranet's password rules: at least 12 characters with upper and lower case, a digit and a symbol,
and not a common password. (The history and the once-a-day rule need the account: see services.)"""

from django.contrib.auth.password_validation import CommonPasswordValidator, MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    """Upper case, lower case, a digit and a symbol, each at least once."""

    def validate(self, password, user=None):
        missing = []
        if not any(c.isupper() for c in password):
            missing.append(_("an upper-case letter"))
        if not any(c.islower() for c in password):
            missing.append(_("a lower-case letter"))
        if not any(c.isdigit() for c in password):
            missing.append(_("a digit"))
        if not any(not c.isalnum() and not c.isspace() for c in password):
            missing.append(_("a symbol such as ! # % or &"))
        if missing:
            raise ValidationError(
                _("Your password needs %(missing)s.") % {"missing": ", ".join(missing)}, code="password_classes"
            )

    def get_help_text(self):
        return _("Use upper- and lower-case letters, a digit and a symbol.")


EXTRANET_VALIDATORS = [MinimumLengthValidator(min_length=12), CommonPasswordValidator(), CharacterClassesValidator()]
