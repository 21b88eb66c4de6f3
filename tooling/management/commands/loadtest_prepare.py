"""python manage.py loadtest_prepare OUT.json — sign-ins for `make loadtest` on the demo data.

The largest agency's manager and some of its agents get a known password and an authenticator with a known
key (written to OUT.json with the case ids each may open), so the load test signs in as people do: password,
then the second factor. It changes those people's passwords, so it refuses to run unless LOADTEST_ALLOWED=1
(set by scripts/loadtest.sh for the load test's own database).
"""

import json
import os
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from agencies.models import Agency, Membership
from delegations.models import Delegation
from portal.permissions import Capability, permissions_for


class Command(BaseCommand):
    help = "Prepare the load test's sign-ins (changes their passwords: demo data only)."

    def add_arguments(self, parser):
        parser.add_argument("output")
        parser.add_argument("--agents", type=int, default=30)

    def handle(self, output, agents, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if os.environ.get("LOADTEST_ALLOWED") != "1":
            raise CommandError("This changes passwords. Set LOADTEST_ALLOWED=1 (the load test's own database only).")
        agency = (
            Agency.objects.annotate(n=Count("delegations", filter=Q(delegations__status="active")))
            .order_by("-n")
            .first()
        )
        manager = (
            Membership.objects.filter(agency=agency, status="active", role="manager").select_related("user").first()
        )
        staff = Membership.objects.filter(agency=agency, status="active", role="agent").select_related("user")
        people = [manager, *staff.order_by("pk")[:agents]]
        password = "Load-Test-" + secrets.token_urlsafe(9)
        out = {"agency": agency.pk, "people": []}
        for membership in people:
            user = membership.user
            user.set_password(password)
            user.save(update_fields=["password"])
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
            own = Delegation.objects.filter(status="active", agency=agency)
            if membership.role != "manager":
                own = own.filter(agent__user=user)
            out["people"].append({
                "email": user.email, "password": password, "key": device.key, "role": membership.role,
                "agent": getattr(getattr(user, "agent", None), "pk", None),
                "may_export": permissions_for(user).allows(Capability.EXPORT_BOOK),
                "cases": list(own.order_by("?").values_list("case_id", flat=True)[:200]),
            })  # fmt: skip
        with open(output, "w") as handle:
            json.dump(out, handle)
        self.stdout.write(f"{len(out['people'])} sign-ins for agency {agency.pk} written to {output}")
