"""With every core busy serving people, a query PostgreSQL splits across processes takes the CPU from everyone else:
the portal's connections ask for no parallel workers (DB_PARALLEL_WORKERS, 0 unless set), and keep their other
planner settings (whole-result cursors, no JIT)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_a_portal_connection_plans_every_query_for_one_process():
    assert setting("max_parallel_workers_per_gather") == "0"
    assert setting("cursor_tuple_fraction") == "1"
    assert setting("jit") == "off"
