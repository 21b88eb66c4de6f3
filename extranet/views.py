"""The Agent Extranet's pages: sign in, files, password change, reset, and choosing a password by link."""

from functools import wraps

from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookofbusiness.services import CONTENT_TYPES
from portal import audit
from portal.downloads import private_download, stored
from portal.queueing import enqueue

from . import middleware, services, tasks
from .forms import ChangePasswordForm, ChoosePasswordForm, ResetForm, SignInForm
from .selectors import extracts_for


def signed_in_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.extranet_account is None:
            params = {"next": request.get_full_path()}
            if getattr(request, "extranet_session_ended", False):
                params["ended"] = "1"
            query = urlencode(params)
            return HttpResponseRedirect(f"{reverse('extranet:sign_in')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
def sign_in(request):
    if request.extranet_account is not None:
        return HttpResponseRedirect(reverse("extranet:files"))
    form = SignInForm(request.POST if request.method == "POST" else None)
    refused = None
    if (
        request.method == "POST"
        and form.is_valid()
        and not ratelimit.consume(request, action="login_failed", dry_run=True)
    ):
        # The portal's budget of failed sign-ins per address, shared: one network cannot try many usernames.
        audit.record("auth.throttled", actor_label=form.cleaned_data["username"], details={"site": "extranet"})
        refused = services.SignInRefused(
            _("Too many sign-in attempts from your network. Wait 15 minutes before trying again."), code="throttled"
        )
    elif request.method == "POST" and form.is_valid():
        try:
            account = services.authenticate(username=form.cleaned_data["username"],
                                            password=form.cleaned_data["password"], client_ip=audit.client_ip(request))  # fmt: skip
        except services.SignInRefused as error:
            refused = error
            if error.code == "invalid":
                ratelimit.consume(request, action="login_failed")
        else:
            middleware.sign_in(request, account)
            target = request.GET.get("next", "")
            if not (target.startswith(middleware.PREFIX) and url_has_allowed_host_and_scheme(target, None)):
                target = reverse("extranet:files")
            return HttpResponseRedirect(target)
    ended = getattr(request, "extranet_session_ended", False) or request.GET.get("ended") == "1"
    return render(request, "extranet/sign_in.html", {"form": form, "refused": refused, "session_ended": ended},
                  status=400 if refused else 200)  # fmt: skip


@require_POST
def sign_out(request):
    account = request.extranet_account
    if account is not None:
        audit.record("auth.signed_out", obj=account, actor_label=account.username, details={"site": "extranet"})
    middleware.sign_out(request)
    return HttpResponseRedirect(reverse("extranet:sign_in"))


@never_cache
@signed_in_required
def files(request):
    account = request.extranet_account
    extracts = list(extracts_for(account).select_related("agent", "agency"))
    return render(request, "extranet/files.html", {"account": account, "extracts": extracts,
                                                   "retention_weeks": settings.EXTRACT_RETENTION_WEEKS})  # fmt: skip


@signed_in_required
def download(request, extract_id: int):
    account = request.extranet_account
    extract = get_object_or_404(extracts_for(account), pk=extract_id)
    audit.record("file.downloaded", obj=extract, actor_label=account.username,
                 details={"site": "extranet", "sha256": extract.sha256, "rows": extract.rows})  # fmt: skip
    owner = f"agent-{extract.agent.license_number}" if extract.agent_id else f"agency-{extract.agency_id}"
    name = f"{extract.get_kind_display()} {extract.week:%Y-%m-%d} {owner}.{extract.file_format}".replace(" ", "-")
    return private_download(stored(extract.file), filename=name, content_type=CONTENT_TYPES[extract.file_format])


@never_cache
@signed_in_required
def change_password(request):
    account = request.extranet_account
    form = ChangePasswordForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            # Counted like a sign-in: a borrowed session cannot be used to guess the password.
            right = services.confirm_current_password(account, form.cleaned_data["current_password"],
                                                      client_ip=audit.client_ip(request))  # fmt: skip
        except services.SignInRefused:
            middleware.sign_out(request)
            return HttpResponseRedirect(reverse("extranet:sign_in"))
        if not right:
            form.add_error("current_password", _("Your current password is not right."))
        else:
            try:
                services.set_password(account, form.cleaned_data["new_password"], how="change")
            except ValidationError as error:  # another change was made a moment ago, beside this one
                form.add_error("new_password", error)
            else:
                account.refresh_from_db()
                middleware.sign_in(request, account)  # this session continues; every other one ends
                return render(request, "extranet/password_done.html", {"account": account})
    return render(request, "extranet/change_password.html", {"form": form, "account": account},
                  status=400 if form.errors else 200)  # fmt: skip


@never_cache
def reset(request):
    """Ask for a reset link by username. The answer is the same, and as quick, whether it exists or not:
    the lookup and the e-mail happen in a task."""
    form = ResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        # The portal's reset budget per client address and per name typed, shared: one network cannot ask for
        # many. Past it nothing is looked up or sent, and the page answers the same. Each account's own limit is
        # counted in the database (services.link_may_be_sent).
        if ratelimit.consume(request, action="reset_password", key=username.strip().upper()):
            enqueue(tasks.request_password_reset, args=[username], fallback=lambda: services.request_reset(username))
        else:
            audit.record("extranet.link_throttled", request=request, actor_label=username.strip().upper(),
                         details={"purpose": "reset", "by": "rate limit"})  # fmt: skip
        return render(request, "extranet/reset_sent.html", {"hours": settings.EXTRANET_RESET_LINK_HOURS})
    return render(request, "extranet/reset.html", {"form": form})


@never_cache
def choose_password(request, token: str):
    """The page an onboarding or reset link opens: it works once."""
    link = services.usable_link(token)
    if link is None:
        return render(request, "extranet/link_invalid.html", status=410)
    form = ChoosePasswordForm(request.POST if request.method == "POST" else None, account=link.account)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(link.account, form.cleaned_data["new_password"], how=link.purpose, link=link)
        except services.LinkNoLongerWorks:
            return render(request, "extranet/link_invalid.html", status=410)
        middleware.sign_out(request)
        return render(request, "extranet/password_done.html", {"account": link.account, "by_link": True})
    return render(request, "extranet/choose_password.html", {"form": form, "account": link.account},
                  status=400 if form.errors else 200)  # fmt: skip
