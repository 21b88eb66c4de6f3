"""python manage.py totp_code EMAIL — the code an authenticator app would show now (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a user's authenticator (enrolled or being enrolled), "
        "for trying the demo without a phone. Refused when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("totp_code is for development only; it is refused when DEBUG is off.")
        device = TOTPDevice.objects.filter(user__email=email.strip().lower()).order_by("-confirmed", "-id").first()
        if device is None:
            raise CommandError(f"{email} has no authenticator yet: sign in once to start enrolling one.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
