"""Realistic synthetic California data for demos, tests and benchmarks.

Deterministic for a seed and an as-of date. Rows are generated as plain tuples and
written with PostgreSQL's COPY (or batched INSERTs on SQLite), with ids assigned
here so related rows can point at each other without reading anything back.
A million cases take a couple of minutes on PostgreSQL.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation

from agencies.models import Agency, AgencyLocation, Membership, OpeningHours
from agents.models import Agent, CertificationChange, Expertise, Language, ProductExpertise
from consumers.models import (
    AccessCode,
    CaseDocument,
    CaseNote,
    ChangeReport,
    ConsumerCase,
    Enrollment,
    FollowUp,
    HouseholdMember,
    Verification,
)
from delegations.models import ActingOnBehalf, Consent, Delegation
from delegations.services import (
    consent_words,
    helper_phrase,
    new_business_attestation,
    staff_consent_words,
    transfer_consent_words,
)
from portal.choices import Language as LanguageCode
from portal.models import MailboxMessage, User
from portal.staff_groups import ensure_staff_groups
from portal.validators import INVALID_FEIN_PREFIXES, california_zip_codes
from portal.words import say, words
from tooling.demo_activity import History, play_today

DEMO_DOMAIN = "demo.agencyportal.test"
DEMO_PASSWORD = "Portal-Demo-2026!"  # noqa: S105 - printed for the demo; never a real account
SERVICE_CENTER_GROUP = "Service center: supervisor"

ISSUERS = {
    "Anthem Blue Cross": ["Pathway EPO", "Pathway HMO", "Pathway PPO"],
    "Blue Shield of California": ["Trio HMO", "PPO", "Tandem PPO"],
    "Kaiser Permanente": ["HMO", "HMO Plus"],
    "Health Net": ["CommunityCare HMO", "Salud HMO y Más", "EnhancedCare PPO"],
    "Molina Healthcare": ["HMO"],
    "L.A. Care Health Plan": ["HMO"],
    "Oscar Health Plan": ["EPO"],
    "Sharp Health Plan": ["HMO"],
    "Valley Health Plan": ["HMO"],
    "Western Health Advantage": ["HMO"],
    "Chinese Community Health Plan": ["HMO"],
    "Aetna CVS Health": ["HMO"],
}
METAL_TIERS = [
    ("bronze", "Bronze 60", 0.30),
    ("silver", "Silver 70", 0.40),
    ("gold", "Gold 80", 0.17),
    ("platinum", "Platinum 90", 0.08),
    ("minimum", "Minimum Coverage", 0.05),
]
TIER_FACTOR = {"bronze": 0.78, "silver": 1.0, "gold": 1.18, "platinum": 1.40, "minimum": 0.62}
CONSUMER_LANGUAGES = [
    ("en", 62),
    ("es", 26),
    ("cmn", 2),
    ("yue", 2),
    ("vi", 2),
    ("ko", 1.5),
    ("tl", 1.5),
    ("hy", 1),
    ("fa", 1),
    ("ru", 0.5),
    ("ar", 0.5),
]
VERIFICATION_KINDS = "income citizenship lawful_presence ssn incarceration mec residency".split()
HOURS_WEEKDAYS = [(0, 9, 17), (1, 9, 17), (2, 9, 17), (3, 9, 17), (4, 9, 17)]


@dataclass
class DemoSignIn:
    role: str
    email: str
    description: str


@dataclass
class DemoResult:
    agencies: int = 0
    agents: int = 0
    cases: int = 0
    delegations: int = 0
    seconds: float = 0.0
    sign_ins: list[DemoSignIn] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)
    access_code: tuple[str, str] | None = None  # (case number, code) a consumer could ask for help with


def demo_sign_ins() -> list[DemoSignIn]:
    """The sign-ins a demo database always has (all with DEMO_PASSWORD)."""
    return [
        DemoSignIn("Agency Manager", f"manager@{DEMO_DOMAIN}", "runs the largest agency; also an agent"),
        DemoSignIn(
            "Admin Staff", f"adminstaff@{DEMO_DOMAIN}", "the largest agency's staff: roster and Book of Business"
        ),
        DemoSignIn("Agent", f"agent@{DEMO_DOMAIN}", "the agent with the biggest book, in the largest agency"),
        DemoSignIn("Agent", f"independent@{DEMO_DOMAIN}", "an agent in no agency"),
        DemoSignIn(
            "Service-center staff", f"servicecenter@{DEMO_DOMAIN}", "Django admin at /admin/, the chat console"
        ),
        DemoSignIn("Consumer", f"consumer@{DEMO_DOMAIN}", "a consumer's own account: My case, Manage delegates"),
    ]


class RowWriter:
    """Writes tuples into a table: COPY on PostgreSQL, batched INSERTs elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def write(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        started = time.monotonic()
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"  # noqa: S608
                batch: list[tuple] = []
                for row in rows:
                    batch.append(tuple(map(self._adapt, row)))
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch.clear()
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        self.seconds[table] = self.seconds.get(table, 0.0) + time.monotonic() - started
        return count

    @staticmethod
    def _adapt(value):
        # The raw SQLite driver knows neither times nor aware datetimes; store them as Django does.
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.time):
            return connection.ops.adapt_timefield_value(value)
        if isinstance(value, datetime.date | Decimal):
            return str(value)
        return value


