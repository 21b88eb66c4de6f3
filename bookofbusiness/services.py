"""Book of Business exports that are too large to stream back: a Celery task writes them to private storage."""

import datetime
import tempfile

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agents.selectors import agency_agents_for
from portal import audit
from portal.notifications import notify
from portal.permissions import Capability, permissions_for
from portal.queueing import enqueue
from portal.uploads import sha256_of

from . import exports, tasks
from .forms import BookFilterForm
from .models import BookOfBusinessExport, FileFormat
from .selectors import book_for, filter_book, sort_book

STREAM_LIMIT = 20_000  # rows: above this an export is written by a task and lands in the Secure Mailbox
EXPORT_DAYS = 7
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {FileFormat.XLSX: XLSX_TYPE, FileFormat.CSV: "text/csv; charset=utf-8"}


def queue_export(*, user, scope_user, filters: dict, file_format: str, rows_total: int) -> BookOfBusinessExport:
    job = BookOfBusinessExport.objects.create(
        requested_by=user,
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


def book_from_params(*, scope_user, params, acting: bool = False):
    """Whose book and which rows, from the view's query parameters: the agency's (narrowed to one agent,
    or to the manager's own with `mine`), or an agent's own. Returns (rows, form, sort, agent)."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    permissions = permissions_for(scope_user)
    agent, agents = None, None
    if not acting and permissions.allows(Capability.VIEW_BOOK):
        agents = agency_agents_for(scope_user).order_by("last_name", "first_name")
        if params.get("mine") and permissions.agent is not None:
            agent = permissions.agent
        elif str(params.get("agent", "")).isdigit():
            agent = get_object_or_404(agents, pk=params["agent"])
    elif not permissions.allows(Capability.OWN_DELEGATIONS):
        raise PermissionDenied
    rows = book_for(scope_user, agent=agent)
    form = BookFilterForm(params or None, agents=agents)
    sort = "name"
    if form.is_valid():
        rows = filter_book(rows, form.cleaned_data)
        sort = form.cleaned_data.get("sort") or "name"
    elif form.is_bound:
        rows = rows.none()
    return sort_book(rows, sort, searched=form.searched), form, sort, agent


def rows_for_export(job: BookOfBusinessExport):
    """The same rows the person saw: their scope and the filters of the view, rebuilt in the task."""
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params.update(job.filters)
    scope_user = job.agent.user if job.agent_id else job.requested_by
    rows, _form, _sort, _agent = book_from_params(
        scope_user=scope_user, params=params, acting=scope_user.pk != job.requested_by_id
    )
    return rows


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


def write_export(job: BookOfBusinessExport) -> BookOfBusinessExport:
    """Write the export to private storage, recording progress, then tell the person it is ready."""
    job.status = BookOfBusinessExport.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(count):
        BookOfBusinessExport.objects.filter(pk=job.pk).update(rows_written=count)

    rows = rows_for_export(job).values(*exports.BOOK_FIELDS).iterator(chunk_size=5000)
    with tempfile.TemporaryFile() as spool:
        if job.file_format == FileFormat.CSV:
            count = 0
            for line in exports.csv_lines(rows):
                spool.write(line.encode("utf-8"))
                count += 1
                if count % 1000 == 0:
                    progress(count)
            count -= 1  # the header line
        else:
            count = exports.write_xlsx(rows, spool, progress=progress)
        sha256 = sha256_of(spool)
        name = f"exports/{job.requested_by_id}/book-of-business-{job.pk}.{job.file_format}"
        job.file.save(name, File(spool), save=False)
    job.sha256 = sha256
    job.rows_written = count
    job.status = BookOfBusinessExport.Status.READY
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + datetime.timedelta(days=EXPORT_DAYS)
    job.save()
    notify(
        user=job.requested_by,
        subject=_("Your Book of Business export is ready"),
        body=_("Your export of %(rows)d rows is ready until %(date)s: %(url)s")
        % {"rows": count, "date": job.expires_at.date().isoformat(),
           "url": reverse("bookofbusiness:export_download", args=[job.pk])},
    )  # fmt: skip
    return job
