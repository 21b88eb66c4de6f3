"""No consumer reaches another consumer's case by any URL: every URL of the project (admin's too), each of its
parameters filled with every id of the other consumer's case (the case, its documents, delegations, items,
follow-ups, consent, account), asked by GET and POST from a consumer signed in to their own linked case. Nothing
answers with the other case: no page shows its case number or names, no file is served, nothing changes."""

import itertools
import re

import pytest
from django.core.files.base import ContentFile

from consumers.models import CaseDocument, ConsumerAccount, FollowUp
from delegations.models import Delegation
from portal.models import AuditEvent

from .factories import ConsumerCaseFactory, VerificationFactory, consumer, consumer_signed_in, delegate
from .test_access_matrix import all_patterns, body_of

pytestmark = pytest.mark.django_db


def test_a_consumer_sweeping_every_url_with_another_consumers_ids_gets_nothing_of_theirs(household):
    mine = consumer(household["case"])
    delegate(household["case"], agent=household["helper"], agency=household["agency"])
    theirs = ConsumerCaseFactory(first_name="Zebulon", last_name="Quackenbush")
    their_delegation = delegate(theirs, agent=household["helper"], agency=household["agency"])
    their_document = CaseDocument.objects.create(
        case=theirs, kind="income", file=ContentFile(b"%PDF-1.7 Quackenbush", "q.pdf"), original_name="q.pdf",
        content_type="application/pdf", size=20, sha256="c" * 64,
    )  # fmt: skip
    their_item = VerificationFactory(case=theirs)
    follow_up = FollowUp.objects.create(case=theirs, agency=household["agency"], helper=household["helper"],
                                        owner=household["helper"].user, created_by=household["helper"].user,
                                        due_date=their_item.due_date, text="Call back")  # fmt: skip
    their_account = ConsumerAccount.objects.create(user=consumer(), case=theirs)
    ids = sorted({theirs.pk, their_delegation.pk, their_document.pk, their_item.pk, follow_up.pk, their_account.pk,
                  their_delegation.consent.pk, their_account.user_id})  # fmt: skip
    secrets = [theirs.case_number, "Quackenbush", "Zebulon"]
    client = consumer_signed_in(mine)
    before = (Delegation.objects.filter(case=theirs).values_list("status", flat=True).get(),
              CaseDocument.objects.filter(case=theirs).count())  # fmt: skip
    failures, asked = [], 0
    for pattern in all_patterns():
        count = len(re.findall(r"<(?:\w+:)?\w+>|\(\?P<\w+>", pattern.route))
        if count == 0:
            continue
        for values in itertools.product(ids, repeat=count):
            url = _fill(pattern.route, values)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                asked += 1
                body = body_of(response)
                leaked = [secret for secret in secrets if secret in body]
                if leaked or (response.status_code == 200 and "Quackenbush" in body):
                    failures.append(f"{method.upper()} {url}: {response.status_code} shows {leaked}")
    after = (Delegation.objects.filter(case=theirs).values_list("status", flat=True).get(),
             CaseDocument.objects.filter(case=theirs).count())  # fmt: skip
    assert not failures, "\n".join(failures)
    assert before == after, "nothing of the other case changed"
    assert not AuditEvent.objects.filter(action="case.viewed", object_id=str(theirs.pk)).exists()
    assert asked > 500


def _fill(route: str, values) -> str:
    values = iter(values)
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"<(?:\w+:)?\w+>", lambda m: str(next(values)), route)
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", lambda m: str(next(values)), route)