# Faker's en_US surnames come from census tables that dropped apostrophes and inner capitals ("Obrien",
# "Mcdaniel", "Delacruz"); its es_MX ones start with a lower-case particle ("de la Garza"). Written as people write
# them, and a few more that a Californian book holds.
SURNAMES_AS_WRITTEN = {
    "Obrien": "O'Brien", "Oconnell": "O'Connell", "Oconnor": "O'Connor", "Odonnell": "O'Donnell",
    "Oneal": "O'Neal", "Oneill": "O'Neill", "Ohara": "O'Hara", "Okeefe": "O'Keefe", "Orourke": "O'Rourke",
    "Oshea": "O'Shea", "Otoole": "O'Toole", "Dangelo": "D'Angelo", "Damico": "D'Amico",
    "Macdonald": "MacDonald", "Leblanc": "LeBlanc", "Delacruz": "De la Cruz", "Deleon": "De León",
    "Delarosa": "De la Rosa", "Dejesus": "De Jesús", "Delossantos": "De los Santos", "de la Crúz": "De la Cruz",
}  # fmt: skip
MORE_SURNAMES = (
    "O'Brien", "O'Connor", "McDaniel", "D'Angelo", "De la Cruz", "Ávila", "Núñez", "Peña", "Ibáñez", "St. John",
    "Nguyen", "Tran", "Kim", "Park", "Wong", "Chen", "Singh", "Patel", "Sarkissian", "Petrosyan",
)  # fmt: skip


def as_written(name: str) -> str:
    """A name as people write it: O'Brien, McDaniel, De la Cruz (one space between words)."""
    name = " ".join(name.split())
    name = SURNAMES_AS_WRITTEN.get(name, name)
    if len(name) > 2 and name.startswith("Mc") and name[2].islower():
        name = "Mc" + name[2].upper() + name[3:]
    return name[:1].upper() + name[1:]


def ascii_email_part(*words: str) -> str:
    """Words as the local part of an e-mail address people use: accents transliterated (Núñez → nunez), spaces,
    apostrophes and other punctuation dropped, lower case."""
    import unicodedata

    parts = []
    for word in words:
        plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
        parts.append("".join(char for char in plain.lower() if char.isalnum()))
    return ".".join(part for part in parts if part)


@lru_cache(maxsize=4)
def _name_pools(seed: int) -> tuple[tuple[str, ...], ...]:
    """Names and streets from Faker, drawn once per seed (Faker is slow per call; pools are fast)."""
    from faker import Faker

    fake = Faker(["en_US", "es_MX"])
    fake.seed_instance(seed)
    last_names = {as_written(fake.last_name()) for _ in range(6000)} | set(MORE_SURNAMES)
    return (
        tuple(sorted({as_written(fake.first_name()) for _ in range(3000)})),
        # The names a Californian book holds often (MORE_SURNAMES) drawn about four times as often as another.
        tuple(sorted(last_names)) + MORE_SURNAMES * 3,
        tuple(sorted({fake.street_name() for _ in range(1500)})),
        tuple(sorted({as_written(fake.last_name()) for _ in range(800)})),
    )


# Area codes of California (those the ZIP data gives for places near Nevada, Oregon or Arizona are left out).
CALIFORNIA_AREA_CODES = frozenset(
    "209 213 279 310 323 341 350 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 "
    "805 818 820 831 840 858 909 916 925 949 951".split()
)


@lru_cache(maxsize=1)
def _places() -> tuple[tuple, ...]:
    """Street-address ZIP codes of California with city, county, centroid and the area codes of telephones there
    (of those the offline ZIP data gives, the Californian ones)."""
    places = sorted(
        (
            z
            for z in california_zip_codes().values()
            if z["zip_code_type"] == "STANDARD" and z["county"].endswith(" County")
        ),
        key=lambda z: z["zip_code"],
    )
    return tuple(
        (
            z["zip_code"],
            z["city"].title(),
            z["county"].removesuffix(" County"),
            Decimal(z["lat"]).quantize(Decimal("0.00001")),
            Decimal(z["long"]).quantize(Decimal("0.00001")),
            tuple(code for code in z["area_codes"] if code in CALIFORNIA_AREA_CODES),
        )
        for z in places
        if any(code in CALIFORNIA_AREA_CODES for code in z["area_codes"])
    )


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


def _through(model: type[models.Model], field_name: str) -> tuple[str, str, str]:
    through = model._meta.get_field(field_name).remote_field.through
    source, target = (f.column for f in through._meta.fields if f.is_relation)
    return through._meta.db_table, source, target


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


