"""The portal's form renderer: Django's, with its one-line widgets written in Python.

Every `<input>` and `<textarea>` Django renders goes through a template include and `attrs.html`'s loop: about
a millisecond a field, so the Book of Business's filter (16 fields) and a case page's five forms spent more time
on them than on the database. The markup here is byte for byte what those templates write (tested against them),
so everything that reads the page sees no difference; any other widget template goes through Django as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from .widgets import escape

INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "number", "password", "url", "date", "datetime", "time", "search",
                 "tel", "hidden", "checkbox", "color", "file")
)  # fmt: skip
TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"` each, ` name` alone for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return mark_safe(_input(context["widget"]))  # noqa: S308 - every value is escaped
        if template_name == TEXTAREA:
            return mark_safe(_textarea(context["widget"]))  # noqa: S308 - every value is escaped
        return super().render(template_name, context, request=request)
