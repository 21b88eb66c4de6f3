from django import forms
from django.utils.translation import gettext_lazy as _

from portal.widgets import Select


class TransferForm(forms.Form):
    to_agent = forms.ModelChoiceField(label=_("Transfer to"), queryset=None, empty_label=_("Choose an agent"),
                                      widget=Select)  # fmt: skip

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agent"].queryset = agents
        self.fields["to_agent"].label_from_instance = lambda agent: (
            f"{agent.last_name}, {agent.first_name} ({agent.license_number})"
        )