class DemoBuilder:
    """Builds the demo world. All randomness comes from one seeded generator."""

    def __init__(
        self,
        *,
        agencies: int,
        agents: int,
        consumers: int,
        seed: int,
        as_of: datetime.date,
        largest_agency_agents: int | None = None,
        largest_agency_cases: int | None = None,
        play_today: bool = True,
        history: bool = True,
        verbose: Callable[[str], None] | None = None,
    ):
        if agencies < 1 or agents < agencies + 2 or consumers < 1:
            raise ValueError("Need at least one agency, two more agents than agencies, and one consumer.")
        self.n_agencies, self.n_agents, self.n_consumers = agencies, agents, consumers
        self.agency_name: dict[int, str] = {}
        # By default the largest agency has about 5% of the agents and a tenth of the cases (DESIGN.md's sizes);
        # a demo may ask for more (an agency of 100 agents and 5,000 cases in a world of a few thousand).
        self.largest_agency_agents, self.largest_agency_cases = largest_agency_agents, largest_agency_cases
        # Without history nor today's work the world's people have no audit records (which nobody deletes): a test
        # may then build a world again in the same database.
        self.play_today, self.history = play_today and history, history
        self.domain = DEMO_DOMAIN
        self.independent_office: dict | None = None  # what the independent agent types for their office today
        self.rng = random.Random(seed)
        self.seed = seed
        self.as_of = as_of
        self.now = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time(9, 0)))
        self.writer = RowWriter()
        self.say = verbose or (lambda message: None)
        self._build_pools()

    next_id = staticmethod(_next_id)

    # -- pools ------------------------------------------------------------------------------

    def _build_pools(self) -> None:
        self.first_names, self.last_names, self.street_names, self.company_words = _name_pools(self.seed)
        self.places = _places()
        self.exchanges = [n for n in range(200, 1000) if n % 100 != 11 and n != 555]
        self.plans = [
            (issuer, f"{issuer.split()[0]} {tier_label} {network}", tier)
            for issuer, networks in ISSUERS.items()
            for network in networks
            for tier, tier_label, _ in METAL_TIERS
        ]
        self.plans_by_tier: dict[str, list[tuple[str, str, str]]] = {}
        for plan in self.plans:
            self.plans_by_tier.setdefault(plan[2], []).append(plan)
        self.tier_names = [tier for tier, _, _ in METAL_TIERS]
        self.tier_weights = [weight for _, _, weight in METAL_TIERS]
        self.language_codes = [code for code, _ in CONSUMER_LANGUAGES]
        self.language_weights = [weight for _, weight in CONSUMER_LANGUAGES]

    def _phone(self, place: tuple) -> str:
        """A telephone number of the place (a row of _places): one of its area codes, an exchange that is not
        N11 or 555."""
        rng = self.rng
        exchange = rng.choice(self.exchanges)
        return f"{rng.choice(place[5])}-{exchange}-{rng.randint(0, 9999):04d}"

    def _street(self) -> str:
        return f"{self.rng.randint(10, 19999)} {self.rng.choice(self.street_names)}"

    def _license_numbers(self, count: int) -> list[str]:
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        numbers = []
        for value in self.rng.sample(range(3 * 36 * 100_000), count):
            first, rest = divmod(value, 36 * 100_000)
            second, digits = divmod(rest, 100_000)
            numbers.append(f"{'014'[first]}{alphabet[second]}{digits:05d}")
        return numbers

    # -- the world -------------------------------------------------------------------------

    def build(self) -> DemoResult:
        started = time.monotonic()
        with transaction.atomic():
            self._ensure_service_center_group()
            self._ensure_reference_data()
            self._users_agencies_agents()
            with translation.override("en"):  # the consent records are written in English
                self._cases()
            self._mailbox()
            cases_done = time.monotonic()
            if self.history:
                History(self).write()
            self._reset_sequences()
            history_done = time.monotonic()
            today = (
                play_today(domain=DEMO_DOMAIN, agency_id=self.first_agency, independent_office=self.independent_office)
                if self.play_today
                else {}
            )
            self.say(
                f"  world {cases_done - started:.1f}s, history {history_done - cases_done:.1f}s, "
                f"today's work through the services {time.monotonic() - history_done:.1f}s"
            )
        if self.writer.postgres:
            with connection.cursor() as cursor:
                # ANALYZE as the tables' owner: the portal's role owns none (portal/migrations/0006_...).
                cursor.execute("SELECT portal_refresh_statistics()")
        for table, count in self.writer.counts.items():
            self.say(f"  {table}: {count:,} rows ({self.writer.seconds[table]:.1f}s writing)")
        return DemoResult(
            agencies=self.n_agencies,
            agents=self.n_agents,
            cases=self.n_consumers,
            delegations=self.writer.counts.get(_table(Delegation), 0),
            seconds=time.monotonic() - started,
            sign_ins=demo_sign_ins(),
            rows_by_table=dict(self.writer.counts),
            access_code=today.get("access_code"),
        )

    def _ensure_reference_data(self) -> None:
        """Languages and product expertise come from a data migration; a database emptied since (a test's
        truncation, a hand reset) gets them back, from the same codes."""
        for code in LanguageCode.values:
            Language.objects.get_or_create(code=code)
        for code in Expertise.values:
            ProductExpertise.objects.get_or_create(code=code)

    def _ensure_service_center_group(self) -> None:
        ensure_staff_groups()
        self.service_center_group = Group.objects.get(name=SERVICE_CENTER_GROUP)

    def _users_agencies_agents(self) -> None:
        rng = self.rng
        demo_hash = make_password(DEMO_PASSWORD)
        n_agencies, n_agents = self.n_agencies, self.n_agents
        first_user, first_agency, first_agent = _next_id(User), _next_id(Agency), _next_id(Agent)
        first_location = _next_id(AgencyLocation)

        # Agencies, their locations and hours.
        licenses = self._license_numbers(n_agents + n_agencies)
        agent_licenses, agency_licenses = licenses[:n_agents], licenses[n_agents:]
        valid_prefixes = [f"{p:02d}" for p in range(1, 100) if f"{p:02d}" not in INVALID_FEIN_PREFIXES]
        fein_suffixes = rng.sample(range(10_000_000), n_agencies)
        agency_rows, location_rows, hours_rows = [], [], []
        self.agency_kind: dict[int, str] = {}
        self.agency_locations: dict[int, list[tuple[int, tuple]]] = {}  # (location id, place), main office first
        location_id = first_location
        for i in range(n_agencies):
            agency_id = first_agency + i
            kind = (
                "insurance_agency"
                if i == 0
                else rng.choices(["insurance_agency", "enrollment_entity", "plan_based_enroller"], [80, 15, 5])[0]
            )
            self.agency_kind[agency_id] = kind
            word = rng.choice(self.company_words)
            suffix = {
                "insurance_agency": "Insurance Services",
                "enrollment_entity": "Community Health Center",
                "plan_based_enroller": "Health Plan Enrollment",
            }[kind]
            public = f"{word} {suffix}" if i else "Golden State Insurance Services"
            legal = f"{public}, {'LLC' if rng.random() < 0.6 else 'Inc.'}"
            status = "certified" if i == 0 or rng.random() < 0.93 else rng.choice(["pending", "suspended"])
            certified_on = (
                self.as_of - datetime.timedelta(days=rng.randint(30, 2000)) if status == "certified" else None
            )
            # The main office's place first: the agency's telephone is one of that city's.
            places = [
                rng.choice(self.places) for _n in range(3 if i == 0 else rng.choices([1, 2, 3], [60, 30, 10])[0])
            ]
            self.agency_name[agency_id] = public
            agency_rows.append(
                (
                    agency_id,
                    kind,
                    legal,
                    public,
                    f"{valid_prefixes[i % len(valid_prefixes)]}{fein_suffixes[i]:07d}",
                    agency_licenses[i] if kind == "insurance_agency" else "",
                    self._phone(places[0]),
                    f"office{agency_id}@{DEMO_DOMAIN}",
                    status,
                    certified_on,
                    self.as_of + datetime.timedelta(days=rng.randint(20, 1000)) if certified_on else None,
                    False,  # deadline reminders to consumers: each agency's manager opts in
                    self.now,
                    self.now,
                )
            )
            locations = []
            for n, place in enumerate(places):
                zip_code, city, county, lat, lon, _codes = place
                location_rows.append(
                    (
                        location_id,
                        agency_id,
                        f"{city} office" if n else "Main office",
                        self._street(),
                        city,
                        zip_code,
                        county,
                        self._phone(place),
                        lat,
                        lon,
                        True,
                    )
                )
                for weekday, opens, closes in HOURS_WEEKDAYS + ([(5, 10, 14)] if rng.random() < 0.3 else []):
                    hours_rows.append((location_id, weekday, datetime.time(opens), datetime.time(closes)))
                locations.append((location_id, place))
                location_id += 1
            self.agency_locations[agency_id] = locations

        # People: one user per agent, one Admin Staff per agency, service-center staff.
        user_rows, agent_rows, membership_rows, history_rows = [], [], [], []
        self.agents: list[tuple[int, int | None, str]] = []  # (agent id, agency id, certification)
        self.agent_name: dict[int, str] = {}
        self.licenses: dict[int, str] = {}
        self.agent_user: dict[int, tuple[int, str]] = {}  # agent id -> (user id, e-mail)
        self.manager_of: dict[int, tuple[int, str]] = {}  # agency id -> its manager's (user id, e-mail)
        user_id = first_user
        unusable = "!" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=40))
        n_unaffiliated = max(1, n_agents // 10)
        # The largest agency's agents: about one in twenty of the others and its share of the rest, or as many as
        # asked for (the demo's 100-agent agency), chosen among the agents who are not managers nor unaffiliated.
        in_largest: set[int] = set()
        if self.largest_agency_agents is not None:
            others = range(n_agencies + 1, n_agents - n_unaffiliated)
            in_largest = set(rng.sample(others, max(0, min(len(others), self.largest_agency_agents - 2))))
        self.agent_place: dict[int, tuple[int | None, tuple]] = {}  # agent id -> (the location they work at, place)
        for i in range(n_agents):
            agent_id = first_agent + i
            # Agent 0 manages agency 0, agent 1 has the biggest book there, the last is unaffiliated.
            if i < n_agencies:
                agency_id = first_agency + i
            elif i == n_agencies:
                agency_id = first_agency
            elif i >= n_agents - n_unaffiliated:
                agency_id = None
            elif self.largest_agency_agents is not None:
                agency_id = (
                    first_agency if i in in_largest else first_agency + 1 + rng.randrange(max(1, n_agencies - 1))
                )
                agency_id = min(agency_id, first_agency + n_agencies - 1)
            else:
                agency_id = first_agency if rng.random() < 0.05 else first_agency + rng.randrange(n_agencies)
            location_id, place = (
                rng.choice(self.agency_locations[agency_id])
                if agency_id is not None
                else (None, rng.choice(self.places))
            )
            self.agent_place[agent_id] = (location_id, place)
            manager = i < n_agencies
            first, last = rng.choice(self.first_names), rng.choice(self.last_names)
            email = {
                0: f"manager@{DEMO_DOMAIN}",
                n_agencies: f"agent@{DEMO_DOMAIN}",
                n_agents - 1: f"independent@{DEMO_DOMAIN}",
            }.get(i, f"agent{agent_id}@{DEMO_DOMAIN}")
            demo = email.split("@")[0] in ("manager", "agent", "independent")
            user_rows.append(
                (
                    user_id,
                    email,
                    first,
                    last,
                    demo_hash if demo else unusable,
                    False,
                    False,
                    True,
                    self.now,
                    None,
                    "es" if rng.random() < 0.2 else "en",
                )
            )
            kind = {"enrollment_entity": "cec", "plan_based_enroller": "pbe"}.get(
                self.agency_kind.get(agency_id, ""), "agent"
            )
            if manager or demo:
                certification = "certified"
            else:
                certification = rng.choices(
                    "certified pending suspended decertified expired".split(), [88, 5, 2, 2, 3]
                )[0]
            created = self.now - datetime.timedelta(days=rng.randint(60, 2500))
            certified_on = (created + datetime.timedelta(days=rng.randint(3, 30))).date()
            certification_ends = (
                self.as_of - datetime.timedelta(days=rng.randint(1, 300))
                if certification == "expired"
                else self.as_of + datetime.timedelta(days=rng.randint(20, 1000))
            )
            license_expires = self.as_of + datetime.timedelta(days=rng.randint(-20, 720))
            agent_rows.append(
                (
                    agent_id,
                    user_id,
                    kind,
                    first,
                    last,
                    agent_licenses[i],
                    license_expires,
                    email,
                    self._phone(place),
                    *self._biography(first, agency_id, agent_id),
                    True,
                    certification,
                    certified_on if certification != "pending" else None,
                    certification_ends if certification != "pending" else None,
                    "en",
                    created,
                    self.now,
                )
            )
            history_rows.append((agent_id, "", "pending", "added", "", None, created))
            if certification != "pending":
                moment = timezone.make_aware(datetime.datetime.combine(certified_on, datetime.time(10)))
                history_rows.append((agent_id, "pending", "certified", "training_verified", "", None, moment))
                if certification != "certified":
                    history_rows.append(
                        (
                            agent_id,
                            "certified",
                            certification,
                            {
                                "suspended": "license_under_review",
                                "decertified": "agreement_terminated",
                                "expired": "not_renewed",
                            }[certification],
                            "",
                            None,
                            moment + datetime.timedelta(days=400),
                        )
                    )
            if agency_id is not None:
                membership_rows.append(
                    (
                        user_id,
                        agency_id,
                        "manager" if manager else "agent",
                        "active",
                        created.date(),
                        None,
                        False,
                        False,
                        False,
                        False,
                        created,
                        self.now,
                    )
                )
            self.agents.append((agent_id, agency_id, certification))
            self.agent_name[agent_id] = f"{first} {last}"
            self.licenses[agent_id], self.agent_user[agent_id] = agent_licenses[i], (user_id, email)
            if manager:
                self.manager_of[agency_id] = (user_id, email)
            user_id += 1
        for i in range(n_agencies):
            agency_id = first_agency + i
            email = f"adminstaff@{DEMO_DOMAIN}" if i == 0 else f"staff{agency_id}@{DEMO_DOMAIN}"
            first, last = rng.choice(self.first_names), rng.choice(self.last_names)
            user_rows.append(
                (
                    user_id,
                    email,
                    first,
                    last,
                    demo_hash if i == 0 else unusable,
                    False,
                    False,
                    True,
                    self.now,
                    None,
                    "en",
                )
            )
            membership_rows.append(
                (
                    user_id,
                    agency_id,
                    "admin_staff",
                    "active",
                    self.as_of - datetime.timedelta(days=200),
                    None,
                    True,
                    True,
                    True,
                    i != 0,
                    self.now,
                    self.now,
                )
            )
            user_id += 1
        self.service_center_user_id = user_id
        user_rows.append(
            (
                user_id,
                f"servicecenter@{DEMO_DOMAIN}",
                "Sam",
                "Rivera",
                demo_hash,
                True,
                False,
                True,
                self.now,
                None,
                "en",
            )
        )
        self.user_ids = (first_user, user_id)

        w = self.writer
        w.write(
            _table(User),
            "id email first_name last_name password is_staff is_superuser is_active date_joined last_login preferred_language".split(),
            user_rows,
        )
        through, source, target = _through(User, "groups")
        w.write(through, [source, target], [(user_id, self.service_center_group.pk)])
        w.write(
            _table(Agency),
            "id kind legal_name public_name fein license_number phone email certification_status certified_on certification_expires_on remind_consumers created_at updated_at".split(),
            agency_rows,
        )
        w.write(
            _table(AgencyLocation),
            "id agency_id name street city zip_code county phone latitude longitude is_listed".split(),
            location_rows,
        )
        w.write(_table(OpeningHours), ["location_id", "weekday", "opens_at", "closes_at"], hours_rows)
        w.write(
            _table(Agent),
            "id user_id kind first_name last_name license_number license_expires_on email phone biography biography_es is_listed certification_status certified_on certification_expires_on preferred_language created_at updated_at".split(),
            agent_rows,
        )
        w.write(
            _table(CertificationChange),
            "agent_id from_status to_status reason note changed_by_id changed_at".split(),
            history_rows,
        )
        w.write(
            _table(Membership),
            "user_id agency_id role status started_on ended_on can_view_roster can_view_book can_export_book can_edit_account created_at updated_at".split(),
            membership_rows,
        )
        self._agent_links()

    def _biography(self, first: str, agency_id: int | None, agent_id: int) -> tuple[str, str]:
        """The English biography and, for about two agents in five, the Spanish one (drawn apart, so the rest of
        the demo stays the same)."""
        years = self.rng.randint(2, 30)
        focus, focus_es = self.rng.choice(
            [
                ("families", "familias"),
                ("small businesses", "pequeñas empresas"),
                ("self-employed Californians", "californianos que trabajan por su cuenta"),
                ("early retirees", "personas jubiladas antes de tiempo"),
                ("farm workers and their families", "trabajadores del campo y sus familias"),
                ("students", "estudiantes"),
            ]
        )
        english = (
            f"{first} has helped {focus} find coverage for {years} years and explains every option "
            "in plain language, from eligibility for financial help to choosing a plan."
        )
        spanish = ""
        if random.Random(f"{self.seed}-biography-es-{agent_id}").random() < 0.4:
            spanish = (
                f"{first} ayuda a {focus_es} a encontrar cobertura desde hace {years} años y explica cada opción "
                "con palabras sencillas, desde la ayuda financiera hasta la elección de un plan."
            )
        return english, spanish

    def _agent_links(self) -> None:
        rng = self.rng
        languages = dict(Language.objects.values_list("code", "pk"))
        expertise = list(ProductExpertise.objects.order_by("code").values_list("pk", flat=True))
        language_rows, expertise_rows, location_rows = [], [], []
        others = [code for code in sorted(languages) if code not in ("en", "es")]
        for agent_id, _agency, _ in self.agents:
            spoken = {"en"} if rng.random() < 0.92 else set()
            if rng.random() < 0.45 or not spoken:
                spoken.add("es")
            if rng.random() < 0.15:
                spoken.add(rng.choice(others))
            language_rows.extend((agent_id, languages[code]) for code in sorted(spoken) if code in languages)
            expertise_rows.extend((agent_id, pk) for pk in rng.sample(expertise, rng.randint(1, 3)))
            location_id = self.agent_place[agent_id][0]
            if location_id is not None:
                location_rows.append((agent_id, location_id))
        w = self.writer
        for field_name, rows in (
            ("languages", language_rows),
            ("product_expertise", expertise_rows),
            ("subsite_locations", location_rows),
        ):
            through, source, target = _through(Agent, field_name)
            w.write(through, [source, target], rows)

    def _cases(self) -> None:
        rng = self.rng
        n = self.n_consumers
        first_case = self.first_case = _next_id(ConsumerCase)
        first_member = _next_id(HouseholdMember)
        first_enrollment = _next_id(Enrollment)
        self.next_verification, self.next_delegation = _next_id(Verification), _next_id(Delegation)
        self.transfers: list[tuple] = []  # (when, agency, from agent, to agent, case number): audited afterwards
        first_agency = self.first_agency = min(agency for _, agency, _ in self.agents if agency is not None)
        certified = [(a, agency) for a, agency, status in self.agents if status == "certified"]
        big_agency = [(a, agency) for a, agency in certified if agency == first_agency]
        self.certified_in: dict[int, list[int]] = {}  # agency -> its certified agents, for transfers within it
        for a, agency in certified:
            if agency is not None:
                self.certified_in.setdefault(agency, []).append(a)
        # Of the cases not given to the biggest agent, the share routed to the largest agency: a tenth (every tenth
        # case), or what makes about `largest_agency_cases` of them its, counting those its agents draw at random.
        self.routed_share = None
        if self.largest_agency_cases is not None and big_agency:
            drawn = len(big_agency) / len(certified)
            wanted = min(1.0, self.largest_agency_cases / n)
            self.routed_share = max(0.0, min(1.0, (wanted - drawn) / (1 - drawn))) if drawn < 1 else 1.0
        big_agent = next(a for a in self.agents if a[1] == first_agency and a[0] != self.agents[0][0])
        big_agent = (big_agent[0], big_agent[1])
        case_numbers = rng.sample(range(1_000_000_000, 10_000_000_000), n)
        plan_year = self.as_of.year
        year_start = datetime.date(plan_year, 1, 1)
        year_end = datetime.date(plan_year, 12, 31)

        case_rows: list[tuple] = []
        member_rows: list[tuple] = []
        enrollment_rows: list[tuple] = []
        verification_rows: list[tuple] = []
        delegation_rows: list[tuple] = []
        consent_rows: list[tuple] = []
        self.next_consent = _next_id(Consent)
        self.consent_words: dict[tuple, str] = {}  # the words of a helper's consent, made once a helper
        member_id = first_member
        enrollment_id = first_enrollment

        def rows() -> Iterator[None]:
            nonlocal member_id, enrollment_id
            for i in range(n):
                case_id = first_case + i
                first, last = rng.choice(self.first_names), rng.choice(self.last_names)
                age = rng.randint(19, 64)
                born = self.as_of - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
                place = rng.choice(self.places)
                zip_code, city, county, _, _, _ = place
                language = rng.choices(self.language_codes, self.language_weights)[0]
                household = rng.choices([0, 1, 2, 3, 4], [38, 27, 18, 12, 5])[0]
                aptc_max = Decimal(rng.choice([0, 0, 0, rng.randint(50, 1400)])).quantize(Decimal("0.01"))
                csr = rng.choices(["none", "94", "87", "73", "zero", "limited"], [64, 12, 10, 11, 1, 2])[0]
                case_rows.append(
                    (
                        case_id,
                        f"{case_numbers[i]:010d}",
                        first,
                        last,
                        born,
                        f"{ascii_email_part(first, last)}{rng.randint(1, 999)}@example.com"
                        if rng.random() < 0.85
                        else "",
                        self._phone(place),
                        self._street(),
                        city,
                        zip_code,
                        county,
                        language,
                        aptc_max,
                        csr,
                        rng.choices(["not_started", "in_progress", "renewed", "not_renewing"], [45, 25, 25, 5])[0],
                        enrollment_id,  # the current plan year's enrollment, written just below
                        self.now,
                        self.now,
                    )
                )
                for m in range(household):
                    relationship = "spouse" if m == 0 and rng.random() < 0.7 else "child"
                    member_age = max(0, age + rng.randint(-5, 5)) if relationship == "spouse" else rng.randint(0, 25)
                    member_rows.append(
                        (
                            member_id,
                            case_id,
                            rng.choice(self.first_names),
                            last,
                            self.as_of - datetime.timedelta(days=member_age * 365 + rng.randint(0, 364)),
                            relationship,
                            rng.random() < 0.9,
                        )
                    )
                    member_id += 1
                tier = rng.choices(self.tier_names, self.tier_weights)[0]
                issuer, plan_name, _ = rng.choice(self.plans_by_tier[tier])
                premium = Decimal(int((260 + age * 11.5) * TIER_FACTOR[tier] * (1 + household * 0.85)))
                aptc = min(premium, aptc_max)
                start = year_start if rng.random() < 0.8 else datetime.date(plan_year, rng.randint(2, 11), 1)
                status = rng.choices(["effectuated", "pending", "terminated", "cancelled"], [84, 6, 7, 3])[0]
                end = (
                    year_end
                    if status != "terminated"
                    else max(start, self.as_of - datetime.timedelta(days=rng.randint(1, 60)))
                )
                enrollment_rows.append(
                    (enrollment_id, case_id, plan_year, issuer, plan_name, tier, premium, aptc, start, end, status)
                )
                enrollment_id += 1
                if rng.random() < 0.3:
                    enrollment_id += 1
                    enrollment_rows.append(
                        (
                            enrollment_id - 1,
                            case_id,
                            plan_year - 1,
                            issuer,
                            plan_name,
                            tier,
                            premium - 25 if premium > 25 else premium,
                            min(aptc, premium - 25 if premium > 25 else premium),
                            datetime.date(plan_year - 1, 1, 1),
                            datetime.date(plan_year - 1, 12, 31),
                            "effectuated",
                        )
                    )
                if rng.random() < 0.25:
                    for _ in range(rng.choice([1, 1, 2])):
                        due = self.as_of + datetime.timedelta(days=rng.randint(-30, 90))
                        v_status = rng.choices(["open", "submitted", "verified", "expired"], [55, 20, 20, 5])[0]
                        resolved = (
                            due - datetime.timedelta(days=rng.randint(1, 20)) if v_status == "verified" else None
                        )
                        verification_rows.append(
                            (self.next_verification, case_id, None, rng.choice(VERIFICATION_KINDS), v_status, due,
                             resolved)
                        )  # fmt: skip
                        self.next_verification += 1
                self._delegations_for(
                    case_id,
                    f"{case_numbers[i]:010d}",
                    i,
                    delegation_rows,
                    certified,
                    big_agency,
                    big_agent,
                    applicant=f"{first} {last}",
                    consents=consent_rows,
                )
                if i % 10_000 == 9_999:
                    yield

        # Generate in slices so memory stays flat while each table is written by COPY.
        w = self.writer
        generator = rows()
        done = False
        while not done:
            try:
                next(generator)
            except StopIteration:
                done = True
            w.write(
                _table(ConsumerCase),
                "id case_number first_name last_name date_of_birth email phone street city zip_code county preferred_language max_aptc cost_sharing_level renewal_status current_enrollment_id created_at updated_at".split(),
                case_rows,
            )
            w.write(
                _table(HouseholdMember),
                "id case_id first_name last_name date_of_birth relationship seeks_coverage".split(),
                member_rows,
            )
            w.write(
                _table(Enrollment),
                "id case_id plan_year issuer plan_name metal_tier monthly_premium aptc coverage_start coverage_end status".split(),
                enrollment_rows,
            )
            w.write(
                _table(Verification),
                "id case_id household_member_id kind status due_date resolved_on".split(),
                verification_rows,
            )
            w.write(
                _table(Delegation),
                "id case_id agent_id agency_id status origin requested_at started_at ended_at end_reason decline_reason note transferred_from_id".split(),
                delegation_rows,
            )
            w.write(
                _table(Consent),
                "id delegation_id case_id agent_id agency_id channel consented_by consented_at recorded_at recorded_by_id attested language covers continues_id".split(),
                consent_rows,
            )
            for batch in (case_rows, member_rows, enrollment_rows, verification_rows, delegation_rows, consent_rows):
                batch.clear()

    def _delegations_for(self, case_id, case_number, i, out, certified, big_agency, big_agent, *, applicant,
                         consents) -> None:  # fmt: skip
        """A case's delegations: sometimes an earlier helper (who gave the case to a colleague of their agency, as
        a transfer does, or whom the consumer asked to remove) or a declined request, then the present one; each
        with its consent record, as the portal records them."""
        rng, now = self.rng, self.now
        hours, days = datetime.timedelta(hours=1), datetime.timedelta(days=1)
        consent_of: dict[int, tuple] = {}  # this case's delegations -> their consent's id and date, and agent

        def row(agent_id, agency_id, status, origin, requested, started=None, ended=None, end_reason="", declined="",
                transferred_from=None) -> int:  # fmt: skip
            delegation_id = self.next_delegation
            self.next_delegation += 1
            out.append((delegation_id, case_id, agent_id, agency_id, status, origin, requested, started, ended,
                        end_reason, declined, "", transferred_from))  # fmt: skip
            consent_of[delegation_id] = self._consent(
                consents, delegation_id, case_id, agent_id, agency_id, origin, requested, applicant,
                consent_of.get(transferred_from),
            )  # fmt: skip
            return delegation_id

        # The biggest agent holds one case in 200 (5,000 of 1,000,000), their agency a tenth (or its asked share).
        routed = (
            i % 10 == 1 if self.routed_share is None else int((i + 1) * self.routed_share) > int(i * self.routed_share)
        )
        if i % 200 == 0:
            agent_id, agency_id = big_agent
        elif routed and big_agency:
            agent_id, agency_id = big_agency[(i // 10) % len(big_agency)]
        else:
            agent_id, agency_id = certified[rng.randrange(len(certified))]
        requested = now - rng.randint(1, 1500) * days - rng.randint(0, 600) * datetime.timedelta(minutes=1)
        started = min(requested + rng.randint(0, 96) * hours, now)
        origin = rng.choices(["find_local_help", "new_business", "access_code", "staff"], [45, 35, 12, 2])[0]
        transferred_from = None
        if rng.random() < 0.10:
            earlier_origin = rng.choice(["find_local_help", "new_business"])
            colleagues = [a for a in self.certified_in.get(agency_id, ()) if a != agent_id]
            if colleagues and rng.random() < 0.6:
                # Transferred within the agency by its manager: the earlier delegation ended as the present began.
                giver = rng.choice(colleagues)
                moved = requested
                requested = moved - rng.randint(30, 700) * days
                transferred_from = row(giver, agency_id, "ended", earlier_origin, requested,
                                       requested + rng.randint(1, 72) * hours, moved, "transferred")  # fmt: skip
                requested = started = moved
                origin = "transfer"
                self.transfers.append((moved, agency_id, giver, agent_id, case_number))
            else:
                # The consumer asked to remove the earlier helper, then found this one.
                earlier_agent, earlier_agency = certified[rng.randrange(len(certified))]
                earlier = requested - rng.randint(30, 700) * days
                row(earlier_agent, earlier_agency, "ended", earlier_origin, earlier,
                    earlier + rng.randint(1, 72) * hours, requested, "consumer_request")  # fmt: skip
        if rng.random() < 0.04 and transferred_from is None:
            declined_agent, declined_agency = certified[rng.randrange(len(certified))]
            declined_at = requested - rng.randint(1, 20) * days
            row(declined_agent, declined_agency, "declined", "find_local_help", declined_at - 2 * days, None, declined_at,
                declined="Outside the area I serve")  # fmt: skip
        roll = rng.random() if i % 200 else 0.0
        if roll < 0.82 or (transferred_from is not None and roll < 0.88):
            row(agent_id, agency_id, "active", origin, requested, started, transferred_from=transferred_from)
        elif roll < 0.88:
            row(
                agent_id,
                agency_id,
                "pending",
                "find_local_help",
                now - rng.randint(0, 14 * 24 * 60) * datetime.timedelta(minutes=1),
            )
        else:
            # The consumer removed their helper; the case waits for a new one.
            ended = min(started + rng.randint(30, 400) * days, now - hours)
            row(agent_id, agency_id, "ended", origin, requested, started, max(ended, started), "consumer_request",
                transferred_from=transferred_from)  # fmt: skip

    def _consent(self, out, delegation_id, case_id, agent_id, agency_id, origin, at, applicant,
                 continued) -> tuple[int, datetime.datetime, int]:  # fmt: skip
        """One delegation's consent record, in English, in the words the portal shows (delegations.services)."""
        consent_id = self.next_consent
        self.next_consent += 1
        channel, consented_by, consented_at, recorded_by, attested, continues = (
            origin,
            applicant,
            at,
            None,
            False,
            None,
        )
        helper = self.agent_name[agent_id]
        if origin == "transfer" and continued is not None:
            continues, consented_at, giver = continued
            manager = self.manager_of.get(agency_id)
            recorded_by = manager[0] if manager else None
            covers = transfer_consent_words(
                by=manager[1] if manager else "", agency=self.agency_name[agency_id],
                giver=self.agent_name[giver], to=helper, at=at,
                consented_at=consented_at,
            )  # fmt: skip
        else:
            if origin == "transfer":
                channel = "history"
            key = (origin, agent_id)
            covers = self.consent_words.get(key)
            if covers is None:
                named = helper_phrase(helper, self.agency_name.get(agency_id))
                covers = self.consent_words[key] = {
                    "new_business": new_business_attestation(),
                    "staff": staff_consent_words(named, "the Agent Service Center"),
                }.get(origin) or consent_words(named)
            if origin == "new_business":
                attested, recorded_by = True, self.agent_user[agent_id][0]
        out.append((consent_id, delegation_id, case_id, agent_id, agency_id, channel, consented_by, consented_at, at,
                    recorded_by, attested, "en", covers, continues))  # fmt: skip
        return consent_id, consented_at, agent_id

    def _mailbox(self) -> None:
        """A few of the portal's own messages, kept in the catalogue's words as notify() keeps them (so they read
        in Spanish to whoever reads the portal in Spanish)."""
        manager_id = User.objects.get(email=f"manager@{DEMO_DOMAIN}").pk
        agent_id = User.objects.get(email=f"agent@{DEMO_DOMAIN}").pk
        day = datetime.timedelta(days=1)
        messages = [
            (manager_id, words("Welcome to the Agency Portal"),
             words("Your agency's roster, Book of Business and account are in the menu above. Call the Agent Service "
                   "Center at %(phone)s with any question.", phone=settings.PORTAL_AGENT_SERVICE_CENTER_PHONE),
             self.now, None),
            (manager_id, words("Scheduled maintenance this weekend"),
             words("The portal is unavailable Saturday 6:30 p.m. through Monday 6:00 a.m. while it is updated."),
             self.now - 3 * day, self.now - 2 * day),
            (agent_id, words("You have new delegation requests"),
             words("Consumers asked for your help through Find Local Help. Review them under My Delegations."),
             self.now, None),
        ]  # fmt: skip
        MailboxMessage.objects.bulk_create(
            MailboxMessage(recipient_id=recipient, subject=say(subject, "en"), body=say(body, "en"),
                           words={"subject": subject.to_json(), "body": body.to_json()},
                           created_at=created, read_at=read)
            for recipient, subject, body, created, read in messages
        )  # fmt: skip

    def _reset_sequences(self) -> None:
        sql = connection.ops.sequence_reset_sql(
            no_style(),
            [
                User,
                Agency,
                AgencyLocation,
                OpeningHours,
                Agent,
                CertificationChange,
                Membership,
                ConsumerCase,
                HouseholdMember,
                Enrollment,
                Verification,
                Delegation,
                Consent,
                MailboxMessage,
                AccessCode,
                ActingOnBehalf,
                CaseDocument,
                CaseNote,
                ChangeReport,
                FollowUp,
                # Not the audit log: its rows take their ids from its sequence, which the portal may not set back.
            ],
        )
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
