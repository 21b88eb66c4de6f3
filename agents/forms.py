"""Forms for agents' profiles: Add New Agent, Edit Agent Within Agency, My Agent Profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.choices import Language as LanguageCode
from portal.collation import name_sort_key
from portal.validators import california_zip_codes, normalize_zip_code, validate_california_zip_code
from portal.widgets import DateInput, ReadyChoices

from .models import BIOGRAPHY_MAX_LENGTH, Agent, Language, ProductExpertise

# The agency keeps these. The agent's e-mail (their sign-in and where extranet links go) is set once, when the
# agency adds a new agent, and after that changes only by the agent, confirmed at the new address.
PROFILE_FIELDS = [
    "first_name", "last_name", "phone", "languages", "product_expertise", "biography", "biography_es",
    "subsite_locations", "is_listed",
]  # fmt: skip


def agent_filter_choices(agent_rows) -> ReadyChoices:
    """ "All agents", then each of `agent_rows` ((pk, first name, last name, license number), as
    agents.selectors.agent_options reads them) as "Last, First (license)": the agent filter of the Book of
    Business and of the request queue."""
    return ReadyChoices([("", _("All agents"))] + [
        (pk, f"{last}, {first} ({license_number})") for pk, first, last, license_number in agent_rows
    ])  # fmt: skip


class AgentProfileForm(forms.ModelForm):
    """The profile an Agency Manager keeps for an agent (and consumers see in Find Local Help)."""

    class Meta:
        model = Agent
        fields = PROFILE_FIELDS
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "product_expertise": forms.CheckboxSelectMultiple,
            "subsite_locations": forms.CheckboxSelectMultiple,
            # Each in its own language, so spelling checkers and screen readers read it right.
            "biography": forms.Textarea(attrs={"rows": 4, "maxlength": BIOGRAPHY_MAX_LENGTH, "lang": "en"}),
            "biography_es": forms.Textarea(attrs={"rows": 4, "maxlength": BIOGRAPHY_MAX_LENGTH, "lang": "es"}),
        }
        # Whether consumers can find the agent also takes certification and a location: the page says so.
        labels = {"is_listed": _("Show in Find Local Help")}

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].queryset = Language.objects.by_name()
        self.fields["product_expertise"].queryset = ProductExpertise.objects.by_name()
        if "subsite_locations" not in self.fields:
            return
        if agency is None:
            del self.fields["subsite_locations"]  # an agent in no agency has no subsites
            return
        # Only this agency's subsites; an agent cannot be listed at another agency's door.
        self.fields["subsite_locations"].queryset = agency.locations.order_by("name")
        self.fields["subsite_locations"].label_from_instance = lambda loc: f"{loc.name} — {loc.street}, {loc.city}"


class AddAgentForm(AgentProfileForm):
    """Add New Agent: the profile plus the license number that identifies the agent to the marketplace."""

    class Meta(AgentProfileForm.Meta):
        fields = ["license_number", "license_expires_on", "email", *PROFILE_FIELDS]
        widgets = {**AgentProfileForm.Meta.widgets, "license_expires_on": DateInput()}
        help_texts = {
            "license_number": _(
                "The California Department of Insurance license number. An agent already certified with the "
                "marketplace keeps their certification."
            )
        }

    def validate_unique(self):
        # A license number that already exists means "link that agent", which the service decides.
        pass


class MyProfileForm(AgentProfileForm):
    """What an agent keeps up to date themselves."""

    class Meta(AgentProfileForm.Meta):
        fields = [
            "phone", "languages", "product_expertise", "biography", "biography_es", "subsite_locations", "is_listed",
        ]  # fmt: skip
        labels = {"is_listed": _("Show me in Find Local Help")}


class ChangeEmailForm(forms.Form):
    """An agent changes their own e-mail: the new address, confirmed there, and their password to prove it is them."""

    email = forms.EmailField(label=_("New e-mail address"), max_length=254)
    password = forms.CharField(label=_("Your current password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email.lower():
            raise forms.ValidationError(_("This is already your e-mail address."))
        return email

    # The password is checked by the view through the lockout (agents.services.confirm_own_password), never here.


DISTANCES = [(5, _("5 miles")), (10, _("10 miles")), (25, _("25 miles")), (50, _("50 miles")), (100, _("100 miles"))]


class FindLocalHelpForm(forms.Form):
    """Find Local Help: a ZIP code and what kind of help the consumer needs."""

    zip_code = forms.CharField(label=_("ZIP code"), max_length=10)
    miles = forms.TypedChoiceField(label=_("Distance"), choices=DISTANCES, coerce=int, initial=25, required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    kind = forms.ChoiceField(label=_("Type of helper"), choices=[("", _("Any")), *Agent.Kind.choices], required=False)
    expertise = forms.ChoiceField(label=_("Help with"), required=False)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Any")),
            *sorted(LanguageCode.choices, key=lambda c: name_sort_key(str(c[1]))),
        ]
        self.fields["expertise"].choices = [("", _("Anything"))] + [
            (item.code, str(item)) for item in ProductExpertise.objects.by_name()
        ]

    def clean_zip_code(self):
        zip_code = normalize_zip_code(self.cleaned_data["zip_code"])
        validate_california_zip_code(zip_code)
        place = california_zip_codes()[zip_code]
        self.place = {"latitude": float(place["lat"]), "longitude": float(place["long"]), "city": place["city"]}
        return zip_code
