"""What the portal's base changes or sends on its own: the e-mail with a link to choose a new password."""

from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .notifications import absolute_url


def send_password_reset(*, email: str) -> int:
    """Run by a task, never in the request that asked (so its answer takes the same time whether or not an
    account has the address): e-mail each active account with this address a single-use link to choose a new
    password, in the account's language, to the address the account holds. An address no account has gets
    nothing (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is off). Returns the number of e-mails sent."""
    adapter = get_adapter()
    site = {"name": "Agency Portal", "domain": urlsplit(settings.PORTAL_BASE_URL).netloc}
    users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
    for user in users:
        uid = user_pk_to_url_str(user)
        key = default_token_generator.make_token(user)
        url = absolute_url(reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": key}))
        context = {"user": user, "email": user.email, "current_site": site, "password_reset_url": url, "uid": uid,
                   "key": key, "request": None}  # fmt: skip
        with translation.override(user.preferred_language):
            message = adapter.render_mail("account/email/password_reset_key", user.email, context)
        message.send()
    return len(users)


def expire_unconfirmed_sign_ups(*, now=None) -> int:
    """Daily: a consumer's sign-up whose address was not confirmed within UNCONFIRMED_SIGN_UP_DAYS is closed, and its
    address freed (whoever signed up with someone else's address cannot keep it from them, nor from an agency
    adding that person). The row stays, as the audit log names it: inactive, without a password, names or address.
    Returns how many were closed."""
    import datetime

    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from . import audit
    from .models import User

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.UNCONFIRMED_SIGN_UP_DAYS)
    confirmed = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(is_consumer=True, is_active=True, date_joined__lt=cutoff).exclude(pk__in=confirmed)
    closed = 0
    for user in stale.iterator():
        with transaction.atomic():
            EmailAddress.objects.filter(user=user).delete()
            user.email = f"sign-up-{user.pk}-closed@invalid.example"
            user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            audit.record("auth.sign_up_expired", actor=None, obj=user, object_label=f"user #{user.pk}",
                         details={"days": settings.UNCONFIRMED_SIGN_UP_DAYS})  # fmt: skip
        closed += 1
    return closed
