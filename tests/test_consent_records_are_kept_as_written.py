"""Consent records are kept as written (CMS: at least ten years): the model refuses changes and deletes, and on
PostgreSQL the portal's own database role may not update, delete or truncate them, nor may the tables' owner."""

import psycopg
import pytest
from django.db import connection, transaction

from delegations.models import Consent, ConsentIsKept

from . import database_roles
from .factories import delegate

pytestmark = pytest.mark.django_db


def test_the_model_refuses_to_change_or_delete_a_consent(world):
    consent = delegate(agent=world["agent"], agency=world["agency"]).consent
    consent.covers = "something else"
    with pytest.raises(ConsentIsKept):
        consent.save()
    with pytest.raises(ConsentIsKept):
        consent.delete()
    with pytest.raises(ConsentIsKept):
        Consent.objects.filter(pk=consent.pk).update(covers="x")
    with pytest.raises(ConsentIsKept):
        Consent.objects.all().delete()


@pytest.mark.parametrize("statement", ["UPDATE delegations_consent SET covers = 'x'", "DELETE FROM delegations_consent",
                                       "TRUNCATE delegations_consent CASCADE"])  # fmt: skip
def test_the_portals_database_role_cannot_change_delete_or_truncate_one(world, statement):
    delegate(agent=world["agent"], agency=world["agency"])
    with pytest.raises(Exception) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert isinstance(raised.value.__cause__, psycopg.errors.InsufficientPrivilege)
    assert Consent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_not_even_the_tables_owner_can_change_or_delete_one(world):
    delegate(agent=world["agent"], agency=world["agency"])
    url = database_roles.url(database_roles.OWNER, connection.settings_dict["NAME"])
    for statement in ("UPDATE delegations_consent SET covers = 'x'", "DELETE FROM delegations_consent",
                      "TRUNCATE delegations_consent CASCADE"):  # fmt: skip
        with (
            psycopg.connect(url) as owner,
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="kept as written"),
        ):
            owner.execute(statement)
    assert Consent.objects.count() == 1
