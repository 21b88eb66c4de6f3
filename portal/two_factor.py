"""The second factor: TOTP enrolment with a QR code, verification after the password, recovery codes.

Built on django-otp's TOTP and static-token devices.
"""

import base64
import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def normalize_code(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").lower()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (a new secret each time enrolment starts over)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def qr_code_data_uri(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for people who cannot scan the code."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class CodeRefused(Exception):
    """A second-factor code that did not work; the message says what to do."""


def _refuse_if_throttled(request, devices, during: str) -> None:
    # django-otp refuses codes for a while after a wrong one; say so instead of "wrong code".
    if any(not device.verify_is_allowed()[0] for device in devices):
        audit.record("otp.verify_failed", request=request, details={"during": during, "throttled": True})
        raise CodeRefused(TOO_FAST)


def _refuse(request, during: str):
    audit.record("otp.verify_failed", request=request, details={"during": during})
    raise CodeRefused(WRONG_CODE)


def confirm_enrolment(*, request, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with a code from it; returns new recovery codes, shown once."""
    _refuse_if_throttled(request, [device], "enrolment")
    if not device.verify_token(normalize_code(code)):
        _refuse(request, "enrolment")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        codes = issue_recovery_codes(user=device.user)
        audit.record("otp.enrolled", request=request, obj=device, object_label=AUTHENTICATOR_NAME)
    return codes


def issue_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes with new single-use ones; they are shown once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _n in range(settings.PORTAL_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit.record("otp.recovery_codes_issued", obj=device, object_label=RECOVERY_NAME, details={"count": len(codes)})
    return codes


def verify(*, request, code: str):
    """Check a code from the authenticator or a recovery code; on success mark the session verified."""
    _refuse_if_throttled(request, list(devices_for_user(request.user)), "sign-in")
    device = match_token(request.user, normalize_code(code))
    if device is None:
        _refuse(request, "sign-in")
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        audit.record("otp.recovery_code_used", request=request, obj=device, details={"left": left})
    else:
        audit.record("otp.verified", request=request, obj=device, object_label=AUTHENTICATOR_NAME)
    return device


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


WRONG_CODE = _("That code did not work. Enter the six digits your authenticator app shows now, or a recovery code.")
TOO_FAST = _(
    "That code did not work, and codes are refused for a few seconds after a wrong one. Wait, then enter the code your app shows."
)
