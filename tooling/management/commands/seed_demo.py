"""python manage.py seed_demo --agencies N --agents N --consumers N --seed S"""

import datetime
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from agencies.models import Agency
from agents.models import Agent
from bookofbusiness.extracts import week_of, write_owner_extracts
from bookofbusiness.models import Extract
from consumers.models import ConsumerAccount, ConsumerCase
from delegations.models import ActingOnBehalf, Consent, Delegation
from extranet import services
from extranet.models import ExtranetAccount
from portal.models import AuditEvent, OutageNotice, User
from tooling.demo_data import DEMO_DOMAIN, DEMO_PASSWORD, DemoBuilder, demo_sign_ins


def this_python() -> str:
    """The interpreter running this command, as a path to type from the project's folder (.venv/bin/python)."""
    path = os.path.relpath(sys.executable) if sys.executable.startswith(os.getcwd() + os.sep) else sys.executable
    return path if os.sep in path else f".{os.sep}{path}"


class Command(BaseCommand):
    help = (
        "Load realistic synthetic California demo data: agencies with locations and hours, agents with "
        "certification histories, consumer cases with households, enrollments, conditional-eligibility "
        "items and delegations in every status. Deterministic for a seed and as-of date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=12)
        parser.add_argument("--agents", type=int, default=150)
        parser.add_argument("--consumers", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--largest-agency-agents",
            type=int,
            default=None,
            help="Agents of the largest agency (by default about one in twenty and its share of the rest).",
        )
        parser.add_argument(
            "--largest-agency-cases",
            type=int,
            default=None,
            help="About how many cases are delegated to the largest agency (by default a tenth).",
        )
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="The day the data is made for (YYYY-MM-DD); today by default.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the demo sign-ins) when the database already has cases.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all agencies, agents, cases and demo users first (only with DEBUG on).",
        )

    def handle(self, *args, **options):
        if options["reset"]:
            if not settings.DEBUG:
                raise CommandError("--reset deletes data; it is refused when DEBUG is off.")
            self._reset()
        if ConsumerCase.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has demo data; nothing loaded.")
                self._print_sign_ins()
                return
            raise CommandError("The database already has cases. Use --if-empty, or --reset to start again.")
        builder = DemoBuilder(
            agencies=options["agencies"],
            agents=options["agents"],
            consumers=options["consumers"],
            seed=options["seed"],
            as_of=options["as_of"] or timezone.localdate(),
            largest_agency_agents=options["largest_agency_agents"],
            largest_agency_cases=options["largest_agency_cases"],
            verbose=self.stdout.write if options["verbosity"] > 1 else None,
        )
        self.stdout.write(
            f"Loading {options['agencies']:,} agencies, {options['agents']:,} agents and "
            f"{options['consumers']:,} consumer cases into {connection.vendor} ..."
        )
        result = builder.build()
        self._demo_extranet()
        self._demo_consumer()
        self._demo_outage()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.agencies:,} agencies, {result.agents:,} agents, {result.cases:,} cases and "
                f"{result.delegations:,} delegations ({sum(result.rows_by_table.values()):,} rows) "
                f"in {result.seconds:.1f} s."
            )
        )
        self._print_sign_ins()
        if result.access_code:
            number, code = result.access_code
            self.stdout.write(
                f"A consumer waiting for a helper: case {number}, access code {code} (shown once; ask for help with "
                "it from a helper's Find Local Help listing)."
            )

    def _print_sign_ins(self):
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for sign_in in demo_sign_ins():
            self.stdout.write(f"  {sign_in.role:<22} {sign_in.email:<40} {sign_in.description}")
        manager = next(sign_in.email for sign_in in demo_sign_ins())
        self.stdout.write(
            "The first sign-in enrols an authenticator app (the second factor). Without a phone, "
            f"`{this_python()} manage.py totp_code {manager}` prints the code it would show."
        )

        accounts = ExtranetAccount.objects.filter(agent__user__email__endswith=f"@{DEMO_DOMAIN}").exclude(password="")
        for account in accounts.select_related("agent__user"):
            self.stdout.write(
                f"Agent Extranet (/extranet/): {account.username} ({account.agent.user.email}), same password"
            )

    def _demo_consumer(self):
        """A consumer's own account (address confirmed, no second factor yet), linked to a case of the demo agent's
        book, so My case and Manage delegates have something to show."""
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        held = Delegation.objects.filter(agent__user__email=f"agent@{DEMO_DOMAIN}", status=Delegation.Status.ACTIVE)
        case = ConsumerCase.objects.filter(pk__in=held.values("case_id")).order_by("pk").first()
        if case is None:
            return
        user = User.objects.create(email=f"consumer@{DEMO_DOMAIN}", first_name=case.first_name,
                                   last_name=case.last_name, is_consumer=True, password=make_password(DEMO_PASSWORD),
                                   preferred_language=case.preferred_language if case.preferred_language in ("en", "es")
                                   else "en")  # fmt: skip
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        ConsumerAccount.objects.create(user=user, case=case)

    def _demo_chat_desk(self):
        """The demo service-center supervisor answers Online Chat, in English and Spanish (the chat console)."""
        from servicecenter.models import ChatStaffProfile

        staff = User.objects.filter(email=f"servicecenter@{DEMO_DOMAIN}").first()
        if staff is not None:
            ChatStaffProfile.objects.get_or_create(
                user=staff, defaults={"shown_name": "Sam R.", "speaks_spanish": True}
            )

    def _demo_extranet(self):
        """The demo manager and agent get extranet accounts (the demo password) and this week's extracts."""
        agents = list(Agent.objects.filter(user__email__in=[f"manager@{DEMO_DOMAIN}", f"agent@{DEMO_DOMAIN}"]))
        week = week_of(timezone.localdate())
        for agent in agents:
            services.set_password(services.account_for(agent), DEMO_PASSWORD, how="demo")
            write_owner_extracts(scope=Extract.Scope.AGENT, owner_ids=[agent.pk], week=week)
        manager = next((agent for agent in agents if agent.user.email.startswith("manager@")), None)
        membership = manager.user.memberships.filter(status="active").first() if manager else None
        if membership is not None:
            write_owner_extracts(scope=Extract.Scope.AGENCY, owner_ids=[membership.agency_id], week=week)

    def _demo_outage(self):
        """A scheduled outage next weekend, as the service center announces them (the banner shows now)."""
        from django.utils import timezone

        today = timezone.localdate()
        saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
        starts = timezone.make_aware(datetime.datetime.combine(saturday, datetime.time(18, 30)))
        OutageNotice.objects.create(
            title_en="CalHEERS maintenance", title_es="Mantenimiento de CalHEERS",
            details_en="New applications, changes and renewals cannot be submitted. Your Book of Business and the "
                       "extranet stay available.",
            details_es="No se pueden enviar solicitudes nuevas, cambios ni renovaciones. Su Cartera de Clientes y "
                       "la extranet siguen disponibles.",
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=35, minutes=30),
        )  # fmt: skip

    def _reset(self):
        OutageNotice.objects.all().delete()
        kept = [model for model in (AuditEvent, Consent) if model.objects.exists()]
        if AuditEvent.objects.filter(actor__email__endswith=f"@{DEMO_DOMAIN}").exists() or Consent in kept:
            if connection.vendor != "sqlite":
                raise CommandError(
                    "The audit log and the consent records name the demo's people and are kept as written here: "
                    "drop and create the database to start again."
                )
            # The development database only (DEBUG): the records of a demo that is thrown away go with it.
            with connection.cursor() as cursor:
                for model in kept:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        ActingOnBehalf.objects.all().delete()
        ConsumerAccount.objects.all().delete()
        Delegation.objects.all().delete()
        ConsumerCase.objects.all().delete()
        Agent.objects.all().delete()
        Agency.objects.all().delete()
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
