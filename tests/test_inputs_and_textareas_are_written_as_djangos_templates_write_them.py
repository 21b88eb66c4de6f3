"""The portal's form renderer writes <input> and <textarea> in Python (portal/renderers.py) for speed; what it writes
is byte for byte what Django's widget templates write, for every input type, with values and attributes that need
escaping, boolean attributes, no value at all, and safe strings."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.renderers import FormRenderer

DJANGO, PORTAL = DjangoTemplates(), FormRenderer()

WIDGETS = [
    forms.TextInput, forms.EmailInput, forms.NumberInput, forms.PasswordInput, forms.URLInput, forms.HiddenInput,
    forms.DateInput, forms.DateTimeInput, forms.TimeInput, forms.SearchInput, forms.TelInput, forms.ColorInput,
    forms.FileInput, forms.CheckboxInput, forms.Textarea,
]  # fmt: skip
ATTRS = [
    {},
    {"required": True, "disabled": False, "maxlength": 100, "aria-describedby": "id_q_help"},
    {"placeholder": 'Rosa "La Jefa" <O\'Neil> & Co.', "data-x": mark_safe("<b>safe</b>")},
]
VALUES = [None, "", "Ana María", '"><script>alert(1)</script>', 0, 12, datetime.date(2026, 12, 3), mark_safe("&amp;")]


@pytest.mark.parametrize("widget_class", WIDGETS, ids=lambda w: w.__name__)
@pytest.mark.parametrize("attrs", ATTRS, ids=["none", "booleans", "escaped"])
@pytest.mark.parametrize("value", VALUES)
def test_each_widget_is_written_as_djangos_template_writes_it(widget_class, attrs, value):
    widget = widget_class(attrs=attrs)
    expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=DJANGO)
    assert widget.render("field", value, attrs={"id": "id_field"}, renderer=PORTAL) == expected


@settings(max_examples=200, deadline=None)
@given(value=st.text(), placeholder=st.text(), name=st.text(alphabet="abc_<\"'&", min_size=1))
def test_any_text_is_escaped_as_django_escapes_it(value, placeholder, name):
    for widget in (forms.TextInput(attrs={"placeholder": placeholder}), forms.Textarea(attrs={"title": placeholder})):
        assert widget.render(name, value, renderer=PORTAL) == widget.render(name, value, renderer=DJANGO)


def test_the_portal_renders_its_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
