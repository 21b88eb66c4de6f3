"""Book of Business exports that are too large to stream back: a Celery task writes them to private storage."""

import datetime
import re
import secrets
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership
from portal import audit, replica
from portal.choices import MembershipRole, MembershipStatus
from portal.notifications import absolute_url, notify
from portal.permissions import permissions_for
from portal.queueing import enqueue
from portal.uploads import sha256_of
from portal.words import Lines, Words, counted, lines, words

from . import exports, tasks
from .forms import BookFilterForm
from .models import BookOfBusinessExport, FileFormat
from .selectors import book_scope, filtered_book, today_for

STREAM_LIMIT = 20_000  # rows: above this an export is written by a task and lands in the Secure Mailbox
EXPORT_DAYS = 7
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {FileFormat.XLSX: XLSX_TYPE, FileFormat.CSV: "text/csv; charset=utf-8"}


def queue_export(*, user, scope_user, filters: dict, file_format: str, rows_total: int) -> BookOfBusinessExport:
    job = BookOfBusinessExport.objects.create(
        requested_by=user,
        agency_id=permissions_for(user).agency_id,  # the scope it is made in; downloaded only while still held
        agent=getattr(scope_user, "agent", None) if scope_user.pk != user.pk else None,
        filters=filters,
        file_format=file_format,
        rows_total=rows_total,
    )
    audit.record("export.created", obj=job, details={"format": file_format, "rows": rows_total, "queued": True})
    job.queued = True

    def queue():
        job.queued = enqueue(
            tasks.write_export, args=[job.pk]
        )  # if not, `requeue_exports` tries again every 5 minutes

    transaction.on_commit(queue)
    return job


