"""The weekly extracts: a Book of Business and a Conditional Eligibility file, as XLSX and CSV, for every
agent with delegations and for every agency.

Each file is written to a local temporary file, counted and hashed, then saved to storage under a final name
of its own (its content's hash and a random part: two workers writing the same extract at once never share an
object, so one's clean-up cannot take the other's published file), and only then published (its Extract row
marked Published in one UPDATE). The extranet lists and serves only published rows, so nobody ever sees half a
file. A rerun of a week skips what is already published; a task killed half-way leaves a Writing row that the
retry finishes.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import secrets
import tempfile
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Membership
from agents.models import Agent
from consumers.models import Verification
from delegations.models import Delegation
from portal import replica
from portal.choices import Language
from portal.uploads import sha256_of

from . import exports
from .models import Extract, FileFormat
from .selectors import book_rows

logger = logging.getLogger(__name__)

KINDS = (Extract.Kind.BOOK_OF_BUSINESS, Extract.Kind.CONDITIONAL_ELIGIBILITY)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


# -- what goes in the files --------------------------------------------------------------------------
#
# A task writes the files of a batch of owners (agents, or agencies) from one query per kind, ordered by
# owner: the rows stream from a server-side cursor and are cut into one file per owner as they come.


def owner_field(scope: str) -> str:
    return "agent_id" if scope == Extract.Scope.AGENT else "agency_id"


def book_of_business_rows(scope: str, owner_ids):
    """The Book of Business rows of these owners, owner by owner, each book by consumer name."""
    field = owner_field(scope)
    active = Delegation.objects.filter(status=Delegation.Status.ACTIVE, **{f"{field}__in": owner_ids})
    return (
        book_rows(active)
        .order_by(field, "case__last_name", "case__first_name", "pk")
        .values(*exports.BOOK_FIELDS, owner=F(field))
    )


def conditional_eligibility_items(scope: str, owner_ids):
    """The open conditional-eligibility items of the owners' active cases, owner by owner, each by due date,
    with the agent the case is delegated to (a case has one active delegation at most, so the join to it adds
    no rows)."""
    delegation = f"case__delegations__{owner_field(scope)}"
    return (
        Verification.objects.filter(
            status__in=Verification.OPEN_STATUSES,
            case__delegations__status=Delegation.Status.ACTIVE,
            **{f"{delegation}__in": owner_ids},
        )
        .order_by(delegation, "due_date", "case__case_number", "pk")
        .values(*CE_FIELDS, owner=F(delegation))
    )


def conditional_eligibility_rows(scope: str, owner_ids, today: datetime.date):
    """The rows of the Conditional Eligibility files: each open item with the days left until it is due."""
    for item in conditional_eligibility_items(scope, owner_ids).iterator(chunk_size=5000):
        item["days_left"] = (item["due_date"] - today).days
        yield item


def _member(first, last, case_first, case_last):
    return f"{first} {last}" if first is not None else f"{case_first} {case_last}"


def _full_name(first, last):
    return f"{first} {last}"


CE_COLUMNS = [
    exports.Column(_("Case number"), fields=("case__case_number",)),
    exports.Column(_("First name"), fields=("case__first_name",)),
    exports.Column(_("Last name"), fields=("case__last_name",)),
    exports.Column(_("Household member"), _member, fields=(
        "household_member__first_name", "household_member__last_name", "case__first_name", "case__last_name")),
    exports.Column(_("Item"), choices=tuple(Verification.Kind.choices), fields=("kind",)),
    exports.Column(_("Status"), choices=tuple(Verification.Status.choices), fields=("status",)),
    exports.Column(_("Due date"), kind="date", fields=("due_date",)),
    exports.Column(_("Days left"), kind="integer", fields=("days_left",)),
    exports.Column(_("Phone"), fields=("case__phone",)),
    exports.Column(_("E-mail"), fields=("case__email",)),
    exports.Column(_("Street"), fields=("case__street",)),
    exports.Column(_("City"), fields=("case__city",)),
    exports.Column(_("County"), fields=("case__county",)),
    exports.Column(_("ZIP code"), fields=("case__zip_code",)),
    exports.Column(_("Preferred language"), choices=tuple(Language.choices), fields=("case__preferred_language",)),
    exports.Column(_("Agent name"), _full_name,
                   fields=("case__delegations__agent__first_name", "case__delegations__agent__last_name")),
    exports.Column(_("Agent license number"), fields=("case__delegations__agent__license_number",)),
]  # fmt: skip
CE_FIELDS = tuple(dict.fromkeys(f for column in CE_COLUMNS for f in column.fields if f != "days_left"))


# -- writing and publishing --------------------------------------------------------------------------


def owners_for_week() -> tuple[list[int], list[int]]:
    """Agents with active delegations, and agencies (every certified one, and any with delegations)."""
    active = Delegation.objects.filter(status=Delegation.Status.ACTIVE).order_by("agent_id")
    agents = list(active.values_list("agent_id", flat=True).distinct())
    with_cases = Delegation.objects.filter(status=Delegation.Status.ACTIVE, agency_id=OuterRef("pk"))
    agencies = list(Agency.objects.filter(Exists(with_cases)).values_list("pk", flat=True))
    return sorted(agents), sorted(agencies)


# Owners per task: an agent's book averages about 50 cases and an agency's about 500, so a task reads
# some 10,000 cases either way: few enough queries for the week, enough tasks to keep every worker busy.
AGENTS_PER_TASK = settings.EXTRACT_AGENTS_PER_TASK
AGENCIES_PER_TASK = settings.EXTRACT_AGENCIES_PER_TASK


def owner_batches(agents: list[int], agencies: list[int]) -> list[tuple[str, list[int]]]:
    """The week's work as (scope, owner ids) batches, one task each."""
    return [
        (scope, owners[start : start + size])
        for scope, owners, size in (
            (Extract.Scope.AGENT, agents, AGENTS_PER_TASK),
            (Extract.Scope.AGENCY, agencies, AGENCIES_PER_TASK),
        )
        for start in range(0, len(owners), size)
    ]


