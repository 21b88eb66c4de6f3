"""The extranet's password may be changed once a day: changes sent at once from several sessions change it once
(judged again under the account's row lock, on concurrent PostgreSQL connections); the others are told why."""

import datetime

import pytest

from extranet.models import ExtranetAccount, PasswordHistory
from portal.models import AuditEvent

from .concurrency_support import at_once
from .extranet_support import GOOD, MONDAY, active_account, extranet_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.frozen_at(MONDAY + datetime.timedelta(days=2))]

NEW = ["Lantern-Bridge-31!", "Copper-Valley-52?", "Willow-Signal-73#"]


def test_three_changes_at_once_change_the_password_once(held_password_checks):
    account = active_account(when=MONDAY)
    clients = [extranet_client(account) for _ in NEW]

    def change(client, password):
        page = client.post("/extranet/password/", {"current_password": GOOD, "new_password": password,
                                                   "confirm_password": password})  # fmt: skip
        return page.status_code, page.content.decode()

    pages = at_once([lambda c=c, p=p: change(c, p) for c, p in zip(clients, NEW, strict=True)])
    changed = [NEW[n] for n, (status, _content) in enumerate(pages) if status == 200]
    assert len(changed) == 1, f"{len(changed)} changes went through at once"
    for status, content in pages:
        if status != 200:
            assert status == 302 or "You can change your password once a day" in content
    account = ExtranetAccount.objects.get(pk=account.pk)
    assert account.check_password(changed[0])
    assert PasswordHistory.objects.filter(account=account).count() == 2
    assert AuditEvent.objects.filter(action="extranet.password_set", details__how="change").count() == 1
