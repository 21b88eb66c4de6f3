"""Middleware every page relies on: session time limits, the second factor and the person's language."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as _OTPMiddleware

from . import audit, person
from .permissions import Capability, permissions_for

# Pages a signed-in person may open before the second factor: signing in and out, resetting
# a password, enrolling and verifying the second factor, help, and the language switch.
BEFORE_SECOND_FACTOR = {
    "account_login",
    "account_logout",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "two_factor_setup",
    "two_factor_verify",
    "help",
    "help_topic",
    "find_local_help",
    "request_help",
    "accept_invitation",
    "set_language",
    "session_status",
    "session_keepalive",
}

# Requests that report on the session without counting as activity.
NOT_ACTIVITY = {"session_status"}


def _url_name(request) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.url_name


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT without activity or SESSION_ABSOLUTE_TIMEOUT in all.

    Signing out flushes the session, so nothing of it is left on the server.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault("signed_in_at", now)
            last_activity = session.get("last_activity", now)
            reason = None
            if now - last_activity > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "absolute"
            if reason:
                return self._end(request, reason)
            # Saved at most once a SESSION_ACTIVITY_RESOLUTION (and on every POST, "Stay signed in" among
            # them), so a page that changes nothing writes nothing; the idle timer may so end a session up to that
            # much early, never late. session_status reports from the same saved moment.
            if _url_name(request) not in NOT_ACTIVITY and (
                request.method == "POST"
                or now - last_activity >= settings.SESSION_ACTIVITY_RESOLUTION
                or "last_activity" not in session
            ):
                session["last_activity"] = now
        return self.get_response(request)

    def _end(self, request, reason: str):
        audit.record("auth.session_expired", request=request, details={"reason": reason})
        logout(request)
        if reason == "idle":
            text = _("For your security you were signed out after 15 minutes without activity.")
        else:
            text = _("For your security you were signed out after 12 hours. Please sign in again.")
        if _url_name(request) in NOT_ACTIVITY:
            return JsonResponse({"signed_in": False}, status=401)
        messages.info(request, text)
        login_url = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")


def second_factor_done(user) -> bool:
    """Whether the signed-in person has done what their second factor asks of them: verified it this session, or,
    for a consumer's own account that is nothing else (its only capability their own case, or none yet), not
    enrolled one (it is offered to them, not required). An account made by signing up that was later given staff
    rights, a membership or an agent profile needs its second factor like every other."""
    if user.is_verified():
        return True
    # (CHAT comes with the own case: writing to the service center asks for no second factor of its own.)
    if not user.is_consumer or permissions_for(user).capabilities - {Capability.OWN_CASE, Capability.CHAT}:
        return False  # staff, a membership or an agent profile on the account: its second factor is required
    return not has_second_factor(user)


def has_second_factor(user) -> bool:
    """Whether the person has enrolled a confirmed second-factor device (kept with the person, portal.person)."""
    from django_otp import user_has_device

    return person.kept(user).get("has_device", lambda: user_has_device(user))


def redirect_to_second_factor(request):
    target = "two_factor_verify" if has_second_factor(request.user) else "two_factor_setup"
    return HttpResponseRedirect(f"{resolve_url(target)}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorRequiredMiddleware:
    """Nobody sees a page with data before their second factor: enrol first, then verify each sign-in. A consumer's
    own account sees only their own case: the second factor is offered and recommended to them, not required; once
    they have enrolled one, they verify it at each sign-in like everyone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path_info.startswith(settings.STATIC_URL)
            and _url_name(request) not in BEFORE_SECOND_FACTOR
            and not second_factor_done(user)
        ):
            return redirect_to_second_factor(request)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person whose browser has not chosen a language gets the one on their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = getattr(user, "preferred_language", None) if user is not None and user.is_authenticated else None
        if chosen or language not in dict(settings.LANGUAGES):
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if settings.LANGUAGE_COOKIE_NAME not in response.cookies:  # the switch itself sets the new choice
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)  # fmt: skip
        return response


class NoStoreWhenSignedInMiddleware:
    """Nothing a signed-in person is shown (a case, a book, a list of consumers) is kept by the browser or a proxy:
    every answer to a signed-in request, portal or extranet, is `Cache-Control: private, no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = (user is not None and user.is_authenticated) or getattr(request, "extranet_account", None)
        if signed_in:
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response


class OTPMiddleware(_OTPMiddleware):
    """django-otp's, with the device that verified the session read through portal.person (kept between
    requests, read again after any change to the person's devices)."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = None
            if persistent_id:
                device = person.kept(user).get(
                    f"device:{persistent_id}", lambda: self._device_from_persistent_id(persistent_id)
                )
            user.otp_device = self._finalize_device(request, user, device)
        return user
