"""A refused form says everything that is wrong once, at its top, each problem a link to its field, as well as
beside each field (issue 18): Write new business (a 3,600 px form), the case page's forms at the foot of a long
page, and every other form."""

import re

import pytest
from django.test import Client

from .cases_support import new_business_data
from .factories import delegate, sign_in

pytestmark = pytest.mark.django_db


def summary(html: str) -> str:
    found = re.search(r'<div class="form-errors error-summary" role="alert">(.*?)</div>', html, re.S)
    assert found, "no summary of the errors"
    return found.group(1)


def links_of(block: str) -> list[tuple[str, str]]:
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a>:', block)


def test_write_new_business_lists_every_field_in_error_above_the_form(world):
    client = sign_in(Client(), world["agent"].user)
    data = new_business_data()
    data.update({"applicant-date_of_birth": "2030-01-01", "coverage-aptc": "-1.00"})
    html = client.post("/cases/new/", data).content.decode()
    block = summary(html)
    assert "Please correct these 2 fields:" in block
    assert links_of(block) == [("id_applicant-date_of_birth", "Date of birth"), ("id_coverage-aptc", "APTC")]
    assert html.index("error-summary") < html.index('id="id_applicant-first_name"'), "above the first field"
    for target, _label in links_of(block):
        assert f'id="{target}"' in html, "each link lands on its field"
    assert html.count("error-summary") == 1, "one summary, not one per section"


def test_a_refused_change_on_the_case_page_is_summed_up_at_the_top_of_the_page(world):
    case = delegate(agent=world["agent"], agency=world["agency"]).case
    client = sign_in(Client(), world["agent"].user)
    response = client.post(f"/cases/{case.pk}/changes/", {"kind": "address", "street": "12 Olive Way",
                                                          "city": "Davis", "zip_code": "95616", "county": "Yolo",
                                                          "effective_on": "2030-01-01"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400
    block = summary(html)
    assert "Please correct this field:" in block
    [(target, label)] = links_of(block)
    assert label == "Since" and f'id="{target}"' in html
    assert html.index("error-summary") < html.index('id="applicant-heading"'), "before the household, not at the foot"


def test_a_group_of_boxes_in_error_is_linked_through_its_message(world):
    """A field of several boxes has no one control to land on: its link goes to the message beside it."""
    from django import forms
    from django.template import Context, Template

    class Languages(forms.Form):
        languages = forms.MultipleChoiceField(choices=[("en", "English"), ("es", "Spanish")],
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip

    form = Languages({})
    html = Template('{% include "includes/form_fields.html" %}').render(Context({"form": form}))
    [(target, label)] = links_of(summary(html))
    assert (target, label) == ("id_languages_error", "Languages") and 'id="id_languages_error"' in html


def test_a_form_with_no_error_shows_no_summary(world):
    client = sign_in(Client(), world["agent"].user)
    assert "error-summary" not in client.get("/cases/new/").content.decode()
