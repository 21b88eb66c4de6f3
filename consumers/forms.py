"""Forms for work on a case: new business, changes, documents, renewals; and the consumer's request for help."""

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.choices import COUNTY_CHOICES
from portal.fields import NormalizingCharField
from portal.uploads import check_upload
from portal.validators import (
    normalize_case_number,
    normalize_phone,
    normalize_zip_code,
    validate_california_zip_code,
    validate_case_number,
    validate_not_in_the_future,
    validate_phone,
    validate_zip_code_in_county,
)
from portal.widgets import DateInput, Select

from .models import (
    FOLLOW_UP_MAX_LENGTH,
    ISSUERS,
    NOTE_MAX_LENGTH,
    CaseDocument,
    ChangeReport,
    ConsumerCase,
    Enrollment,
    HouseholdMember,
)

DATE = DateInput()


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = ConsumerCase
        fields = [
            "first_name", "last_name", "date_of_birth", "email", "phone", "street", "city", "zip_code", "county",
            "preferred_language", "max_aptc", "cost_sharing_level",
        ]  # fmt: skip
        widgets = {"date_of_birth": DATE}

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"]
        validate_california_zip_code(zip_code)
        return zip_code

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        validate_not_in_the_future(born)
        return born

    def clean(self):
        data = super().clean()
        if data.get("zip_code") and data.get("county"):
            try:
                validate_zip_code_in_county(data["zip_code"], data["county"])
            except forms.ValidationError as error:
                self.add_error("county", error)
        return data


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["first_name", "last_name", "date_of_birth", "relationship", "seeks_coverage"]
        widgets = {"date_of_birth": DATE}

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        validate_not_in_the_future(born)
        return born

    def has_changed(self):
        # A blank row stays blank even though "applying for coverage" starts ticked.
        return any(self[name].value() for name in ("first_name", "last_name", "date_of_birth"))


HouseholdFormSet = formset_factory(HouseholdMemberForm, extra=2, max_num=12)


class CoverageForm(forms.ModelForm):
    issuer = forms.ChoiceField(label=_("Issuer"), choices=[(name, name) for name in ISSUERS])

    class Meta:
        model = Enrollment
        fields = ["plan_year", "issuer", "plan_name", "metal_tier", "monthly_premium", "aptc", "coverage_start",
                  "coverage_end"]  # fmt: skip
        widgets = {"coverage_start": DATE, "coverage_end": DATE}

    def clean_plan_year(self):
        year = self.cleaned_data["plan_year"]
        if year is not None and not 2014 <= year <= 2100:
            raise forms.ValidationError(_("Enter a plan year from 2014 on, such as 2027."), code="plan_year")
        return year

    def clean_monthly_premium(self):
        premium = self.cleaned_data["monthly_premium"]
        if premium is not None and premium < 0:
            raise forms.ValidationError(_("The premium cannot be negative."), code="negative")
        return premium

    def clean_aptc(self):
        aptc = self.cleaned_data["aptc"]
        if aptc is not None and aptc < 0:
            raise forms.ValidationError(_("APTC cannot be negative."), code="negative")
        return aptc

    def clean(self):
        # Each rule is said on its own field; a field in error is left out of the database's constraints, so
        # no constraint's own words ever reach the page.
        data = super().clean()
        premium, aptc = data.get("monthly_premium"), data.get("aptc")
        if premium is not None and aptc is not None and aptc > premium:
            self.add_error("aptc", _("APTC cannot be more than the monthly premium."))
        start, end, year = data.get("coverage_start"), data.get("coverage_end"), data.get("plan_year")
        if start and end and end < start:
            self.add_error("coverage_end", _("Coverage must end on or after the day it starts."))
        for name, day in (("coverage_start", start), ("coverage_end", end)):
            if year and day and day.year != year and name not in self.errors:
                self.add_error(name, _("Coverage of plan year %(year)s is within %(year)s.") % {"year": year})
        return data


