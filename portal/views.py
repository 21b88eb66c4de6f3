"""The portal's own pages: the landing page by role, help, the security profile, the Secure Mailbox."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from . import audit, two_factor
from .forms import SecondFactorCodeForm
from .invitations import invitation_tokens
from .models import MailboxMessage, User
from .permissions import Capability, permissions_for


@login_required
def home(request):
    """Send each person to their landing page: Today for a manager, Admin Staff and an agent, the Service Center
    for marketplace staff, My case for a consumer."""
    may = permissions_for(request.user)
    if may.allows(Capability.USE_AGENCY_PORTAL) or may.allows(Capability.OWN_DELEGATIONS):
        return redirect("today")
    if may.allows(Capability.OWN_CASE):
        return redirect("my_case:case")
    if may.allows(Capability.SERVICE_CENTER):
        return render(request, "portal/service_center_home.html")
    return render(request, "portal/no_role.html")


def not_offered(request, *args, **kwargs):
    """A page django-allauth offers that the portal does not (changing one's own sign-in address, reauthenticating
    by an e-mailed code)."""
    raise Http404


HELP_TOPICS = {
    "signing-in": gettext_lazy("Signing in and security"),
    "delegations": gettext_lazy("Delegations and requests for help"),
    "cases": gettext_lazy("Working on a case"),
    "book-of-business": gettext_lazy("Book of Business and exports"),
    "extranet": gettext_lazy("The Agent Extranet"),
    "agency": gettext_lazy("For Agency Managers: agents, staff and account"),
}


def help_page(request):
    return render(request, "portal/help.html", {"topics": list(HELP_TOPICS.items())})


def help_topic(request, topic: str):
    """A help page per area, written for agents; public, like the help index."""
    if topic not in HELP_TOPICS:
        raise Http404
    return render(request, f"portal/help/{topic}.html",
                  {"topic": topic, "topic_title": HELP_TOPICS[topic], "topics": list(HELP_TOPICS.items())})  # fmt: skip


@login_required
def security_profile(request):
    return render(
        request,
        "portal/security_profile.html",
        {
            "recovery_codes_left": two_factor.recovery_codes_left(request.user),
            "has_authenticator": two_factor.has_authenticator(request.user),
        },
    )


def mailbox_for(user):
    """A user's own Secure Mailbox messages."""
    return MailboxMessage.objects.filter(recipient=user)


@login_required
def mailbox_message(request, message_id: int):
    message = get_object_or_404(mailbox_for(request.user), pk=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return render(request, "portal/mailbox_message.html", {"message": message})


def _next_url(request, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code, type the code it shows."""
    if user_has_device(request.user):
        return redirect("two_factor_verify" if not request.user.is_verified() else "security_profile")
    device = two_factor.pending_device(request.user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(request=request, device=device, code=form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            request.session["recovery_codes_to_show"] = codes
            request.session["after_recovery_codes"] = _next_url(request)
            return redirect("two_factor_recovery_codes")
    return render(
        request,
        "portal/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_typing(device),
            "next": _next_url(request),
        },
    )


@login_required
def two_factor_verify(request):
    """The step after the password: a code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(request=request, code=form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            if device.name == two_factor.RECOVERY_NAME:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(n)d is left. Make new ones in My Security Profile.",
                        "You signed in with a recovery code; %(n)d are left. Make new ones in My Security Profile.",
                        left,
                    )
                    % {"n": left},
                )
            return redirect(_next_url(request))
    return render(request, "portal/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_recovery_codes(request):
    """Recovery codes are shown once, right after they are made."""
    codes = request.session.pop("recovery_codes_to_show", None)
    if request.method == "POST":
        if not two_factor.has_authenticator(request.user):  # codes stand in for an app one has (a consumer may not)
            return redirect("two_factor_setup")
        codes = two_factor.issue_recovery_codes(user=request.user)
        request.session["after_recovery_codes"] = resolve_url("security_profile")
    continue_to = request.session.pop("after_recovery_codes", None) if codes else None
    return render(
        request,
        "portal/two_factor_recovery_codes.html",
        {"codes": codes, "continue_to": continue_to or resolve_url("home")},
    )


def session_status(request):
    """Seconds left before the session ends for inactivity; does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    last_activity = request.session.get("last_activity", time.time())
    left = max(0, int(settings.SESSION_IDLE_TIMEOUT - (time.time() - last_activity)))
    return JsonResponse({"signed_in": True, "seconds_left": left})


@require_POST
@login_required
def session_keepalive(request):
    """ "Stay signed in": any request counts as activity; this one only answers how long is left."""
    return JsonResponse({"signed_in": True, "seconds_left": settings.SESSION_IDLE_TIMEOUT})


def accept_invitation(request, uidb64: str, token: str):
    """Choose a password from an invitation link; the link dies once used."""
    from django.contrib.auth.forms import SetPasswordForm
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not invitation_tokens.check_token(user, token):
        return render(request, "portal/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record("auth.password_changed", request=request, actor=user, details={"via": "invitation"})
        messages.success(request, _("Your password is set. Sign in now to set up your second factor."))
        return redirect("account_login")
    return render(request, "portal/accept_invitation.html", {"form": form, "invited": user})


def set_language(request):
    """The header's Español / English switch: a cookie for this browser and, for someone signed in, their
    profile, so e-mails and their next sign-in anywhere use it too."""
    from django.views.i18n import set_language as switch

    response = switch(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


def _database_away(exception) -> bool:
    from django.db import InterfaceError, OperationalError

    while exception is not None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def _database_away_response():
    from django.http import HttpResponse
    from django.template import loader

    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "30"
    return response


def bad_request(request, exception):
    """The 400 handler. Saving the session while PostgreSQL restarts surfaces as Django's "session interrupted"
    (a 400); it is the database being away, so it gets the same clean 503 as any other request then."""
    from django.views.defaults import bad_request as default

    if _database_away(exception):
        return _database_away_response()
    return default(request, exception)


def server_error(request):
    """The 500 handler. While PostgreSQL is unreachable (a restart, a failover) the answer is a 503 with
    Retry-After instead: nothing was done, and the next request reconnects by itself (health-checked
    connections), with no restart of the application. Touches neither the database nor the session."""
    import sys

    from django.http import HttpResponseServerError
    from django.template import loader

    if _database_away(sys.exc_info()[1]):
        return _database_away_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
