"""The weekly extracts: a Book of Business and a Conditional Eligibility file, as XLSX and CSV, for every
agent with delegations and for every agency.

Each file is written to a local temporary file, counted and hashed, then saved to storage under its final,
content-addressed name, and only then published (its Extract row marked Published in one UPDATE). The
extranet lists and serves only published rows, so nobody ever sees half a file. A rerun of a week skips
what is already published; a task killed half-way leaves a Writing row that the retry finishes.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consumers.models import Verification
from delegations.models import Delegation

from . import exports
from .models import Extract, FileFormat
from .selectors import book_rows

logger = logging.getLogger(__name__)

KINDS = (Extract.Kind.BOOK_OF_BUSINESS, Extract.Kind.CONDITIONAL_ELIGIBILITY)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


# -- what goes in the files --------------------------------------------------------------------------


def delegations_of(scope: str, owner_id: int) -> QuerySet[Delegation]:
    rows = Delegation.objects.filter(status=Delegation.Status.ACTIVE)
    return rows.filter(agent_id=owner_id) if scope == Extract.Scope.AGENT else rows.filter(agency_id=owner_id)


def book_of_business_rows(scope: str, owner_id: int):
    return book_rows(delegations_of(scope, owner_id)).order_by("case__last_name", "case__first_name", "pk")


def conditional_eligibility_rows(scope: str, owner_id: int, today: datetime.date):
    """One row per open conditional-eligibility item of the owner's active cases, streamed, with the
    agent each case is delegated to read in the same query."""
    active = delegations_of(scope, owner_id).filter(case_id=OuterRef("case_id")).order_by()
    items = (
        Verification.objects.filter(Exists(active), status__in=Verification.OPEN_STATUSES)
        .annotate(
            agent_first_name=Subquery(active.values("agent__first_name")[:1]),
            agent_last_name=Subquery(active.values("agent__last_name")[:1]),
            agent_license_number=Subquery(active.values("agent__license_number")[:1]),
        )
        .select_related("case", "household_member")
        .order_by("due_date", "case__case_number", "pk")
    )
    for item in items.iterator(chunk_size=2000):
        item.today = today
        yield item


def _member(item):
    person = item.household_member or item.case
    return f"{person.first_name} {person.last_name}"


CE_COLUMNS = [
    exports.Column(_("Case number"), lambda i: i.case.case_number),
    exports.Column(_("First name"), lambda i: i.case.first_name),
    exports.Column(_("Last name"), lambda i: i.case.last_name),
    exports.Column(_("Household member"), _member),
    exports.Column(_("Item"), lambda i: i.get_kind_display()),
    exports.Column(_("Status"), lambda i: i.get_status_display()),
    exports.Column(_("Due date"), lambda i: i.due_date, "date"),
    exports.Column(_("Days left"), lambda i: (i.due_date - i.today).days, "integer"),
    exports.Column(_("Phone"), lambda i: i.case.phone),
    exports.Column(_("E-mail"), lambda i: i.case.email),
    exports.Column(_("Street"), lambda i: i.case.street),
    exports.Column(_("City"), lambda i: i.case.city),
    exports.Column(_("County"), lambda i: i.case.county),
    exports.Column(_("ZIP code"), lambda i: i.case.zip_code),
    exports.Column(_("Preferred language"), lambda i: i.case.get_preferred_language_display()),
    exports.Column(_("Agent name"), lambda i: f"{i.agent_first_name} {i.agent_last_name}"),
    exports.Column(_("Agent license number"), lambda i: i.agent_license_number),
]


# -- writing and publishing --------------------------------------------------------------------------


def owners_for_week() -> tuple[list[int], list[int]]:
    """Agents with active delegations, and agencies (every certified one, and any with delegations)."""
    from agencies.models import Agency

    active = Delegation.objects.filter(status=Delegation.Status.ACTIVE).order_by("agent_id")
    agents = list(active.values_list("agent_id", flat=True).distinct())
    with_cases = Delegation.objects.filter(status=Delegation.Status.ACTIVE, agency_id=OuterRef("pk"))
    agencies = list(Agency.objects.filter(Exists(with_cases)).values_list("pk", flat=True))
    return sorted(agents), sorted(agencies)


def write_owner_extracts(*, scope: str, owner_id: int, week: datetime.date) -> int:
    """Write and publish every extract of one owner for the week that is not published yet. Returns how many.
    Each kind is read from the database once and written as CSV and XLSX in the same pass."""
    owner = {"agent_id": owner_id} if scope == Extract.Scope.AGENT else {"agency_id": owner_id}
    written = 0
    for kind in KINDS:
        wanted = {
            file_format: Extract.objects.get_or_create(kind=kind, scope=scope, week=week, file_format=file_format,
                                                       **owner)[0]
            for file_format in FileFormat.values
        }  # fmt: skip
        missing = {fmt: extract for fmt, extract in wanted.items() if extract.status != Extract.Status.PUBLISHED}
        if missing:
            write_extracts(kind=kind, scope=scope, owner_id=owner_id, week=week, extracts=missing)
            written += len(missing)
    return written


def write_extracts(*, kind: str, scope: str, owner_id: int, week: datetime.date, extracts: dict) -> None:
    """Write one kind of extract to temporary files (CSV and XLSX together), save each under its final
    name, then publish each in one step."""
    if kind == Extract.Kind.BOOK_OF_BUSINESS:
        rows = book_of_business_rows(scope, owner_id).values(*exports.BOOK_FIELDS).iterator(chunk_size=5000)
        columns, title = exports.BOOK_COLUMNS, "Book of Business"
    else:
        rows = conditional_eligibility_rows(scope, owner_id, week)
        columns, title = CE_COLUMNS, "Conditional Eligibility"
    with tempfile.TemporaryFile() as csv_file, tempfile.TemporaryFile() as xlsx_file:
        count = exports.write_csv_and_xlsx(rows, csv_file, xlsx_file, columns=columns, title=title)
        for file_format, spool in ((FileFormat.CSV, csv_file), (FileFormat.XLSX, xlsx_file)):
            if file_format in extracts:
                publish(extracts[file_format], spool, rows=count)


def publish(extract: Extract, spool, *, rows: int) -> Extract:
    """Hash and save a finished temporary file, then mark the extract Published in one UPDATE."""
    size = spool.seek(0, 2)
    spool.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: spool.read(1024 * 1024), b""):
        digest.update(chunk)
    spool.seek(0)
    sha256 = digest.hexdigest()
    name = default_storage.save(extract_path(extract, sha256), File(spool))
    with transaction.atomic():
        published = Extract.objects.filter(pk=extract.pk).exclude(status=Extract.Status.PUBLISHED).update(
            status=Extract.Status.PUBLISHED, file=name, rows=rows, size=size, sha256=sha256,
            published_at=timezone.now(), error="",
        )  # fmt: skip
    if not published:
        # Another worker published this extract first; ours is a duplicate nobody references.
        default_storage.delete(name)
    extract.refresh_from_db()
    return extract


def extract_path(extract: Extract, sha256: str) -> str:
    owner = f"agent-{extract.agent_id}" if extract.agent_id else f"agency-{extract.agency_id}"
    return f"extracts/{extract.week:%Y-%m-%d}/{owner}/{extract.kind}-{sha256[:16]}.{extract.file_format}"


def purge_old_extracts(*, today: datetime.date | None = None) -> int:
    """Delete extracts (files and rows) older than EXTRACT_RETENTION_WEEKS."""
    today = today or timezone.localdate()
    cutoff = week_of(today) - datetime.timedelta(weeks=settings.EXTRACT_RETENTION_WEEKS)
    old = Extract.objects.filter(week__lt=cutoff)
    removed = 0
    for extract in old.iterator(chunk_size=1000):
        if extract.file:
            default_storage.delete(extract.file.name)
        removed += 1
    old.delete()
    return removed
