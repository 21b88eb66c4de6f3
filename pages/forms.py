"""Forms of the pages that combine several apps: the agency's request queue."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agents.forms import agent_filter_choices
from portal.choices import COUNTY_CHOICES
from portal.choices import Language as LanguageCode
from portal.collation import name_sort_key
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

    def __init__(self, *args, agent_rows, **kwargs):
        """`agent_rows`: the agency's agents as agents.selectors.agent_options reads them (820 in the largest)."""
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = agent_filter_choices(agent_rows)
        self.fields["language"].choices = ANY + sorted(
            LanguageCode.choices, key=lambda choice: name_sort_key(str(choice[1]))
        )


# A search needs this many characters: a name word shorter than three letters gives the trigram indexes nothing to
# look up (PostgreSQL reads every case: "ez" took 760 ms on 1,000,000 cases, "Smith" 165 ms, "Zzqx" 4 ms), and a
# case number's first digit or two would match a tenth of the book.
SEARCH_MIN_LENGTH = 3


class SearchForm(forms.Form):
    """Search from anywhere: a case number, a consumer's name, an agent's name or license number."""

    q = forms.CharField(label=_("Case number, consumer or agent name, or license number"), required=False,
                        max_length=100)  # fmt: skip

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if not query:
            return query
        compact = query.replace("-", "").replace(" ", "")
        if compact.isdigit():
            long_enough = len(compact) >= SEARCH_MIN_LENGTH
        else:
            long_enough = any(len(word) >= SEARCH_MIN_LENGTH for word in query.split())
        if not long_enough:
            raise forms.ValidationError(
                ngettext(
                    "Type at least %(n)d letter of a name, or %(n)d digit of a case number.",
                    "Type at least %(n)d letters of a name, or %(n)d digits of a case number.",
                    SEARCH_MIN_LENGTH,
                ),
                code="too_short",
                params={"n": SEARCH_MIN_LENGTH},
            )
        return query
