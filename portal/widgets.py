"""Form widgets of the portal."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe


def escape(value) -> str:
    """Django's conditional_escape without its per-call laziness checks (this runs once per option)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class ReadyChoices(BaseChoiceIterator):
    """A list of (value, label) pairs already in the form a field wants, given to a ChoiceField as they are:
    Django normalizes a plain list again on every assignment, one call per choice, which for the largest
    agency's 820 agents was a millisecond of every Book of Business page."""

    def __init__(self, choices):
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __getitem__(self, index):
        return self.choices[index]


class Select(forms.Select):
    """Django's select, written in Python rather than through one template include per option: the Book of
    Business filter's list of the largest agency's 820 agents took 100 ms of every page view to render; this
    takes a few. The markup is Django's (same attributes, `selected`, optgroups), so labels, `aria-describedby`
    and the tests' parsers see no difference."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = self.choices
        if isinstance(choices, ReadyChoices):
            choices = choices.choices
        elif not isinstance(choices, (list, tuple)):
            choices = list(choices)
        if not self.allow_multiple_selected and not any(isinstance(label, (list, tuple)) for _v, label in choices):
            return self._render_flat(name, value, attrs, choices)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            parts.extend(
                f'<option value="{escape(option["value"])}"{flatatt(option["attrs"]) if option["attrs"] else ""}>'
                f"{escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped

    def _render_flat(self, name, value, attrs, choices) -> str:
        """The same markup for a list without groups, straight from the choices: no option dict per choice."""
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        parts = [f'<select name="{escape(name)}"{flatatt(final_attrs)}>']
        found = False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(getattr(option_value, "value", option_value))
            selected = not found and option_value in chosen
            found = found or selected
            parts.append(f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                         f"{escape(label)}</option>")  # fmt: skip
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped


class DateInput(forms.DateInput):
    """A browser's date picker. Its value is always written year-first (ISO 8601), whatever the reader's language:
    a date input refuses anything else, so a Spanish page's "01/12/2026" left the field empty and failed the
    first submit. The browser shows the date in the reader's own format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