def requeue_exports(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Exports still waiting in the queue (the broker was away when they were asked for) are queued again."""
    waiting = BookOfBusinessExport.objects.filter(
        status=BookOfBusinessExport.Status.QUEUED, created_at__lt=timezone.now() - older_than
    )
    return sum(enqueue(tasks.write_export, args=[pk]) for pk in waiting.values_list("pk", flat=True))


def rows_for_export(job: BookOfBusinessExport):
    """The same rows the person saw: their scope and the filters of the view, rebuilt in the task (the stored
    query parameters read by the view's own form; a filter that no longer holds gives no rows)."""
    params = QueryDict(mutable=True)
    params.update(job.filters)
    scope_user = job.agent.user if job.agent_id else job.requested_by
    scope = book_scope(scope_user, acting=scope_user.pk != job.requested_by_id, agent_id=params.get("agent"),
                       mine=bool(params.get("mine")))  # fmt: skip
    if not scope.allowed or scope.agent_missing:
        return filtered_book(scope_user, filters=None)
    form = BookFilterForm(params or None, agents=scope.agents)
    filters = form.cleaned_data if form.is_valid() else (None if form.is_bound else {})
    return filtered_book(scope_user, agent=scope.agent, filters=filters, searched=form.searched)


def expire_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports past their expiry and mark them Expired: a consumer's data is kept no
    longer than the seven days the person was promised. Returns how many expired."""
    now = now or timezone.now()
    due = BookOfBusinessExport.objects.filter(status=BookOfBusinessExport.Status.READY, expires_at__lt=now)
    expired = 0
    for job in due.iterator(chunk_size=500):
        if job.file:
            job.file.delete(save=False)
        BookOfBusinessExport.objects.filter(pk=job.pk).update(status=BookOfBusinessExport.Status.EXPIRED, file="")
        expired += 1
    return expired


UNFINISHED = (BookOfBusinessExport.Status.QUEUED, BookOfBusinessExport.Status.RUNNING,
              BookOfBusinessExport.Status.FAILED)  # fmt: skip


def export_folder(job: BookOfBusinessExport) -> str:
    return f"exports/{job.requested_by_id}"


def _remove_other_attempts(job: BookOfBusinessExport) -> None:
    """Files earlier attempts of this export saved before their worker was lost (never named by its row): the
    person's folder holds their exports of the last seven days, so listing it is cheap."""
    storage, kept = job.file.storage, job.file.name.rsplit("/", 1)[-1]
    attempt = re.compile(rf"book-of-business-{job.pk}[-_.]")
    try:
        names = storage.listdir(export_folder(job))[1]
    except FileNotFoundError:
        return
    for other in names:
        if other != kept and attempt.match(other):
            storage.delete(f"{export_folder(job)}/{other}")


def write_export(job: BookOfBusinessExport) -> BookOfBusinessExport:
    """Write the export to private storage, recording progress, then tell the person it is ready."""
    if not BookOfBusinessExport.objects.filter(pk=job.pk, status__in=UNFINISHED).update(
        status=BookOfBusinessExport.Status.RUNNING
    ):
        job.refresh_from_db()  # another attempt finished it (or it expired): nothing to write
        return job
    job.status = BookOfBusinessExport.Status.RUNNING

    def progress(count):
        BookOfBusinessExport.objects.filter(pk=job.pk).update(rows_written=count)

    def write_rows(spool) -> int:
        spool.seek(0)
        spool.truncate()
        rows = rows_for_export(job).values(*exports.BOOK_FIELDS).iterator(chunk_size=5000)
        if job.file_format != FileFormat.CSV:
            return exports.write_xlsx(rows, spool, progress=progress)
        count = 0
        for line in exports.csv_lines(rows):
            spool.write(line.encode("utf-8"))
            count += 1
            if count % 1000 == 0:
                progress(count)
        return count - 1  # the header line

    with tempfile.TemporaryFile() as spool:
        # The rows may come from the replica once it has everything committed before the export began (the
        # request that asked for it included); a replica lost part-way, and they are written again from the
        # primary (portal/replica.py).
        count = replica.fall_back(lambda: write_rows(spool), job=True)
        sha256 = sha256_of(spool)
        # A name of this attempt's own: the task can run again after a worker was lost, even while the first
        # attempt still runs (a task the broker gave again), and no two attempts may share an object.
        name = f"{export_folder(job)}/book-of-business-{job.pk}-{secrets.token_hex(4)}.{job.file_format}"
        name = job.file.storage.save(name, File(spool))
    finished = timezone.now()
    ready = {"file": name, "sha256": sha256, "rows_written": count, "status": BookOfBusinessExport.Status.READY,
             "finished_at": finished, "expires_at": finished + datetime.timedelta(days=EXPORT_DAYS)}  # fmt: skip
    try:
        # The first attempt to finish is the export; one that finishes after it (or after it expired) is not.
        won = BookOfBusinessExport.objects.filter(pk=job.pk, status__in=UNFINISHED).update(**ready)
    except BaseException:
        job.file.storage.delete(name)  # no row names it
        raise
    if not won:
        job.file.storage.delete(name)
        job.refresh_from_db()
        return job
    for field, value in ready.items():
        setattr(job, field, value)
    _remove_other_attempts(job)
    notify(user=job.requested_by, subject=words("Your Book of Business export is ready"),
           body=counted("Your export of %(rows)d row is ready until %(date)s: %(url)s",
                        "Your export of %(rows)d rows is ready until %(date)s: %(url)s", count,
                        rows=count, date=job.expires_at.date().isoformat(),
                        url=reverse("bookofbusiness:export_download", args=[job.pk])))  # fmt: skip
    return job


# -- the weekly "at risk" summary to Agency Managers ----------------------------------------------


def send_at_risk_summaries() -> int:
    """Weekly: each Agency Manager (every Active manager membership) is told, in their language, how much of the
    agency is at risk, as their Today page counts it (today_for): conditional-eligibility items overdue, requests
    waiting longer than TODAY_REQUEST_TARGET_BUSINESS_DAYS business days, and renewals not started while the
    renewal window is open; with a link to Today. Counts only, no consumer data. Nothing at risk: no message (so
    neither for a manager no longer certified, who is shown no consumer's figures)."""
    managers = (
        Membership.objects.filter(role=MembershipRole.MANAGER, status=MembershipStatus.ACTIVE, user__is_active=True)
        .select_related("user", "agency")
        .order_by("agency_id", "pk")
    )
    sent = 0
    for membership in managers.iterator(chunk_size=200):
        work = today_for(membership.user, listed=0)  # the counts alone: no rows behind them are read
        if not (work.overdue or work.stale or work.renewals_not_started):
            continue
        subject, body = _at_risk_summary(work, agency=membership.agency)
        notify(user=membership.user, subject=subject, body=body)
        sent += 1
    return sent


def _at_risk_summary(work, *, agency) -> tuple[Words, Lines]:
    """The subject and body of one manager's summary, in the catalogue's words (said in the reader's language)."""
    total = work.overdue + work.stale + (work.renewals_not_started or 0)
    subject = counted("This week: %(n)d case or request at risk in your agency",
                      "This week: %(n)d cases or requests at risk in your agency", total, n=total)  # fmt: skip
    days = settings.TODAY_REQUEST_TARGET_BUSINESS_DAYS
    said = [
        words("What is at risk at %(agency)s this week:", agency=agency.public_name),
        lines("- ", counted("%(n)d conditional-eligibility item overdue", "%(n)d conditional-eligibility items overdue",
                            work.overdue, n=work.overdue), separator=""),
        lines("- ", counted("%(n)d request waiting over %(days)d business days",
                            "%(n)d requests waiting over %(days)d business days", work.stale, n=work.stale, days=days),
              separator=""),
    ]  # fmt: skip
    if work.renewals_not_started is not None:
        said.append(lines("- ", counted("%(n)d renewal not started, and the renewal window is open",
                                        "%(n)d renewals not started, and the renewal window is open",
                                        work.renewals_not_started, n=work.renewals_not_started), separator=""))  # fmt: skip
    said += ["", words("See each of them on Today: %(url)s", url=absolute_url(reverse("today")))]
    return subject, lines(*said)
