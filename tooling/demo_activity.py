"""The work people did in the demo world: documents uploaded, changes reported, notes and follow-ups, access codes,
transfers, managers acting on behalf of their agents, each with its audit record.

Two parts. The history (`write_history`) is written in bulk, dated over the months before the as-of day, row for row
as the services write them (the same columns, the same audit actions and details), since a service call per row
would take minutes on a large world. Then a few things happen today through the services themselves
(`play_today`): the demo manager transfers cases to the demo agent, acts on the agent's behalf to upload a document,
write a note and add a follow-up, and stops; the agent reports a change and writes a note; the service center gives
a consumer an access code.
"""

from __future__ import annotations

import datetime
import json
import struct
import zlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q
from django.utils import timezone

from agencies.models import AgencyLocation, OpeningHours
from agents.models import Agent
from consumers.models import AccessCode, CaseDocument, CaseNote, ChangeReport, ConsumerCase, FollowUp, Verification
from delegations.models import ActingOnBehalf, Delegation
from portal.changes import of_model, what_changed
from portal.models import AuditEvent
from portal.uploads import sha256_of

# A large world gets its history on this many of its active cases at most (the largest agency's first), and
# documents (files to write) for this many of their submitted or verified items.
HISTORY_CASES = 25_000
DOCUMENTS = 600

DOCUMENT_KIND = {
    "income": "income",
    "citizenship": "citizenship",
    "lawful_presence": "citizenship",
    "ssn": "identity",
    "residency": "residency",
    "mec": "other",
    "incarceration": "other",
}
# What people upload for each kind of item: the file's name and whether it is a photo (PNG) or a PDF.
DOCUMENT_NAMES = {
    "income": [("Pay stubs October.pdf", False), ("2025 W-2.pdf", False), ("Profit and loss statement.pdf", False),
               ("EDD benefits letter.pdf", False), ("paystub_photo.png", True)],
    "citizenship": [("Passport.png", True), ("Naturalization certificate.pdf", False), ("birth certificate.png", True)],
    "lawful_presence": [("Permanent resident card.png", True), ("I-94.pdf", False), ("Work permit.png", True)],
    "ssn": [("Social Security card.png", True), ("SSA letter.pdf", False)],
    "residency": [("Utility bill.pdf", False), ("Lease agreement.pdf", False), ("DMV address change.png", True)],
    "mec": [("Employer coverage letter.pdf", False), ("Medi-Cal notice.pdf", False)],
    "incarceration": [("Release letter.pdf", False)],
}  # fmt: skip
NOTES_EN = [
    "Called the consumer; left a voicemail about the income document.",
    "Consumer will bring two recent pay stubs on Friday.",
    "Explained the difference between Silver 70 and Silver 94 with cost-sharing reductions.",
    "Household expects a new baby in the spring; reminded them to report it within 60 days.",
    "Consumer asked about dental coverage for the children; sent the options by mail.",
    "Reviewed the renewal notice together. They want to keep the same plan and doctor.",
    "Spouse started a job with employer coverage; check whether it is affordable before changing anything.",
    "Uploaded the document the consumer brought in; waiting for the marketplace to verify it.",
    "Consumer prefers calls after 5 p.m. on weekdays.",
    "Income went down after seasonal work ended; reported the change and the APTC went up.",
    "Moved to a new apartment in the same county; new address reported.",
    "Asked the consumer to sign the consent form at the next visit.",
]
NOTES_ES = [
    "Llamé a la consumidora; dejé un mensaje sobre el comprobante de ingresos.",
    "El consumidor traerá sus dos últimos talones de pago el viernes.",
    "Revisamos juntos el aviso de renovación; quieren conservar el mismo plan.",
    "Prefiere que le llamen por la tarde, después de las 5.",
]
FOLLOW_UPS = [
    "Call about the missing pay stub",
    "Check that the income document was accepted",
    "Confirm the new address with the consumer",
    "Renewal appointment: compare plans for next year",
    "Send the plan comparison by mail",
    "Ask for the employer coverage letter",
    "Check the new APTC after the income change",
    "Remind the household about the document due date",
]


@dataclass
class Held:
    """An active case of the history's scope and who holds it."""

    delegation_id: int
    case_id: int
    case_number: str
    agent_id: int
    agency_id: int | None
    origin: str
    requested_at: datetime.datetime
    started_at: datetime.datetime
    phone: str
    street: str
    city: str
    zip_code: str
    county: str
    language: str


