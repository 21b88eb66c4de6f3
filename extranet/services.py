"""The Agent Extranet's changes: accounts, onboarding, password links, passwords, sign-in, reminders.

Nothing here ever stores or sends a password: an agent chooses one through a single-use link.
E-mails go through the portal's Celery task (with retries), in the agent's language, and carry no
consumer data.
"""

from __future__ import annotations

import datetime
import functools
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agents.models import Agent
from portal import audit, lockout
from portal.choices import CertificationStatus
from portal.notifications import absolute_url, send_email_after_commit

from .models import ExtranetAccount, PasswordHistory, PasswordLink, lock_identifier
from .passwords import EXTRANET_VALIDATORS

# -- accounts and links ----------------------------------------------------------------------------


def account_for(agent) -> ExtranetAccount:
    """The agent's extranet account, made on first need (username CC_<license number>)."""
    account, _created = ExtranetAccount.objects.get_or_create(
        agent=agent, defaults={"username": ExtranetAccount.username_for(agent.license_number)}
    )
    return account


def issue_link(account: ExtranetAccount, purpose: str) -> str:
    """A new single-use link for the account; every earlier one dies. Returns the URL (the token in it is
    stored only as its digest)."""
    now = timezone.now()
    lifetime = (
        datetime.timedelta(days=settings.EXTRANET_ONBOARDING_LINK_DAYS)
        if purpose == PasswordLink.Purpose.ONBOARDING
        else datetime.timedelta(hours=settings.EXTRANET_RESET_LINK_HOURS)
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoke_links(account, now=now)
        PasswordLink.objects.create(
            account=account, purpose=purpose, token_sha256=PasswordLink.digest(token), created_at=now,
            expires_at=now + lifetime,
        )  # fmt: skip
    return absolute_url(reverse("extranet:choose_password", args=[token]))


def link_may_be_sent(account: ExtranetAccount, *, now: datetime.datetime | None = None) -> bool:
    """Whether the account may be sent another password link now: none in the last
    EXTRANET_LINK_INTERVAL_MINUTES and fewer than EXTRANET_LINKS_PER_HOUR in the last hour, resets and
    onboarding together. Counted in the database, so it holds across web and worker processes; the caller
    holds the account's row lock, so requests at once are counted one after another."""
    now = now or timezone.now()
    recent = PasswordLink.objects.filter(account=account, created_at__gt=now - datetime.timedelta(hours=1)).aggregate(
        count=Count("pk"), newest=Max("created_at")
    )
    interval = datetime.timedelta(minutes=settings.EXTRANET_LINK_INTERVAL_MINUTES)
    return recent["count"] < settings.EXTRANET_LINKS_PER_HOUR and (
        recent["newest"] is None or recent["newest"] <= now - interval
    )


def _lock_for_a_link(account: ExtranetAccount) -> bool:
    """Take the account's row lock for the rest of the transaction; whether a link may be sent to it now."""
    locked = ExtranetAccount.objects.select_for_update().get(pk=account.pk)
    return locked.is_active and link_may_be_sent(account)


def revoke_links(account: ExtranetAccount, *, now: datetime.datetime | None = None) -> None:
    PasswordLink.objects.filter(account=account, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def usable_link(token: str) -> PasswordLink | None:
    """The link a token opens, if it still may be used (not used, not replaced, not expired)."""
    link = (
        PasswordLink.objects.select_related("account__agent")
        .filter(token_sha256=PasswordLink.digest(token or ""))
        .first()
    )
    if link is None or not link.is_usable() or not link.account.is_active:
        return None
    return link


# -- e-mails ---------------------------------------------------------------------------------------


SUBJECTS = {
    "onboarding_introduction": gettext_lazy("Your Individual Book of Business – Informational"),
    "onboarding_username": gettext_lazy("[secure] Your Individual Book of Business – Username"),
    "onboarding_password": gettext_lazy("[secure] Your Individual Book of Business – Password"),
    "reset": gettext_lazy("Reset your Agent Extranet password"),
    "expiry_reminder": gettext_lazy("Your Agent Extranet password expires soon"),
}


def _email(account: ExtranetAccount, template: str, **context) -> None:
    agent = account.agent
    with translation.override(agent.preferred_language or settings.LANGUAGE_CODE):
        body = render_to_string(
            f"extranet/email/{template}.txt",
            {"agent": agent, "account": account, "sign_in_url": absolute_url(reverse("extranet:sign_in")),
             "service_center_phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE, **context},
        )  # fmt: skip
        subject = str(SUBJECTS[template])
    send_email_after_commit(to=agent.email, subject=subject, body=body)


def send_onboarding(account: ExtranetAccount, *, by=None) -> bool:
    """The three onboarding e-mails, sent separately: an introduction, the username, and a single-use link
    to choose the password (which kills any earlier link). Returns whether they were sent: not when the
    account was sent a password link too recently (`link_may_be_sent`), so resending cannot flood it, and
    its live link keeps working."""
    with transaction.atomic():
        if not _lock_for_a_link(account):
            audit.record("extranet.link_throttled", actor=by, obj=account, details={"purpose": "onboarding"})
            return False
        url = issue_link(account, PasswordLink.Purpose.ONBOARDING)
        account.onboarded_at = timezone.now()
        account.save(update_fields=["onboarded_at"])
        _email(account, "onboarding_introduction")
        _email(account, "onboarding_username")
        _email(account, "onboarding_password", url=url, days=settings.EXTRANET_ONBOARDING_LINK_DAYS)  # fmt: skip
        audit.record("extranet.onboarding_sent", actor=by, obj=account, details={"resent": by is not None})
    return True


def previous_week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week before the one `today` is in."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1)


def run_monday_onboarding(*, today: datetime.date | None = None) -> list[ExtranetAccount]:
    """Every Monday: each agent certified during the previous week, still certified, who has never been
    onboarded and has no extranet password yet, gets the three onboarding e-mails. Rerunning the same day
    sends nothing twice."""
    start, end = previous_week(today or timezone.localdate())
    agents = (
        Agent.objects.filter(certification_status=CertificationStatus.CERTIFIED, certified_on__range=(start, end))
        .exclude(extranet_account__onboarded_at__isnull=False)
        .exclude(extranet_account__password__gt="")
        .exclude(email="")
        .order_by("pk")
    )
    onboarded = []
    for agent in agents:
        account = account_for(agent)
        if account.is_active and send_onboarding(account):
            onboarded.append(account)
    return onboarded


def request_reset(username: str) -> bool:
    """Someone asked to reset the password of `username`. If an active account has it, its agent gets a
    link valid for 24 hours, unless the account was sent a password link too recently (`link_may_be_sent`):
    then nothing is sent and the live link keeps working. Run as a task, so the page that asked answers the
    same, in the same time, whether the username exists or not. Returns whether a link was sent."""
    account = (
        ExtranetAccount.objects.select_related("agent")
        .filter(username__iexact=(username or "").strip(), is_active=True)
        .first()
    )
    if account is None or not account.agent.email:
        return False
    with transaction.atomic():
        if not _lock_for_a_link(account):
            audit.record("extranet.link_throttled", obj=account, actor_label=account.username,
                         details={"purpose": "reset"})  # fmt: skip
            return False
        url = issue_link(account, PasswordLink.Purpose.RESET)
        _email(account, "reset", url=url, hours=settings.EXTRANET_RESET_LINK_HOURS)
        audit.record("extranet.reset_requested", obj=account, actor_label=account.username)
    return True


def send_expiry_reminders(*, now: datetime.datetime | None = None) -> int:
    """One e-mail EXTRANET_PASSWORD_REMINDER_DAYS before a password expires, once per password."""
    now = now or timezone.now()
    lifetime = datetime.timedelta(days=settings.EXTRANET_PASSWORD_DAYS)
    warn = lifetime - datetime.timedelta(days=settings.EXTRANET_PASSWORD_REMINDER_DAYS)
    due = (
        ExtranetAccount.objects.select_related("agent")
        .filter(is_active=True, password_set_at__lte=now - warn, password_set_at__gt=now - lifetime)
        .exclude(reminder_sent_at__gte=F("password_set_at"))
    )
    sent = 0
    for account in due.iterator(chunk_size=500):
        with transaction.atomic():
            account.reminder_sent_at = now
            account.save(update_fields=["reminder_sent_at"])
            _email(account, "expiry_reminder", expires=timezone.localtime(account.password_expires_at).date())  # fmt: skip
        sent += 1
    return sent


# -- passwords -------------------------------------------------------------------------------------


def _too_recent(account: ExtranetAccount) -> ValidationError | None:
    """The once-a-day rule: the error if the account's password was set too recently to change it again."""
    if account.password_set_at is None:
        return None
    next_change = account.password_set_at + datetime.timedelta(hours=settings.EXTRANET_PASSWORD_MIN_AGE_HOURS)
    if next_change <= timezone.now():
        return None
    return ValidationError(
        _("You can change your password once a day. Try again after %(time)s.")
        % {"time": timezone.localtime(next_change).strftime("%Y-%m-%d %H:%M")},
        code="password_too_recent",
    )


def check_new_password(account: ExtranetAccount, raw_password: str, *, change: bool) -> None:
    """Raise ValidationError (with every reason) unless `raw_password` may become the account's password."""
    problems = []
    if change and (too_recent := _too_recent(account)):
        problems.append(too_recent)
    try:
        validate_password(raw_password, user=None, password_validators=EXTRANET_VALIDATORS)
    except ValidationError as error:
        problems.extend(error.error_list)
    history = PasswordHistory.objects.filter(account=account)[: settings.EXTRANET_PASSWORD_HISTORY]
    if any(check_password(raw_password, old.password) for old in history):
        problems.append(
            ValidationError(
                ngettext(
                    "Choose a password you have not used before: the last one may not be used again.",
                    "Choose a password you have not used before: the last %(count)d may not be used again.",
                    settings.EXTRANET_PASSWORD_HISTORY,
                )
                % {"count": settings.EXTRANET_PASSWORD_HISTORY},
                code="password_reused",
            )
        )
    if problems:
        raise ValidationError(problems)


class LinkNoLongerWorks(Exception):
    """The link was used, replaced or expired after its page was opened (by a request beside this one, say)."""


def set_password(account: ExtranetAccount, raw_password: str, *, how: str, link: PasswordLink | None = None) -> None:
    """Make `raw_password` the account's password (after `check_new_password`): remembered in the history,
    every open link killed, the expiry clock restarted, and the event audited. `how` is "change",
    "onboarding" or "reset". With `link`, the password is set only by the request that consumes it
    (LinkNoLongerWorks for any other). A "change" is judged again under the account's row lock, so of changes
    sent at once only the first passes the once-a-day rule (ValidationError for the others)."""
    now = timezone.now()
    with transaction.atomic():
        account = ExtranetAccount.objects.select_for_update().get(pk=account.pk)
        if how == "change" and (too_recent := _too_recent(account)):
            raise too_recent
        if link is not None:
            # One conditional UPDATE consumes the link: of requests submitting it at once, only the one whose
            # UPDATE changed the row goes on to set a password, in this same transaction.
            consumed = account.is_active and PasswordLink.objects.filter(
                pk=link.pk, account=account, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
            ).update(used_at=now)
            if not consumed:
                raise LinkNoLongerWorks
        account.password = make_password(raw_password)
        account.password_set_at = now
        account.reminder_sent_at = None
        account.save(update_fields=["password", "password_set_at", "reminder_sent_at"])
        PasswordHistory.remember(account, raw_password, now)
        revoke_links(account, now=now)
        audit.record("extranet.password_set", obj=account, actor_label=account.username, details={"how": how})


# -- signing in ------------------------------------------------------------------------------------


@functools.cache
def _dummy_hash() -> str:
    """A hash to check typed passwords against when the username is unknown, so the answer takes as long."""
    return make_password(secrets.token_urlsafe(16))


class SignInRefused(Exception):
    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code


def _locked_message() -> str:
    return _("This account is locked after repeated failed sign-ins. Try again in an hour, or call the "
             "Agent Service Center at %(phone)s.") % {"phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE}  # fmt: skip


def authenticate(*, username: str, password: str, client_ip: str | None) -> ExtranetAccount:
    """The account these credentials open, or SignInRefused with the message to show. Wrong usernames and
    wrong passwords get the same answer and the same work; three failures within two hours lock the
    username for an hour (counted whether or not it exists). Each attempt is counted before its password is
    checked, so guesses sent at once cannot all be tried."""
    username = (username or "").strip().upper()
    identifier = lock_identifier(username)
    attempt = lockout.begin_attempt(identifier=identifier, client_ip=client_ip)
    if attempt is None:
        audit.record("auth.lock_refused", actor_label=username, details={"site": "extranet"})
        raise SignInRefused(_locked_message(), code="locked")
    account = ExtranetAccount.objects.select_related("agent").filter(username=username, is_active=True).first()
    password_ok = check_password(password or "", account.password if account and account.password else _dummy_hash())
    if account is None or not account.password or not password_ok:
        audit.record("auth.sign_in_failed", actor_label=username, details={"site": "extranet"})
        if lockout.attempt_failed(attempt) is not None:
            raise SignInRefused(_locked_message(), code="locked")
        raise SignInRefused(_("The username or password is not right."), code="invalid")
    lockout.attempt_succeeded(attempt)
    if not account.agent.is_certified:
        audit.record("auth.sign_in_failed", obj=account, actor_label=username, details={"site": "extranet",
                                                                                       "reason": "not certified"})  # fmt: skip
        raise SignInRefused(
            _("The extranet is for certified agents, and your certification is not active. Call the Agent Service "
              "Center at %(phone)s.") % {"phone": settings.PORTAL_AGENT_SERVICE_CENTER_PHONE},
            code="not_certified",
        )  # fmt: skip
    if account.password_expired():
        audit.record("extranet.password_expired", obj=account, actor_label=username)
        raise SignInRefused(
            ngettext(
                "Your password expired %(days)d day after it was set. Choose a new one with the reset page.",
                "Your password expired %(days)d days after it was set. Choose a new one with the reset page.",
                settings.EXTRANET_PASSWORD_DAYS,
            )
            % {"days": settings.EXTRANET_PASSWORD_DAYS},
            code="expired",
        )
    account.last_login_at = timezone.now()
    account.save(update_fields=["last_login_at"])
    audit.record("auth.signed_in", obj=account, actor_label=username, details={"site": "extranet"})
    return account


def confirm_current_password(account: ExtranetAccount, raw_password: str, *, client_ip: str | None) -> bool:
    """Whether `raw_password` is the account's password, asked by a signed-in session (to change it). Counted
    like a sign-in, before it is checked, so a borrowed session cannot guess either: SignInRefused when the
    account is locked (it is not checked then) or when this wrong password locks it."""
    attempt = lockout.begin_attempt(identifier=account.lock_identifier, client_ip=client_ip)
    if attempt is None:
        audit.record("auth.lock_refused", obj=account, actor_label=account.username, details={"site": "extranet"})
        raise SignInRefused(_locked_message(), code="locked")
    if account.check_password(raw_password):
        lockout.attempt_succeeded(attempt)
        return True
    if lockout.attempt_failed(attempt) is not None:
        raise SignInRefused(_locked_message(), code="locked")
    return False


def unlock(account: ExtranetAccount, *, by) -> bool:
    """Service-center staff lift the account's lock; returns whether there was one."""
    lock = lockout.active_lock(account.lock_identifier)
    if lock is None:
        return False
    lockout.lift_lock(lock=lock, by=by)
    return True


def deactivate(account: ExtranetAccount, *, by) -> None:
    with transaction.atomic():
        ExtranetAccount.objects.filter(pk=account.pk).update(is_active=False)
        revoke_links(account)
        audit.record("extranet.deactivated", actor=by, obj=account)
