"""Forms for agents' profiles: Add New Agent, Edit Agent Within Agency, My Agent Profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BIOGRAPHY_MAX_LENGTH, Agent

PROFILE_FIELDS = [
    "first_name", "last_name", "email", "phone", "languages", "product_expertise", "biography",
    "subsite_locations", "is_listed",
]  # fmt: skip


class AgentProfileForm(forms.ModelForm):
    """The profile an Agency Manager keeps for an agent (and consumers see in Find Local Help)."""

    class Meta:
        model = Agent
        fields = PROFILE_FIELDS
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "product_expertise": forms.CheckboxSelectMultiple,
            "subsite_locations": forms.CheckboxSelectMultiple,
            "biography": forms.Textarea(attrs={"rows": 4, "maxlength": BIOGRAPHY_MAX_LENGTH}),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
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
        fields = ["license_number", "license_expires_on", *PROFILE_FIELDS]
        widgets = {**AgentProfileForm.Meta.widgets, "license_expires_on": forms.DateInput(attrs={"type": "date"})}
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
        fields = ["phone", "languages", "product_expertise", "biography", "subsite_locations", "is_listed"]
