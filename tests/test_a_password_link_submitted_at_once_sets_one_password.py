"""A single-use extranet link submitted several times at once sets one password: one conditional UPDATE
consumes the link, and only the request that consumed it sets the password (on concurrent PostgreSQL
connections). The others are told the link no longer works."""

import pytest
from django.test import Client

from extranet import services
from extranet.models import ExtranetAccount, PasswordHistory, PasswordLink
from portal.models import AuditEvent

from .concurrency_support import at_once
from .extranet_support import MONDAY, active_account

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(MONDAY)]

CHOSEN = [f"Harbor-Light-{n:02d}!" for n in range(6)]


def test_six_submissions_of_one_reset_link_at_once_set_one_password(held_password_checks):
    # Each submission is held while its new password is checked against the history, until all six are past
    # the link's check, as when the six requests arrive together.
    account = active_account()
    token = services.issue_link(account, PasswordLink.Purpose.RESET).rstrip("/").rsplit("/", 1)[1]

    def submit(password):
        page = Client().post(
            f"/extranet/set-password/{token}/", {"new_password": password, "confirm_password": password}
        )
        return page.status_code, page.content.decode()

    pages = at_once([lambda password=password: submit(password) for password in CHOSEN])
    saved = [CHOSEN[n] for n, (status, _content) in enumerate(pages) if status == 200]
    assert len(saved) == 1, f"{len(saved)} passwords were set by one single-use link"
    refused = [content for status, content in pages if status != 200]
    assert len(refused) == 5 and all("This link no longer works" in content for content in refused)
    assert [status for status, _content in pages].count(410) == 5
    account = ExtranetAccount.objects.get(pk=account.pk)
    assert account.check_password(saved[0])
    assert PasswordHistory.objects.filter(account=account).count() == 2, "the first password and one new one"
    assert AuditEvent.objects.filter(action="extranet.password_set", details__how="reset").count() == 1
    assert PasswordLink.objects.get(token_sha256=PasswordLink.digest(token)).used_at is not None
