"""The Book of Business's rows are rendered in Python for speed (bookofbusiness/templatetags/book_table.py): every
cell reads exactly as the template wrote it, in English and in Spanish, for every column, with or without the
checkboxes, and with consumers' names that need escaping."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from bookofbusiness.selectors import BOOK_COLUMNS, NUMERIC_COLUMNS, page_of_book
from bookofbusiness.templatetags.book_table import book_rows
from consumers.models import FollowUp
from delegations.models import Delegation

from .factories import (
    ConsumerCaseFactory,
    EnrollmentFactory,
    VerificationFactory,
    agency_with_manager,
    agent_in,
    delegate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(datetime.datetime(2026, 12, 2, 18, tzinfo=datetime.UTC))]

# The loop book.html had before the rows were rendered in Python.
TEMPLATE_LOOP = """{% load i18n humanize %}{% for row in page %}{% with case=row.case enrollment=row.case.current_enrollment %}
    <tr>
      {% if chooser %}<td><input type="checkbox" name="chosen" value="{{ row.pk }}" form="chosen" aria-label="{% blocktranslate with number=case.case_number %}Choose case {{ number }}{% endblocktranslate %}"></td>{% endif %}
      <th scope="row" class="sticky-column"><a href="{% url 'consumers:case' case.pk %}">{{ case.last_name }}, {{ case.first_name }}</a></th>
      <td>{% if row.open_items %}{{ row.open_items }} · {{ row.earliest_due|date:"SHORT_DATE_FORMAT" }}{% else %}—{% endif %}</td>
      <td>{{ row.agent.full_name }}</td>
      {% for key, label, numeric in columns %}
      {% if key == "case" %}<td>{{ case.case_number }}</td>
      {% elif key == "language" %}<td>{{ case.get_preferred_language_display }}</td>
      {% elif key == "county" %}<td>{{ case.county }}</td>
      {% elif key == "household" %}<td class="number">{{ row.household_size }}</td>
      {% elif key == "issuer" %}<td>{{ enrollment.issuer|default:"—" }}</td>
      {% elif key == "tier" %}<td>{{ enrollment.get_metal_tier_display|default:"—" }}</td>
      {% elif key == "premium" %}<td class="number">{% if enrollment %}${{ enrollment.monthly_premium|floatformat:2|intcomma }}{% else %}—{% endif %}</td>
      {% elif key == "net" %}<td class="number">{% if enrollment %}${{ enrollment.net_premium|floatformat:2|intcomma }}{% else %}—{% endif %}</td>
      {% elif key == "status" %}<td>{{ enrollment.get_status_display|default:"—" }}</td>
      {% elif key == "renewal" %}<td>{{ case.get_renewal_status_display }}</td>
      {% elif key == "delegated" %}<td>{{ row.started_at|date:"SHORT_DATE_FORMAT" }}</td>
      {% elif key == "follow_up" %}<td>{{ row.next_follow_up|date:"SHORT_DATE_FORMAT"|default:"—" }}</td>
      {% endif %}
      {% endfor %}
    </tr>
  {% endwith %}{% endfor %}"""


def cells(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr>(.*?)</tr>", re.sub(r">\s+<", "><", html), re.S)
    ]


@pytest.fixture
def page():
    agency, manager = agency_with_manager()
    agent = agent_in(agency, first_name="Ana", last_name="O'Brien")
    odd = ConsumerCaseFactory(first_name='<b>"Zoë"</b>', last_name="D'Ávila & Sons", preferred_language="es",
                              county="Los Angeles")  # fmt: skip
    rich = delegate(case=odd, agent=agent, agency=agency)
    odd.current_enrollment = EnrollmentFactory(case=odd, monthly_premium=Decimal("1234.5"), aptc=Decimal("34.25"))
    odd.save(update_fields=["current_enrollment"])
    VerificationFactory(case=odd, kind="income", due_date=datetime.date(2026, 12, 20))
    FollowUp.objects.create(case=odd, agency=agency, owner=manager.user, created_by=manager.user, helper=agent,
                            due_date=datetime.date(2027, 1, 5),
                            text="Call back")  # fmt: skip
    delegate(agent=agent, agency=agency)  # a case with no enrollment, nothing due, no follow-up
    rows = Delegation.objects.filter(agency=agency, status="active").order_by("pk")
    assert rich.pk in set(rows.values_list("pk", flat=True))
    return page_of_book(rows, 1, per_page=50)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("chooser", [True, False])
def test_every_cell_reads_as_the_template_wrote_it(page, language, chooser):
    columns = [(key, label, key in NUMERIC_COLUMNS) for key, label in BOOK_COLUMNS.items()]
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context({"page": page, "columns": columns, "chooser": chooser}))
        shown = "".join(f"<tr>{row}</tr>" for row in book_rows(page, columns, chooser))
    assert len(cells(shown)) == 2
    assert cells(shown) == cells(expected)
    assert "$1,234.50" in shown and "$1,200.25" in shown and "Blue Shield of California" in shown
    assert "&lt;b&gt;" in shown and "<b>" not in shown, "names are escaped"