# -- small real files the upload check accepts ---------------------------------------------------------------


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF with these lines of (ASCII) text."""
    escaped = [line.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
               for line in lines]  # fmt: skip
    text = b"BT /F1 14 Tf 72 720 Td 18 TL " + b" ".join(b"(" + line + b") Tj T*" for line in escaped) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_png(number: int, width: int = 48, height: int = 30) -> bytes:
    """A valid small RGB PNG: a card-like picture whose colours depend on `number` (so each file differs)."""
    r, g, b = (number * 53) % 200 + 40, (number * 97) % 200 + 40, (number * 31) % 200 + 40
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            border = x < 2 or y < 2 or x >= width - 2 or y >= height - 2
            stripe = 6 <= y < 9 or (14 <= y < 16 and 20 <= x < 42)
            row += bytes((30, 30, 30)) if border or stripe else bytes((r, g, b))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def document_content(number: int, name: str, photo: bool, case_number: str) -> tuple[bytes, str, str]:
    """The bytes, content type and extension of a demo document (as portal.uploads.check_upload reads them)."""
    if photo:
        return tiny_png(number), "image/png", ".png"
    title = name.rsplit(".", 1)[0]
    return (
        tiny_pdf([title, f"Case {case_number}", f"Demo document {number}", "Synthetic data for the demo."]),
        ("application/pdf"),
        ".pdf",
    )


# -- the history, in bulk ------------------------------------------------------------------------------------


class History:
    """Writes the history of the builder's world (tooling.demo_data.DemoBuilder), after its cases."""

    def __init__(self, builder):
        self.b = builder
        self.rng = builder.rng
        self.now = builder.now
        self.events: list[tuple] = []
        self.types = {model: ContentType.objects.get_for_model(model).pk
                      for model in (ConsumerCase, Agent, Delegation, AgencyLocation)}  # fmt: skip
        self.service_center = (builder.service_center_user_id, f"servicecenter@{builder.domain}")

    # Audit events as portal.audit.record writes them outside a request: no address, no browser.
    def event(self, when, action, actor, obj_type, obj_id, label, details, on_behalf_of=None) -> None:
        actor_id, actor_label = actor if actor else (None, "")
        self.events.append((when, action, actor_id, actor_label, on_behalf_of, self.types[obj_type], str(obj_id),
                            label[:200], None, "", json.dumps(details, cls=DjangoJSONEncoder)))  # fmt: skip

    def moment_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        seconds = max(0, int((end - start).total_seconds()))
        return start + datetime.timedelta(seconds=self.rng.randint(0, seconds))

    def who(self, held: Held, manager_share: float = 0.2) -> tuple[int, str]:
        """Who did something on the case: its helper, or now and then the agency's manager."""
        manager = self.b.manager_of.get(held.agency_id)
        if manager and self.rng.random() < manager_share:
            return manager
        return self.b.agent_user[held.agent_id]

    def write(self) -> None:
        scope = self._scope()
        by_agent: dict[int, list[Held]] = {}
        for held in scope:
            by_agent.setdefault(held.agent_id, []).append(held)
        self._own_offices()
        self._access_codes(scope)
        self._transfers()
        self._change_reports(scope)
        self._notes_and_follow_ups(scope)
        self._documents(scope)
        self._acting(by_agent)
        self.b.writer.write(
            AuditEvent._meta.db_table,
            "created_at action actor_id actor_label on_behalf_of_id object_type_id object_id object_label client_ip "
            "user_agent details".split(),
            sorted(self.events, key=lambda row: row[0]),
        )

    def _own_offices(self) -> None:
        """About half of the certified agents in no agency have their own office, where Find Local Help finds them,
        as agents.services.save_own_office saves one (placed at its ZIP code, with hours, a subsite of theirs, audited
        as the agent's). The demo's independent agent saves theirs through the service today (play_today): the
        builder keeps what they type in `independent_office`."""
        rng, b = self.rng, self.b
        alone = [agent for agent, agency, status in b.agents if agency is None and status == "certified"]
        people = {pk: (first, last) for pk, first, last in
                  Agent.objects.filter(pk__in=alone).values_list("pk", "first_name", "last_name")}  # fmt: skip
        location_id = b.next_id(AgencyLocation)
        location_rows, hours_rows, subsite_rows = [], [], []
        for agent in alone:
            user_id, email = b.agent_user[agent]
            place = b.agent_place[agent][1]
            zip_code, city, county, lat, lon, _codes = place
            first, last = people[agent]
            office = {"name": rng.choice([f"{first} {last} Insurance", f"{last} Insurance Services",
                                          f"{last} Health Coverage"]),
                      "street": b._street(), "city": city, "zip_code": zip_code, "county": county,
                      "phone": b._phone(place), "is_listed": True}  # fmt: skip
            if email == f"independent@{b.domain}":
                b.independent_office = office
                continue
            if rng.random() < 0.5:
                continue
            location_rows.append((location_id, None, user_id, office["name"], office["street"], city, zip_code, county,
                                  office["phone"], lat, lon, True))  # fmt: skip
            for weekday, opens, closes in [(0, 9, 17), (1, 9, 17), (2, 9, 17), (3, 9, 17)][: rng.randint(2, 4)]:
                hours_rows.append((location_id, weekday, datetime.time(opens), datetime.time(closes)))
            subsite_rows.append((agent, location_id))
            when = self.now - datetime.timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 600))
            self.event(when, "agency.location_changed", (user_id, email), AgencyLocation, location_id,
                       f"location {office['name']}", {})  # fmt: skip
            location_id += 1
        w = b.writer
        w.write(AgencyLocation._meta.db_table,
                "id agency_id owner_id name street city zip_code county phone latitude longitude is_listed".split(),
                location_rows)  # fmt: skip
        w.write(OpeningHours._meta.db_table, ["location_id", "weekday", "opens_at", "closes_at"], hours_rows)
        from tooling.demo_data import _through

        table, source, target = _through(Agent, "subsite_locations")
        w.write(table, [source, target], subsite_rows)

    def _scope(self) -> list[Held]:
        """The active cases the history is written on: all of a small world's, the largest agency's (and the demo
        agents') first in a large one."""
        active = Delegation.objects.filter(status=Delegation.Status.ACTIVE, case_id__gte=self.b.first_case)
        if active.count() > HISTORY_CASES:
            demo_agents = [agent for agent, (_user, email) in self.b.agent_user.items() if email.split("@")[0] in
                           ("manager", "agent", "independent")]  # fmt: skip
            active = active.filter(Q(agency_id=self.b.first_agency) | Q(agent_id__in=demo_agents))
        rows = active.order_by("case_id").values_list(
            "pk", "case_id", "case__case_number", "agent_id", "agency_id", "origin", "requested_at", "started_at",
            "case__phone", "case__street", "case__city", "case__zip_code", "case__county", "case__preferred_language",
        )[:HISTORY_CASES]  # fmt: skip
        return [Held(*row) for row in rows]

    def _access_codes(self, scope: list[Held]) -> None:
        """The codes service-center staff gave the consumers who delegated with one (used on the day they asked),
        hashed as generate_access_code hashes them (one hash of a random code, reused: argon2 is slow on purpose, and
        a used code never works again)."""
        from consumers.admin import IdentityCheckForm

        rng = self.rng
        code_hash = make_password("".join(rng.choices("ABCDEFGHJKMNPQRSTUVWXYZ23456789", k=8)))
        optional = [name for name in IdentityCheckForm.CHECKS if name not in IdentityCheckForm.REQUIRED]
        rows = []
        for held in scope:
            if held.origin != Delegation.Origin.ACCESS_CODE:
                continue
            created = held.requested_at - datetime.timedelta(days=rng.randint(0, 9), minutes=rng.randint(20, 600))
            checks = dict.fromkeys([*IdentityCheckForm.REQUIRED, *rng.sample(optional, rng.choice([2, 3]))], True)
            rows.append((held.case_id, code_hash, self.service_center[0], created,
                         created + datetime.timedelta(days=30), held.requested_at, json.dumps(checks)))  # fmt: skip
            label = f"case {held.case_number}"
            license = self.b.licenses[held.agent_id]
            self.event(created, "access_code.generated", self.service_center, ConsumerCase, held.case_id, label,
                       {"checks": sorted(checks)})  # fmt: skip
            self.event(held.requested_at, "access_code.used", None, ConsumerCase, held.case_id, label,
                       {"agent": license})  # fmt: skip
            self.event(held.requested_at, "delegation.requested", None, Delegation, held.delegation_id,
                       f"delegation #{held.delegation_id} of case {held.case_number}", {"agent": license})  # fmt: skip
        self.b.writer.write(
            AccessCode._meta.db_table,
            "case_id code_hash created_by_id created_at expires_at used_at identity_checks".split(),
            rows,
        )

    def _transfers(self) -> None:
        """Each transfer the world's delegations show (ended as transferred, the next linked to it), audited as
        delegations.services.move_delegations audits one: by the agency's manager, on the agent who gave it."""
        for when, agency_id, giver, taker, case_number in self.b.transfers:
            manager = self.b.manager_of.get(agency_id)
            before, after = self.b.licenses[giver], self.b.licenses[taker]
            self.event(when, "delegation.transferred", manager, Agent, giver, f"agent {before}",
                       {"to_agent": after, "from_agent": before, "cases": [case_number],
                        "changes": what_changed(Delegation, {"agent": before}, {"agent": after})})  # fmt: skip

    def _change_reports(self, scope: list[Held]) -> None:
        """Changes reported on about one case in twelve, as consumers.services.report_change keeps them (the case
        already holds the new address or phone)."""
        rng, rows = self.rng, []
        latest = self.now - datetime.timedelta(hours=1)
        for held in scope:
            if rng.random() >= 0.08 or held.started_at >= latest:
                continue
            kind = rng.choices(["address", "phone", "income", "household"], [35, 25, 30, 10])[0]
            when = self.moment_between(held.started_at, latest)
            effective = (when - datetime.timedelta(days=rng.randint(0, 20))).date()
            if kind == "address":
                details = {"street": held.street, "city": held.city, "zip_code": held.zip_code, "county": held.county}
            elif kind == "phone":
                details = {"phone": held.phone}
            elif kind == "income":
                details = {"annual_income": f"{rng.randrange(18_000, 96_000, 500)}.00"}
            else:
                details = {"household": rng.choice(["A baby was born.", "The spouse moved out.",
                                                     "An adult child joined the household.", "Marriage."])}  # fmt: skip
            fields = ChangeReport.FIELDS[kind]
            before = {field: f"earlier {field}" if field in details and kind in ("address", "phone") else None
                      for field in fields}  # fmt: skip
            changes = what_changed(ConsumerCase, before, {field: details[field] for field in fields})
            details["effective_on"] = effective.isoformat()
            who = self.who(held)
            rows.append((held.case_id, kind, json.dumps(details), who[0], when))
            self.event(when, "case.change_reported", who, ConsumerCase, held.case_id, f"case {held.case_number}",
                       {"kind": kind, "changes": changes})  # fmt: skip
        self.b.writer.write(
            ChangeReport._meta.db_table, "case_id kind details reported_by_id reported_at".split(), rows
        )

    def _notes_and_follow_ups(self, scope: list[Held]) -> None:
        """Notes on about one case in six and follow-ups on one in eight, kept with the case's holder (its agency, or
        the independent agent); some follow-ups done. The demo manager and agent have follow-ups due this week."""
        rng, b = self.rng, self.b
        latest = self.now - datetime.timedelta(hours=1)
        note_rows, follow_up_rows = [], []
        note_id, follow_up_id = b.next_id(CaseNote), b.next_id(FollowUp)
        demo_users = {user for user, email in b.agent_user.values() if email.split("@")[0] in ("manager", "agent")}
        forced: dict[int, int] = {}
        for held in scope:
            if held.started_at >= latest:
                continue
            label = f"case {held.case_number}"
            for _n in range(rng.choice([1, 1, 2, 3]) if rng.random() < 0.18 else 0):
                who = self.who(held, 0.25)
                when = self.moment_between(held.started_at, latest)
                notes = NOTES_ES if held.language == "es" and rng.random() < 0.5 else NOTES_EN
                note_rows.append(
                    (note_id, held.case_id, held.agency_id, held.agent_id, who[0], rng.choice(notes), when)
                )
                self.event(when, "case.note_added", who, ConsumerCase, held.case_id, label, {"note": note_id})
                note_id += 1
            holder_user = b.agent_user[held.agent_id][0]
            due_this_week = holder_user in demo_users and forced.get(holder_user, 0) < 4
            if not (due_this_week or rng.random() < 0.12):
                continue
            owner = self.who(held, 0.15) if not due_this_week else b.agent_user[held.agent_id]
            if due_this_week:
                due = b.as_of + datetime.timedelta(days=(-2, 0, 3, 6)[forced.get(holder_user, 0)])
                forced[holder_user] = forced.get(holder_user, 0) + 1
            else:
                due = b.as_of + datetime.timedelta(days=rng.randint(-12, 40))
            added_by = self.who(held, 0.3)
            start = max(held.started_at, self.now - datetime.timedelta(days=45))
            end = min(latest, timezone.make_aware(datetime.datetime.combine(due, datetime.time(8))))
            if end <= start:
                start = end = min(latest, max(held.started_at, end))
            added = self.moment_between(start, end)
            done = not due_this_week and rng.random() < 0.3
            done_at = self.moment_between(added, latest) if done else None
            follow_up_rows.append((follow_up_id, held.case_id, held.agency_id, held.agent_id, owner[0], due,
                                   rng.choice(FOLLOW_UPS), done_at, owner[0] if done else None, added_by[0], added))  # fmt: skip
            self.event(added, "case.follow_up_added", added_by, ConsumerCase, held.case_id, label,
                       {"follow_up": follow_up_id, "owner": owner[0], "due_date": due.isoformat()})  # fmt: skip
            if done:
                self.event(done_at, "case.follow_up_done", owner, ConsumerCase, held.case_id, label,
                           {"follow_up": follow_up_id})  # fmt: skip
            follow_up_id += 1
        b.writer.write(CaseNote._meta.db_table, "id case_id agency_id helper_id author_id body created_at".split(),
                       note_rows)  # fmt: skip
        b.writer.write(
            FollowUp._meta.db_table,
            "id case_id agency_id helper_id owner_id due_date text done_at done_by_id created_by_id created_at".split(),
            follow_up_rows,
        )

    def _documents(self, scope: list[Held]) -> None:
        """A document for items submitted or verified on the scope's cases (up to DOCUMENTS), uploaded by its helper
        (or the manager) while it was open, stored privately as PrivateFile.store stores one (named by its
        SHA-256)."""
        rng, b = self.rng, self.b
        held_by_case = {held.case_id: held for held in scope}
        items = Verification.objects.filter(
            case_id__gte=b.first_case, status__in=[Verification.Status.SUBMITTED, Verification.Status.VERIFIED]
        ).order_by("pk")
        latest = self.now - datetime.timedelta(hours=1)
        demo_agents = {agent for agent, (_user, email) in b.agent_user.items() if email.split("@")[0] in
                       ("manager", "agent", "independent")}  # fmt: skip
        chosen = []
        for item_id, case_id, kind, due, resolved in items.values_list(
            "pk", "case_id", "kind", "due_date", "resolved_on"
        ).iterator(chunk_size=5000):
            held = held_by_case.get(case_id)
            if held is not None and held.started_at < latest:
                rank = 0 if held.agent_id in demo_agents else 1 if held.agency_id == b.first_agency else 2
                chosen.append((rank, item_id, case_id, kind, due, resolved, held))
        # Files take time to write: the demo agents' items first, then the largest agency's, then the others'.
        chosen = sorted(chosen, key=lambda row: row[:2])[:DOCUMENTS]
        document_id, rows = b.next_id(CaseDocument), []
        for _rank, item_id, case_id, kind, due, resolved, held in sorted(chosen, key=lambda row: row[1]):
            by_day = min(resolved or due, b.as_of)
            end = min(latest, timezone.make_aware(datetime.datetime.combine(by_day, datetime.time(17))))
            start = max(held.started_at, end - datetime.timedelta(days=40))
            uploaded = self.moment_between(start, end) if end > start else held.started_at
            name, photo = rng.choice(DOCUMENT_NAMES[kind])
            content, content_type, extension = document_content(document_id, name, photo, held.case_number)
            file = ContentFile(content)
            sha256 = sha256_of(file)
            stored = default_storage.save(
                f"cases/{case_id}/{uploaded.astimezone(datetime.UTC):%Y/%m}/{sha256[:32]}{extension}", file
            )
            who = self.who(held, 0.15)
            rows.append((document_id, case_id, item_id, DOCUMENT_KIND[kind], stored, name, content_type,
                         len(content), sha256, who[0], uploaded))  # fmt: skip
            changes = of_model(Verification, what_changed(Verification, {"status": "open"}, {"status": "submitted"},
                                                          about=kind))  # fmt: skip
            self.event(uploaded, "case.document_uploaded", who, ConsumerCase, case_id, f"case {held.case_number}",
                       {"document": document_id, "verification": item_id, "changes": changes})  # fmt: skip
            document_id += 1
        b.writer.write(
            CaseDocument._meta.db_table,
            "id case_id verification_id kind file original_name content_type size sha256 uploaded_by_id "
            "uploaded_at".split(),
            rows,
        )

    def _acting(self, by_agent: dict[int, list[Held]]) -> None:
        """Managers acting on behalf of their agents now and then, each session started and stopped and audited;
        the demo manager eight times in the last three months, writing notes as the agent while at it (the log
        names both)."""
        rng, b = self.rng, self.b
        rows = []
        note_rows, note_id = [], b.next_id(CaseNote)
        for agency_id, manager in sorted(b.manager_of.items()):
            agents = [agent for agent in b.certified_in.get(agency_id, ()) if b.agent_user[agent] != manager]
            if not agents:
                continue
            sessions = 8 if agency_id == b.first_agency else rng.choice([0, 0, 1, 2])
            for _n in range(sessions):
                agent = rng.choice(agents)
                started = self.now - datetime.timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600))
                ended = started + datetime.timedelta(minutes=rng.randint(4, 75))
                rows.append((manager[0], agent, agency_id, started, ended))
                license = b.licenses[agent]
                self.event(started, "acting.started", manager, Agent, agent, f"agent {license}", {})
                agent_user = b.agent_user[agent][0]
                for held in rng.sample(by_agent.get(agent, []), min(2, len(by_agent.get(agent, [])))):
                    if held.started_at >= started:
                        continue
                    when = self.moment_between(started, ended)
                    note_rows.append((note_id, held.case_id, held.agency_id, held.agent_id, manager[0],
                                      rng.choice(NOTES_EN), when))  # fmt: skip
                    self.event(when, "case.note_added", manager, ConsumerCase, held.case_id,
                               f"case {held.case_number}", {"note": note_id}, on_behalf_of=agent_user)  # fmt: skip
                    note_id += 1
                self.event(ended, "acting.stopped", manager, Agent, agent, f"agent {license}", {})
        b.writer.write(
            ActingOnBehalf._meta.db_table, "manager_id agent_id agency_id started_at ended_at".split(), rows
        )
        b.writer.write(CaseNote._meta.db_table, "id case_id agency_id helper_id author_id body created_at".split(),
                       note_rows)  # fmt: skip


