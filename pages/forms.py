"""Forms of the pages that combine several apps: the agency's request queue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.choices import COUNTY_CHOICES
from portal.choices import Language as LanguageCode
from portal.widgets import Select

ANY = [("", _("Any"))]
QUEUE_SORTS = {"requested": ("requested_at", "pk"), "-requested": ("-requested_at", "-pk"),
               "name": ("case__last_name", "case__first_name", "pk"), "agent": ("agent__last_name", "pk")}  # fmt: skip


class QueueFilterForm(forms.Form):
    """Agency Delegations as a working list: search, agent, language, county, how long waiting, and order."""

    q = forms.CharField(label=_("Consumer name or case number"), required=False, max_length=100)
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, empty_value=None, required=False, widget=Select)
    language = forms.ChoiceField(label=_("Preferred language"), required=False)
    county = forms.ChoiceField(label=_("County"), choices=ANY + COUNTY_CHOICES, required=False, widget=Select)
    older_than = forms.IntegerField(label=_("Requested more than (days) ago"), min_value=0, max_value=3650,
                                    required=False)  # fmt: skip
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("-requested", _("Newest first")), ("requested", _("Oldest first")), ("name", _("Consumer name")),
        ("agent", _("Agent name"))])  # fmt: skip

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        # One narrow query for the options, as the Book of Business does (the largest agency has 820 agents).
        self.fields["agent"].choices = [("", _("All agents"))] + [
            (pk, f"{last}, {first} ({license_number})")
            for pk, first, last, license_number in agents.values_list(
                "pk", "first_name", "last_name", "license_number"
            )
        ]
        self.fields["language"].choices = ANY + sorted(LanguageCode.choices, key=lambda choice: str(choice[1]))
