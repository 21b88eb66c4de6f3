"""Forms of the Agency Portal: the roster's filters, the agency account, locations, documents, Admin Staff."""

from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.choices import CertificationStatus
from portal.uploads import check_upload
from portal.validators import validate_california_zip_code

from .models import Agency, AgencyDocument, AgencyLocation, Membership, OpeningHours
from .services import ACCOUNT_FIELDS, LOCATION_FIELDS, REMINDERS_FIELD

ROSTER_SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "consumers": ("active_delegations", "last_name", "pk"),  # the key of older links and saved sorts
    "pending": ("pending_requests", "last_name", "pk"),
    "license": ("license_number",),
    "certification": ("certification_status", "last_name", "pk"),
    "since": ("agency_started_on", "last_name", "pk"),
}


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or license number"), required=False, max_length=100)
    certification = forms.ChoiceField(
        label=_("Certification status"), choices=[("", _("All")), *CertificationStatus.choices], required=False
    )
    expiring = forms.IntegerField(
        label=_("License or certification expiring within (days)"), min_value=0, max_value=365, required=False
    )
    sort = forms.ChoiceField(
        choices=[(key, key) for key in ROSTER_SORTS] + [(f"-{key}", key) for key in ROSTER_SORTS], required=False
    )


class AgencyAccountForm(forms.ModelForm):
    """The agency's names and contact; for its manager (REMIND_CONSUMERS) also whether consumers get deadline
    reminders. Without that capability the field is not on the form, so a posted value is ignored."""

    class Meta:
        model = Agency
        fields = [*ACCOUNT_FIELDS, REMINDERS_FIELD]

    def __init__(self, *args, may_set_reminders: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_set_reminders:
            del self.fields[REMINDERS_FIELD]
            return
        days = sorted(set(settings.CONSUMER_REMINDER_DAYS), reverse=True)
        self.fields[REMINDERS_FIELD].help_text = _(
            "E-mail the consumers your agents help, when their case has an e-mail address, %(days)s days before a "
            "document for their coverage is due, each once, in their preferred language (English or Spanish). The "
            "e-mail names only their first name and the due date: not their case number nor what the document is."
        ) % {"days": ", ".join(str(day) for day in days)}


class AgencyLocationForm(forms.ModelForm):
    class Meta:
        model = AgencyLocation
        fields = list(LOCATION_FIELDS)

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"]
        validate_california_zip_code(zip_code)
        return zip_code


OpeningHoursFormSet = inlineformset_factory(
    AgencyLocation,
    OpeningHours,
    fields=["weekday", "opens_at", "closes_at"],
    widgets={
        "opens_at": forms.TimeInput(attrs={"type": "time"}),
        "closes_at": forms.TimeInput(attrs={"type": "time"}),
    },
    extra=2,
    can_delete=True,
)


class AgencyDocumentForm(forms.ModelForm):
    class Meta:
        model = AgencyDocument
        fields = ["kind", "file"]
        help_texts = {
            "file": _("PDF, JPEG or PNG, at most %(size)s.") % {"size": filesizeformat(settings.MAX_UPLOAD_SIZE)}
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = check_upload(upload)
        return upload


class AdminStaffForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail (their sign-in)"))
    can_view_roster = forms.BooleanField(label=_("May view the roster"), required=False)
    can_view_book = forms.BooleanField(label=_("May view the Book of Business"), required=False)
    can_export_book = forms.BooleanField(label=_("May export the Book of Business"), required=False)
    can_edit_account = forms.BooleanField(label=_("May edit the agency account"), required=False)


class GrantsForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["can_view_roster", "can_view_book", "can_export_book", "can_edit_account"]
