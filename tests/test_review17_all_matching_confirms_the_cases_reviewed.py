"""Review of issue 17 (bulk transfer vs. the book changing between review and confirm): for "all matching this
filter", delegations/chosen.py review_move confirms when the *count* (and agent) is what the review showed, not the
cases. If one case leaves the filter and another joins it in between, the count is the same and a case the manager
never reviewed moves while the one reviewed stays. The issue asks that the second step move exactly what was
shown, or say the choice changed and ask again."""

import pytest

from consumers.models import ConsumerCase
from delegations.models import Delegation

from .bulk_support import TRANSFER
from .factories import sign_in

pytestmark = pytest.mark.django_db


def test_a_case_that_joined_the_filter_after_the_review_is_not_moved_on_the_same_count(client, book):
    li, cases = book["li"], book["cases"]
    sign_in(client, book["manager"].user)
    data = {"all": "1", "filters": "county=Fresno", "to_agent": li.pk}
    shown = client.post(TRANSFER, data)
    assert shown.context["review"].moving == 1, "Ana, of Fresno, is the one case reviewed"
    ConsumerCase.objects.filter(pk=cases["ana"].pk).update(county="Sacramento")  # Ana leaves the filter...
    ConsumerCase.objects.filter(pk=cases["ben"].pk).update(county="Fresno")  # ...and Ben joins it
    page = client.post(TRANSFER, {**data, "step": "confirm", "expected": "1", "expected_agent": li.pk})
    assert Delegation.objects.get(case=cases["ben"], status="active").agent != li, (
        "Ben, never reviewed, was moved because the count was still 1"
    )
    assert page.status_code == 400 and "changed since you looked" in page.content.decode()
