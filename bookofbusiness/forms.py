from django import forms
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agents.forms import agent_filter_choices
from consumers.models import ISSUERS, ConsumerCase, Enrollment
from portal.choices import COUNTY_CHOICES
from portal.choices import Language as LanguageCode
from portal.collation import name_sort_key
from portal.widgets import DateInput, Select

from .models import SavedView
from .selectors import BOOK_SORTS, saved_views_for

ANY = [("", _("Any"))]


class BookFilterForm(forms.Form):
    q = forms.CharField(label=_("Consumer name or case number"), required=False, max_length=100)
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, empty_value=None, required=False, widget=Select)
    enrollment_status = forms.ChoiceField(label=_("Enrollment status"), choices=ANY + Enrollment.Status.choices,
                                          required=False, widget=Select)  # fmt: skip
    issuer = forms.ChoiceField(label=_("Issuer"), required=False, widget=Select)
    metal_tier = forms.ChoiceField(
        label=_("Metal tier"), choices=ANY + Enrollment.MetalTier.choices, required=False, widget=Select
    )
    renewal_status = forms.ChoiceField(label=_("Renewal status"), choices=ANY + ConsumerCase.RenewalStatus.choices,
                                       required=False, widget=Select)  # fmt: skip
    due_within = forms.IntegerField(label=_("Conditional eligibility due within (days)"), min_value=0,
                                    max_value=365, required=False)  # fmt: skip
    overdue = forms.BooleanField(label=_("Conditional eligibility overdue"), required=False)
    due_week = forms.DateField(label=_("Conditional eligibility due in the week of"), required=False,
                               widget=DateInput())  # fmt: skip
    language = forms.ChoiceField(label=_("Preferred language"), required=False, widget=Select)
    county = forms.ChoiceField(label=_("County"), choices=ANY + COUNTY_CHOICES, required=False, widget=Select)
    follow_up = forms.ChoiceField(label=_("Follow-ups"), required=False, widget=Select, choices=ANY + [
        ("due", _("Due today or earlier")), ("open", _("Any open")), ("mine", _("Open, mine")),
    ])  # fmt: skip
    delegated_from = forms.DateField(label=_("Delegated from"), required=False,
                                     widget=DateInput())  # fmt: skip
    delegated_to = forms.DateField(label=_("Delegated to"), required=False, widget=DateInput())
    per = forms.TypedChoiceField(label=_("Rows per page"), coerce=int, empty_value=None, required=False, widget=Select,
                                 choices=[("", "50"), (25, "25"), (100, "100"), (200, "200")])  # fmt: skip
    sort = forms.ChoiceField(choices=[(k, k) for k in BOOK_SORTS] + [(f"-{k}", k) for k in BOOK_SORTS], required=False)

    def __init__(self, *args, agents=None, agent_rows=None, **kwargs):
        """`agents`: the agents the book may be narrowed to (None: no agent filter); `agent_rows`, when given,
        their (pk, first, last, license) already read (agents.selectors.agent_options)."""
        super().__init__(*args, **kwargs)
        if agents is None:
            del self.fields["agent"]
        else:
            # One narrow query for the options: the largest agency lists 820 agents on every page view.
            if agent_rows is None:
                agent_rows = agents.values_list("pk", "first_name", "last_name", "license_number")
            self.fields["agent"].choices = agent_filter_choices(agent_rows)
        self.fields["issuer"].choices = ANY + [(name, name) for name in ISSUERS]
        self.fields["language"].choices = ANY + sorted(
            LanguageCode.choices, key=lambda choice: name_sort_key(str(choice[1]))
        )

    @property
    def searched(self) -> bool:
        """A name or case-number search narrows the book to a few rows (sorted without the sort indexes)."""
        return self.is_valid() and bool((self.cleaned_data.get("q") or "").strip())

    def clean(self):
        data = super().clean()
        start, end = data.get("delegated_from"), data.get("delegated_to")
        if start and end and end < start:
            self.add_error("delegated_to", _("The end of the range is before its start."))
        return data


def too_many_views() -> str:
    return ngettext(
        "You have %(n)d saved view, the most one person may keep. Delete it first.",
        "You have %(n)d saved views, the most one person may keep. Delete one first.",
        SavedView.MAX_PER_PERSON,
    ) % {"n": SavedView.MAX_PER_PERSON}


class SavedViewForm(forms.ModelForm):
    """Save the Book of Business as it is shown now (filters, sort, columns, rows per page) under a name."""

    class Meta:
        model = SavedView
        fields = ["name"]
        labels = {"name": _("Save this view as")}
        help_texts = {"name": _("Up to 60 characters, such as “Overdue, Spanish”.")}

    def __init__(self, *args, owner, query: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner, self.instance.query = owner, query[:2000]

    def save(self, commit=True):
        """Save the view, or say beside its name why not and return None. The checks are made again with the
        owner's row locked, so saves at once (two tabs, a double submit) keep the limit and each name once."""
        owner = self.instance.owner
        try:
            with transaction.atomic():
                get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
                problem = self._problem(self.instance.name)
                if problem is None:
                    return super().save(commit=commit)
        except IntegrityError:  # the database's own guard of a name once
            problem = _("You already have a view with this name. Choose another name.")
        self.add_error("name", problem)
        return None

    def _problem(self, name: str) -> str | None:
        views = saved_views_for(self.instance.owner)
        if views.filter(name__iexact=name.strip()).exists():
            return _("You already have a view with this name. Choose another name.")
        if views.count() >= SavedView.MAX_PER_PERSON:
            return too_many_views()
        return None

    def clean(self):
        data = super().clean()
        name = (data.get("name") or "").strip()
        if name and saved_views_for(self.instance.owner).filter(name__iexact=name).exists():
            self.add_error("name", _("You already have a view with this name. Choose another name."))
        elif not self.instance.pk and saved_views_for(self.instance.owner).count() >= SavedView.MAX_PER_PERSON:
            self.add_error("name", too_many_views())
        return data
