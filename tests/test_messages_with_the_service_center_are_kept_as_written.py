"""A message written with the service center is kept as written: neither the model nor the database lets anyone
change or delete it."""

import pytest
from django.db import DatabaseError, connection, transaction

from securemailbox.models import ThreadMessage, ThreadMessageIsKept

from .factories import agency_with_manager
from .securemailbox_support import written

pytestmark = pytest.mark.django_db


def test_a_message_cannot_be_changed_or_deleted():
    _agency, manager = agency_with_manager()
    message = written(manager.user).messages.get()
    message.body = "Rewritten"
    with pytest.raises(ThreadMessageIsKept):
        message.save()
    with pytest.raises(ThreadMessageIsKept):
        message.delete()
    with pytest.raises(ThreadMessageIsKept):
        ThreadMessage.objects.filter(pk=message.pk).update(body="Rewritten")
    for sql in ("UPDATE securemailbox_threadmessage SET body = 'x'", "DELETE FROM securemailbox_threadmessage"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert ThreadMessage.objects.get().body == "Hello, I have a question."
