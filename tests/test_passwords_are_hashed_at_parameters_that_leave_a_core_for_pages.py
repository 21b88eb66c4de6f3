"""Passwords are hashed with Argon2id at the parameters written down in portal/hashers.py (19 MiB, 2 passes, one
lane: one core per check, the other left for people's pages), and a password hashed at other parameters, as Django's
defaults, is hashed again at the portal's the next time its owner signs in."""

import importlib

import pytest
from argon2 import extract_parameters
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangosDefaults
from django.contrib.auth.hashers import get_hasher

from portal.hashers import Argon2PasswordHasher

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def parameters(encoded: str):
    """The Argon2 parameters a stored hash was made with (Django prefixes it with its algorithm's name)."""
    return extract_parameters(encoded.removeprefix("argon2"))


def test_production_hashes_with_argon2id_at_one_lane_and_19_mib():
    production_settings = importlib.import_module("config.settings")
    assert production_settings.PASSWORD_HASHERS[0] == "portal.hashers.Argon2PasswordHasher"
    made = parameters(Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt()))
    assert made.type.name == "ID"
    assert (made.memory_cost, made.time_cost, made.parallelism) == (19 * 1024, 2, 1)


def test_a_password_hashed_at_djangos_defaults_is_hashed_again_at_the_portals_on_sign_in(client, settings):
    settings.PASSWORD_HASHERS = ["portal.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    old = DjangosDefaults()
    user.password = old.encode(PASSWORD, old.salt())
    user.save(update_fields=["password"])
    assert parameters(user.password).memory_cost == 102400  # Django's 100 MiB
    assert get_hasher().must_update(user.password)

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302  # on to the second factor: the password was right
    user.refresh_from_db()
    assert (parameters(user.password).memory_cost, parameters(user.password).parallelism) == (19 * 1024, 1)
    assert not get_hasher().must_update(user.password)
    assert user.check_password(PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_as_it_was(client, settings):
    settings.PASSWORD_HASHERS = ["portal.hashers.Argon2PasswordHasher"]
    user = UserFactory()
    old = DjangosDefaults()
    user.password = stored = old.encode(PASSWORD, old.salt())
    user.save(update_fields=["password"])

    response = client.post("/accounts/login/", {"login": user.email, "password": "Not-The-Password-1"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == stored
