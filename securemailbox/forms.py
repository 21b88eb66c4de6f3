from django import forms
from django.utils.translation import gettext_lazy as _

from portal.validators import normalize_case_number
from portal.widgets import Select

from .models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH

# Up to this many cases, the person chooses theirs from a list; beyond, they type its number (an agency's book
# of 100,000 cases is no list to render on every visit).
CASE_CHOICES_LIMIT = 100

NO_SSN_HELP = _(
    "Do not type a Social Security number: the Service Center never needs it here, and it would be masked (•••-••-••••)."
)


class MessageField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=kwargs.pop("label", _("Message")),
            max_length=BODY_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 8, "maxlength": BODY_MAX_LENGTH}),
            help_text=NO_SSN_HELP,
            **kwargs,
        )


class WriteForm(forms.Form):
    """A new message to the service center: a subject, the text, and the case it is about (one the person may
    see: `cases`, a queryset of the consumers app's scoping)."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"maxlength": SUBJECT_MAX_LENGTH, "autocomplete": "off"}),
    )
    body = MessageField()
    case = forms.CharField(label=_("About a case (optional)"), required=False, max_length=20)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases
        numbers = list(cases.order_by("case_number").values_list("case_number", flat=True)[: CASE_CHOICES_LIMIT + 1])
        field = self.fields["case"]
        if not numbers:
            del self.fields["case"]  # nothing to name: the field is not offered
        elif len(numbers) <= CASE_CHOICES_LIMIT:
            field.widget = Select(choices=[("", _("No case")), *((number, number) for number in numbers)])
        else:
            field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})
            field.help_text = _("Type its case number: ten digits, such as 4001234567. Leave it empty if none.")

    def clean_case(self):
        number = normalize_case_number(self.cleaned_data.get("case", ""))
        if not number:
            return None
        case = self.cases.filter(case_number=number).first()
        if case is None:
            # Another agency's case and a case that does not exist read the same: neither is confirmed.
            raise forms.ValidationError(_("No case you may see has this case number."), code="case_not_yours")
        return case


class ReplyForm(forms.Form):
    """One more message in a thread: the person's (`label` "Write again") or the service center's answer."""

    body = MessageField()

    def __init__(self, *args, label, **kwargs):
        kwargs.setdefault("auto_id", "reply_%s")
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label
