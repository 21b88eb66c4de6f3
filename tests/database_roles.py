"""The suite's two database roles, as `make test` (scripts/services.sh) and docker-compose have them.

PORTAL (DATABASE_URL, `portal_app`): what the portal connects as; every test, and every process a test starts,
connects as it. It owns nothing. OWNER (DATABASE_OWNER_URL, `portal`): owns the tables; it makes, migrates,
empties and drops the test database (tests/conftest.py), as `migrate` runs as the owner in docker-compose.
"""

import os
from urllib.parse import quote

import dj_database_url

PORTAL = "DATABASE_URL"
OWNER = "DATABASE_OWNER_URL"


def credentials(role: str) -> tuple[str, str]:
    """The user name and password of PORTAL or OWNER."""
    parsed = dj_database_url.parse(os.environ[role])
    return parsed["USER"], parsed["PASSWORD"] or ""


def url(role: str, name: str | None = None) -> str:
    """A postgresql:// URL to the test database (or the database `name`) on the test server, as PORTAL or OWNER."""
    from django.db import connection

    user, password = credentials(role)
    database = connection.settings_dict
    return (
        f"postgresql://{quote(user)}:{quote(password)}@{database['HOST']}:{database['PORT']}/"
        f"{quote(name or database['NAME'])}"
    )