def write_owner_extracts(*, scope: str, owner_ids: list[int], week: datetime.date) -> int:
    """Write and publish every extract of these owners for the week that is not published yet; returns how
    many. The week's Extract rows are created together; each kind is read in one query for all the owners
    and written as CSV and XLSX in the same pass; each owner's pair of files is published in one step.

    The rows are read from the replica when it has everything committed before this began (portal/replica.py);
    the Extract rows, written here, are always read back from the primary. A replica lost part-way: the
    batch runs again on the primary, writing only what is not published yet."""
    return replica.fall_back(lambda: _write_owner_extracts(scope, owner_ids, week), job=True)


def _write_owner_extracts(scope: str, owner_ids: list[int], week: datetime.date) -> int:
    with replica.on_primary():
        pending = _pending_extracts(scope, owner_ids, week)
    languages = _languages(scope, owner_ids)
    written = 0
    for kind in KINDS:
        todo = {owner: formats for (owner, each), formats in pending.items() if each == kind}
        if not todo:
            continue
        if kind == Extract.Kind.BOOK_OF_BUSINESS:
            rows = book_of_business_rows(scope, sorted(todo)).iterator(chunk_size=5000)
            columns, title = exports.BOOK_COLUMNS, "Book of Business"
        else:
            rows = conditional_eligibility_rows(scope, sorted(todo), week)
            columns, title = CE_COLUMNS, "Conditional Eligibility"
        for owner, owner_rows in groupby(rows, key=itemgetter("owner")):
            if owner in todo:
                with translation.override(languages.get(owner, settings.LANGUAGE_CODE)):
                    write_extracts(owner_rows, todo.pop(owner), columns=columns, title=title)
        for owner, formats in todo.items():  # owners with nothing of this kind get files with the header alone
            with translation.override(languages.get(owner, settings.LANGUAGE_CODE)):
                write_extracts(iter(()), formats, columns=columns, title=title)
        written += sum(len(formats) for (_owner, each), formats in pending.items() if each == kind)
    return written