# -- today, through the services ------------------------------------------------------------------------------


def _as(user, work, *, acting_for=None):
    """Run `work` as a request of `user` would (acting on behalf of `acting_for`): the audit log then records the
    person, whom they act for and the address, as for a page (portal.audit.AuditContextMiddleware)."""
    from django.test import RequestFactory

    from portal.audit import AuditContextMiddleware

    request = RequestFactory().post("/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) demo")
    request.user = user
    if acting_for is not None:
        request.acting_for_user = acting_for
    return AuditContextMiddleware(lambda request: work())(request)


def _upload(*, case, item, by, number: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consumers import services
    from portal.uploads import check_upload

    name, photo = DOCUMENT_NAMES[item.kind][0]
    content, content_type, _extension = document_content(number, name, photo, case.case_number)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return services.upload_case_document(case=case, by=by, kind=DOCUMENT_KIND[item.kind], verification=item,
                                         upload=upload, checked=check_upload(upload))  # fmt: skip


def play_today(*, domain: str, agency_id: int, independent_office: dict | None = None) -> dict:
    """What the demo's people do today, through the services (so the rows, audit records and messages are exactly
    the portal's): the manager transfers five cases of a colleague to the demo agent, then acts on the agent's behalf
    to upload a document, write a note and add a follow-up, and stops; the agent reports a new phone number, writes
    a note and marks a follow-up done; the independent agent saves their own office and uploads a document; the service center gives a consumer
    waiting for a helper an access code. Returns the code (case number and code) for the demo to try."""
    from agencies.models import Agency
    from consumers import services as cases
    from delegations import services as delegations
    from portal.models import User

    now, today = timezone.now(), timezone.localdate()
    manager = User.objects.get(email=f"manager@{domain}")
    agent = Agent.objects.select_related("user").get(user__email=f"agent@{domain}")
    agency = Agency.objects.get(pk=agency_id)
    active = Delegation.objects.filter(status=Delegation.Status.ACTIVE, requested_at__lte=now)

    # The manager gives the demo agent five cases of the agency's agent with the largest book.
    giver = (
        Agent.objects.filter(delegations__status=Delegation.Status.ACTIVE, delegations__agency=agency,
                             certification_status="certified", user__memberships__agency=agency,
                             user__memberships__status="active")
        .exclude(pk__in=[agent.pk, manager.agent.pk])
        .annotate(n=Count("delegations", distinct=True))
        .order_by("-n", "pk")
        .first()
    )  # fmt: skip
    if giver is not None:
        moving = list(active.filter(agency=agency, agent=giver).order_by("case__case_number")
                      .values_list("case_id", flat=True)[:5])  # fmt: skip
        _as(manager, lambda: delegations.transfer_delegations(by=manager, agency=agency, from_agent=giver,
                                                              to_agent=agent, case_ids=moving))  # fmt: skip

    def open_item(helper):
        # The helper's cases first, then their items: one query joining both could take minutes on a table
        # just loaded, before its statistics exist.
        cases = list(active.filter(agent=helper).values_list("case_id", flat=True))
        return (
            Verification.objects.filter(status=Verification.Status.OPEN, case_id__in=cases)
            .select_related("case")
            .order_by("due_date", "pk")
            .first()
        )

    # Acting on the agent's behalf: a document, a note and a follow-up for the agent; then stop.
    delegations.start_acting(manager=manager, agent=agent, agency=agency)
    item = open_item(agent)
    if item is not None:
        holder = active.get(case=item.case)

        def covering():
            _upload(case=item.case, item=item, by=manager, number=900_001)
            cases.add_note(case=item.case, holder=holder, by=manager,
                           body=f"Covering for {agent.first_name} today: uploaded the document the consumer e-mailed.")  # fmt: skip
            cases.add_follow_up(case=item.case, holder=holder, by=manager, owner=agent.user,
                                due_date=today + datetime.timedelta(days=2),
                                text="Call the consumer: their document was uploaded")  # fmt: skip

        _as(manager, covering, acting_for=agent.user)
    _as(manager, lambda: delegations.stop_acting(manager=manager))

    # The agent's own work: a new phone number, a note, a follow-up done.
    held = active.filter(agent=agent).select_related("case").order_by("case__case_number")
    mine = held.exclude(case=item.case).first() if item is not None else held.first()
    if mine is not None:
        case = mine.case
        area_code = case.phone.split("-")[0] if case.phone else "213"

        def own_work():
            cases.report_change(case=case, by=agent.user, kind="phone",
                                details={"phone": f"{area_code}-555-01{case.pk % 100:02d}",
                                         "effective_on": today.isoformat()})  # fmt: skip
            cases.add_note(case=case, holder=mine, by=agent.user, body="The consumer has a new cell phone number.")
            later = (
                FollowUp.objects.filter(owner=agent.user, done_at__isnull=True).order_by("-due_date", "-pk").first()
            )
            if later is not None:
                cases.mark_follow_up_done(follow_up=later, by=agent.user)

        _as(agent.user, own_work)

    independent = Agent.objects.select_related("user").filter(user__email=f"independent@{domain}").first()
    if independent is not None and independent_office:
        # Their own office, where Find Local Help finds them (as they would save it on their profile).
        from agents.services import save_own_office

        hours = [{"weekday": day, "opens_at": datetime.time(9), "closes_at": datetime.time(17)} for day in range(5)]
        _as(independent.user, lambda: save_own_office(agent=independent, by=independent.user,
                                                      data=independent_office, hours=hours))  # fmt: skip
    item = open_item(independent) if independent else None
    if item is not None:
        _as(independent.user, lambda: _upload(case=item.case, item=item, by=independent.user, number=900_002))

    # A consumer whose helper was removed calls the service center for an access code, to ask someone new.
    waiting = (
        ConsumerCase.objects.filter(delegations__status=Delegation.Status.ENDED,
                                    delegations__end_reason=Delegation.EndReason.CONSUMER_REQUEST)
        .exclude(delegations__status__in=Delegation.OPEN_STATUSES)
        .order_by("case_number")
        .first()
    )  # fmt: skip
    if waiting is None:
        return {}
    from consumers.admin import IdentityCheckForm

    service_center = User.objects.get(email=f"servicecenter@{domain}")
    code = _as(service_center, lambda: cases.generate_access_code(
        case=waiting, by=service_center, identity_checks=dict.fromkeys(IdentityCheckForm.CHECKS, True)))  # fmt: skip
    return {"access_code": (waiting.case_number, code)}
