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