def _languages(scope: str, owner_ids: list[int]) -> dict:
    """Each agent's extracts speak the agent's language (headers and labels); an agency's, the portal's."""
    if scope != Extract.Scope.AGENT:
        return {}
    return dict(Agent.objects.filter(pk__in=owner_ids).values_list("pk", "preferred_language"))


def _agencies_of(agent_ids: list[int]) -> dict:
    """Each agent's Active agency now, for their extracts (an agent in none is absent)."""
    active = Membership.objects.filter(status=Membership.Status.ACTIVE, user__agent__pk__in=agent_ids)
    return dict(active.values_list("user__agent__pk", "agency_id"))


def _pending_extracts(scope: str, owner_ids: list[int], week: datetime.date) -> dict:
    """{(owner, kind): {format: Extract}} of what is not published yet, creating the week's missing rows."""
    field = owner_field(scope)
    mine = Extract.objects.filter(scope=scope, week=week, **{f"{field}__in": owner_ids})
    have = set(mine.values_list(field, "kind", "file_format"))
    agencies = _agencies_of(owner_ids) if scope == Extract.Scope.AGENT else {}
    missing = [
        Extract(
            scope=scope,
            week=week,
            kind=kind,
            file_format=file_format,
            made_in_agency_id=agencies.get(owner),
            **{field: owner},
        )  # fmt: skip
        for owner in owner_ids
        for kind in KINDS
        for file_format in FileFormat.values
        if (owner, kind, file_format) not in have
    ]
    # Another worker may create the same rows at the same moment: the unique constraints keep one of each.
    Extract.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
    pending: dict = {}
    for extract in mine.exclude(status=Extract.Status.PUBLISHED):
        pending.setdefault((getattr(extract, field), extract.kind), {})[extract.file_format] = extract
    return pending


def write_extracts(rows, extracts: dict, *, columns, title: str) -> None:
    """Write one owner's rows of one kind to temporary files (CSV and XLSX together), save each under its
    final name, then publish them together."""
    try:
        with tempfile.TemporaryFile() as csv_file, tempfile.TemporaryFile() as xlsx_file:
            count = exports.write_csv_and_xlsx(rows, csv_file, xlsx_file, columns=columns, title=title)
            spools = {FileFormat.CSV: csv_file, FileFormat.XLSX: xlsx_file}
            with replica.on_primary():  # publishing reads back what it wrote
                publish({extracts[fmt]: spools[fmt] for fmt in extracts}, rows=count)
    except Exception as error:
        # Reported where staff look (the extract's status and error in admin) and in the log; the task's retry
        # writes these again, since only published extracts count as done.
        ids = [extract.pk for extract in extracts.values()]
        Extract.objects.filter(pk__in=ids).exclude(status=Extract.Status.PUBLISHED).update(
            status=Extract.Status.FAILED, error=f"{type(error).__name__}: {error}"[:1000]
        )
        logger.exception("Writing extracts %s failed; the task will retry them", ids)
        raise


def publish(spools: dict, *, rows: int) -> None:
    """Hash and save finished temporary files ({Extract: file}), then mark the extracts Published in one
    statement. Until then no reader can reach the files: the extranet serves published rows only."""
    saved = {}
    try:
        for extract, spool in spools.items():
            size = spool.seek(0, 2)
            sha256 = sha256_of(spool)
            name = default_storage.save(extract_path(extract, sha256), File(spool))
            saved[extract] = {"name": name, "size": size, "sha256": sha256}

        # One UPDATE publishes the pair: a single statement is atomic, and no reader sees one without the other.
        def each(key):
            return Case(*(When(pk=extract.pk, then=Value(values[key])) for extract, values in saved.items()))

        published = (
            Extract.objects.filter(pk__in=[extract.pk for extract in saved])
            .exclude(status=Extract.Status.PUBLISHED)
            .update(status=Extract.Status.PUBLISHED, file=each("name"), size=each("size"), sha256=each("sha256"),
                    rows=rows, published_at=timezone.now(), error="")
        )  # fmt: skip
        if published < len(saved):
            # Another worker published some of these first; ours are duplicates nobody references.
            names = {values["name"] for values in saved.values()}
            kept = set(Extract.objects.filter(file__in=names).values_list("file", flat=True))
            for name in names - kept:
                default_storage.delete(name)
    except BaseException:
        for values in saved.values():  # nothing references them: leave no orphan behind
            default_storage.delete(values["name"])
        raise