class ChangeReportForm(forms.Form):
    """Report a change: the fields that matter for the kind of change are required."""

    kind = forms.ChoiceField(label=_("What changed"), choices=ChangeReport.Kind.choices)

    def __init__(self, *args, **kwargs):
        # The case page shows this form beside the document form: ids of their own keep each label on its field.
        kwargs.setdefault("auto_id", "change_%s")
        super().__init__(*args, **kwargs)

    street = forms.CharField(label=_("New street address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    zip_code = NormalizingCharField(label=_("ZIP code"), normalizer=normalize_zip_code, max_length=10, required=False)
    county = forms.ChoiceField(label=_("County"), choices=[("", "—"), *COUNTY_CHOICES], required=False, widget=Select)
    phone = NormalizingCharField(label=_("New phone"), normalizer=normalize_phone, max_length=20, required=False)
    annual_income = forms.DecimalField(label=_("New yearly household income ($)"), min_value=0, max_digits=10,
                                       decimal_places=2, required=False)  # fmt: skip
    household = forms.CharField(label=_("What changed in the household"), max_length=500, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    effective_on = forms.DateField(label=_("Since"), widget=DATE)

    REQUIRED = ChangeReport.FIELDS

    def clean(self):
        data = super().clean()
        for field in self.REQUIRED.get(data.get("kind"), ()):
            if data.get(field) in (None, ""):
                self.add_error(field, _("Needed for this kind of change."))
        if data.get("kind") == "address" and data.get("zip_code"):
            try:
                validate_california_zip_code(data["zip_code"])
                validate_zip_code_in_county(data["zip_code"], data.get("county"))
            except forms.ValidationError as error:
                self.add_error("county" if error.code == "zip_code_not_in_county" else "zip_code", error)
        if data.get("effective_on"):
            try:
                validate_not_in_the_future(data["effective_on"])
            except forms.ValidationError as error:
                self.add_error("effective_on", error)
        if data.get("kind") == "phone" and data.get("phone"):
            try:
                validate_phone(data["phone"])
            except forms.ValidationError as error:
                self.add_error("phone", error)
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        fields = self.REQUIRED[data["kind"]]
        details = {field: str(data[field]) for field in fields}
        details["effective_on"] = data["effective_on"].isoformat()
        return details


class CaseDocumentForm(forms.Form):
    verification = forms.ModelChoiceField(label=_("For"), queryset=None, required=False,
                                          empty_label=_("No particular item"))  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind of document"), choices=CaseDocument.Kind.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("auto_id", "document_%s")
        super().__init__(*args, **kwargs)
        # Written here, in the reader's language (a class attribute would be formatted once, in the default one).
        self.fields["file"].help_text = _("PDF, JPEG or PNG, at most %(size)s.") % {
            "size": filesizeformat(settings.MAX_UPLOAD_SIZE)}  # fmt: skip
        self.fields["verification"].queryset = case.verifications.filter(status__in=["open", "submitted"])
        self.fields["verification"].label_from_instance = lambda v: (
            f"{v.get_kind_display()} — {date_format(v.due_date, 'SHORT_DATE_FORMAT')}")  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = check_upload(upload)
        return upload


class RenewalForm(forms.Form):
    renewal_status = forms.ChoiceField(label=_("Renewal status"), choices=ConsumerCase.RenewalStatus.choices)


class CaseNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        help_text=_("Read only by your agency (or by you, if you work in no agency) while the case is yours."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class FollowUpForm(forms.Form):
    """A follow-up: for whom (the agency's certified, Active agents and oneself), by when, what."""

    text = forms.CharField(label=_("What to do"), max_length=FOLLOW_UP_MAX_LENGTH)
    due_date = forms.DateField(label=_("By"), widget=DATE)
    owner = forms.ModelChoiceField(label=_("Whose"), queryset=None, empty_label=None, widget=Select)

    def __init__(self, *args, owners, owner_choices, **kwargs):
        kwargs.setdefault("auto_id", "follow_up_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # what a choice is checked against, as it is now
        # What is offered (consumers.selectors.follow_up_owner_choices): the largest agency has 820 agents, whose
        # whole rows were read each time the list was rendered.
        self.fields["owner"].widget.choices = owner_choices

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return due


class AttestationForm(forms.Form):
    """Write new business: the agent attests, in the words recorded as the consent, that the consumer agreed."""

    attested = forms.BooleanField(
        label="", error_messages={"required": _("Confirm that the consumer agreed before you create the case.")}
    )

    def __init__(self, *args, **kwargs):
        from delegations.services import new_business_attestation

        super().__init__(*args, **kwargs)
        self.fields["attested"].label = new_business_attestation()


class RequestHelpForm(forms.Form):
    case_number = NormalizingCharField(label=_("Case number"), normalizer=normalize_case_number, max_length=20,
                                       validators=[validate_case_number])  # fmt: skip
    access_code = forms.CharField(label=_("Access code"), max_length=20,
                                  help_text=_("The code Customer Service gave you, such as ABCD-2345."))  # fmt: skip
