"""The extranet's own session: a cookie of its own, sent only to /extranet/, in Django's session store.

On extranet pages the portal's sign-in counts for nothing (`request.user` is anonymous there), and the
extranet's sign-in counts for nothing on portal pages (its cookie never reaches them). The session ends
after the portal's idle and absolute limits, and when the account's password changes or it is deactivated.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import ExtranetAccount

PREFIX = "/extranet/"
ACCOUNT_KEY = "extranet_account_id"
PASSWORD_KEY = "extranet_password_hmac"  # noqa: S105 - a session key's name, not a password


def password_hmac(account) -> str:
    """Changes whenever the password does, so a new password ends every other session."""
    return salted_hmac("extranet.session", account.password, algorithm="sha256").hexdigest()


class ExtranetSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        request.user = AnonymousUser()
        request.extranet_session = self.store(request.COOKIES.get(settings.EXTRANET_SESSION_COOKIE_NAME))
        request.extranet_account = self._account(request)
        response = self.get_response(request)
        return self._save(request, response)

    def _account(self, request):
        session = request.extranet_session
        account_id = session.get(ACCOUNT_KEY)
        if account_id is None:
            return None
        now = time.time()
        account = ExtranetAccount.objects.select_related("agent").filter(pk=account_id, is_active=True).first()
        if (
            account is None
            or now - session.get("last_activity", 0) > settings.SESSION_IDLE_TIMEOUT
            or now - session.get("signed_in_at", 0) > settings.SESSION_ABSOLUTE_TIMEOUT
            or not constant_time_compare(session.get(PASSWORD_KEY, ""), password_hmac(account))
            or account.password_expired()
            or not account.agent.is_certified
        ):
            session.flush()
            request.extranet_session_ended = True
            return None
        session["last_activity"] = now
        return account

    def _save(self, request, response):
        session = request.extranet_session
        name = settings.EXTRANET_SESSION_COOKIE_NAME
        if name in request.COOKIES and session.is_empty():
            response.delete_cookie(name, path=PREFIX, samesite="Strict")
        elif session.modified and not session.is_empty():
            session.save()
            response.set_cookie(
                name, session.session_key, path=PREFIX, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                samesite="Strict",
            )  # fmt: skip
        patch_vary_headers(response, ("Cookie",))
        return response


def sign_in(request, account) -> None:
    """Start a fresh extranet session for the account (a new key, so none chosen by an attacker survives)."""
    session = request.extranet_session
    session.cycle_key()
    session.clear()
    now = time.time()
    session.update({ACCOUNT_KEY: account.pk, PASSWORD_KEY: password_hmac(account), "signed_in_at": now,
                    "last_activity": now})  # fmt: skip
    request.extranet_account = account


def sign_out(request) -> None:
    request.extranet_session.flush()
    request.extranet_account = None