def extract_path(extract: Extract, sha256: str) -> str:
    owner = f"agent-{extract.agent_id}" if extract.agent_id else f"agency-{extract.agency_id}"
    unique = secrets.token_hex(4)  # this write's alone (see the module's docstring)
    return f"extracts/{extract.week:%Y-%m-%d}/{owner}/{extract.kind}-{sha256[:16]}-{unique}.{extract.file_format}"


def run_week(monday: datetime.date, *, write) -> dict:
    """The Monday run, one way for the beat's task and the command alike: the week's owners cut into batches,
    each handed to `write(scope, owner_ids)` (a task to queue, or a batch to write here), then retention."""
    agents, agencies = owners_for_week()
    batches = owner_batches(agents, agencies)
    results = [write(scope, batch) for scope, batch in batches]
    return {"week": monday.isoformat(), "agents": len(agents), "agencies": len(agencies), "tasks": len(batches),
            "results": results, "purged": purge_old_extracts()}  # fmt: skip


def oldest_week_kept(*, today: datetime.date | None = None) -> datetime.date:
    """The Monday of the oldest week whose extracts are kept: EXTRACT_RETENTION_WEEKS before this week."""
    return week_of(today or timezone.localdate()) - datetime.timedelta(weeks=settings.EXTRACT_RETENTION_WEEKS)


def purge_old_extracts(*, today: datetime.date | None = None) -> int:
    """Delete extracts (files and rows) older than EXTRACT_RETENTION_WEEKS."""
    cutoff = oldest_week_kept(today=today)
    old = Extract.objects.filter(week__lt=cutoff)
    # Every extract's file is in its week's folder (extract_path); a file somewhere else is deleted on its own.
    for name in old.exclude(file="").exclude(file__startswith="extracts/").values_list("file", flat=True):
        default_storage.delete(name)
    _, deleted = old.delete()
    removed = deleted.get(Extract._meta.label, 0)
    # The rows first, then their weeks' folders, whole: with the rows' files go the files no row names (a worker
    # killed between saving a file and publishing it leaves one). Asked for the folder itself, not whether it exists:
    # object storage has no folders, so `exists("extracts")` is False there however many extracts it holds.
    try:
        weeks = default_storage.listdir("extracts")[0]
    except FileNotFoundError:  # a local folder never written to (object storage lists nothing instead)
        weeks = []
    for folder in weeks:
        try:
            monday = datetime.date.fromisoformat(folder)
        except ValueError:
            continue
        if monday < cutoff:
            _delete_folder(f"extracts/{folder}")
    return removed


def _delete_folder(folder: str) -> None:
    """Every file under `folder` in the storage, then the folder itself where the storage has folders. In object
    storage, a thousand objects a request (a week of 40,000 agents is 160,000 files)."""
    bucket = getattr(default_storage, "bucket", None)  # django-storages' S3Storage
    if bucket is not None:
        prefix = default_storage._normalize_name(folder.rstrip("/") + "/")
        bucket.objects.filter(Prefix=prefix).delete()  # boto3 deletes them in batches of 1,000
        return
    folders, files = default_storage.listdir(folder)
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for child in folders:
        _delete_folder(f"{folder}/{child}")
    with contextlib.suppress(NotImplementedError, OSError):  # object storage has no folders to remove
        os.rmdir(default_storage.path(folder))
