"""Model fields for the identifiers people type, which tidy what was typed before checking it.

"12-3456789" becomes the stored FEIN "123456789", " 0h12345" the license "0H12345";
the same tidying happens in every form and in admin, and the validators then
give a clear message for anything still wrong.
"""

from django import forms
from django.db import models

from . import validators
from .collation import NAMES_COLLATION


class NormalizingCharField(forms.CharField):
    """A form field that tidies the input with `normalizer` before validating it."""

    def __init__(self, *, normalizer, **kwargs):
        self.normalizer = normalizer
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value


class _NormalizedCharField(models.CharField):
    normalizer = staticmethod(lambda value: value)
    input_max_length = 40

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value

    def formfield(self, **kwargs):
        defaults = {
            "form_class": NormalizingCharField,
            "normalizer": self.normalizer,
            # People type separators; the stored length is checked after tidying.
            "max_length": self.input_max_length,
        }
        defaults.update(kwargs)
        return super().formfield(**defaults)


class LicenseNumberField(_NormalizedCharField):
    """A California Department of Insurance license number, such as 0H12345."""

    default_validators = [validators.validate_license_number]
    normalizer = staticmethod(validators.normalize_license_number)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)


class FEINField(_NormalizedCharField):
    """A federal employer identification number, stored as nine digits, shown as XX-XXXXXXX."""

    default_validators = [validators.validate_fein]
    normalizer = staticmethod(validators.normalize_fein)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)


class ZipCodeField(_NormalizedCharField):
    """A five-digit ZIP code (ZIP+4 is accepted and cut to five)."""

    default_validators = [validators.validate_zip_code]
    normalizer = staticmethod(validators.normalize_zip_code)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 5)
        super().__init__(*args, **kwargs)


class PhoneField(_NormalizedCharField):
    """A US phone number, stored as 916-555-0123."""

    default_validators = [validators.validate_phone]
    normalizer = staticmethod(validators.normalize_phone)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)


class CaseNumberField(_NormalizedCharField):
    """A marketplace case number: ten digits."""

    default_validators = [validators.validate_case_number]
    normalizer = staticmethod(validators.normalize_case_number)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)


class PersonNameField(models.CharField):
    """A person's first or last name, which sorts as a reader of Spanish or English expects (portal.collation):
    the column is declared with the names collation, so every ORDER BY on it, and every index on it, use it."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor in ("postgresql", "sqlite") and not self.db_collation:
            params["collation"] = NAMES_COLLATION
        return params
