"""Sign-in backends whose get_user reads the session's user through portal.person (kept between requests, read
again after any change to them), instead of a query on every request."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import person


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        return person.load_user(user_id, lambda: super(ModelBackend, self).get_user(user_id))


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (sign-in by e-mail), with the same kept user."""

    def get_user(self, user_id):
        return person.load_user(user_id, lambda: super(AuthenticationBackend, self).get_user(user_id))
