"""The Book of Business online, and its exports."""

import datetime
import tempfile
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from agencies.views import membership_allowing
from agents.selectors import agent_options, receivers_for
from delegations import services as delegation_services
from delegations.chosen import confirm_move, review_move
from portal import audit
from portal.downloads import private_download, stored
from portal.permissions import Capability, permissions_for
from portal.selection import Selection, as_id

from . import exports, services
from .forms import BookFilterForm, SavedViewForm
from .models import BookOfBusinessExport, FileFormat
from .selectors import (
    BOOK_COLUMNS,
    NUMERIC_COLUMNS,
    book_agency_of,
    book_columns,
    book_scope,
    exports_for,
    filtered_book,
    page_of_book,
    saved_views_for,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class Book:
    rows: QuerySet
    form: BookFilterForm
    sort: str
    agent: object | None
    ignored: list = field(default_factory=list)
    agency_id: int | None = None  # every row's agency, when the book is an agency's (book_agency_of)


def _book(request, params=None, *, lenient: bool = False) -> Book:
    """The book the request asks for (`params`: its query string, or the one a bulk action carries): whose (from
    its scope, 403 if none, 404 for another agency's agent), then the filter form validated here. Filters that do
    not validate say why beside them; the page (`lenient`) then shows the book without them and names them in
    `ignored`, while an export or a bulk action takes nothing rather than more than was asked."""
    params = request.GET if params is None else params
    scope = book_scope(request.scope_user, acting=request.acting is not None, agent_id=params.get("agent"),
                       mine=bool(params.get("mine")))  # fmt: skip
    if not scope.allowed:
        raise PermissionDenied
    if scope.agent_missing:
        raise Http404
    agency_id = permissions_for(request.scope_user).agency_id
    rows = agent_options(scope.agents, agency_id=agency_id, kind="agency") if scope.agents is not None else None
    form = BookFilterForm(params or None, agents=scope.agents, agent_rows=rows)
    ignored = []
    if form.is_valid() or not form.is_bound:
        filters = form.cleaned_data if form.is_bound else {}
    elif lenient:
        filters = form.cleaned_data  # the fields that validated
        ignored = [(form.fields[name].label or _("Sort"), params.get(name, "")) for name in form.errors]
    else:
        filters = None
    rows = filtered_book(request.scope_user, agent=scope.agent, filters=filters, searched=form.searched)
    return Book(rows=rows, form=form, sort=(filters or {}).get("sort") or "name", agent=scope.agent,
                ignored=ignored, agency_id=book_agency_of(request.scope_user, scope))  # fmt: skip


@login_required
def book(request):
    """The Book of Business: filters, sort on every column, search, paging, chosen columns and saved views; the
    export of what it shows. A POST saves the view as it is shown, under a name."""
    book = _book(request, lenient=True)
    rows, form, sort, agent = book.rows, book.form, book.sort, book.agent
    per_page = (form.cleaned_data.get("per") if form.is_bound else None) or PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    save_form = SavedViewForm(request.POST or None, owner=request.user, query=query.urlencode())
    if request.method == "POST" and save_form.is_valid() and (saved := save_form.save()) is not None:
        messages.success(request, _("The view “%(name)s” is saved. Open it from the list of your views.")
                         % {"name": saved.name})  # fmt: skip
        return redirect(f"{reverse('bookofbusiness:book')}?{saved.query}")
    page = page_of_book(rows, request.GET.get("page"), per_page=per_page, sort=None if form.searched else sort,
                        agency_id=book.agency_id)  # fmt: skip
    audit.record_case_list(request, view="book_of_business", page=page)
    can_export = permissions_for(request.scope_user).allows(Capability.EXPORT_BOOK)
    columns = book_columns(request.GET)
    in_use = sum(1 for name in form.fields if name not in ("sort", "per") and request.GET.get(name))
    return render(
        request,
        "bookofbusiness/book.html",
        {"page": page, "form": form, "sort": sort, "agent": agent, "can_export": can_export,
         "query": query.urlencode(), "chooser": _chooser(request, can_export),
         "columns": [(key, BOOK_COLUMNS[key], key in NUMERIC_COLUMNS) for key in columns],
         "column_choices": _column_choices(columns), "save_form": save_form,
         "saved_views": saved_views_for(request.user), "ignored": book.ignored,
         "filters_in_use": in_use},
        status=400 if save_form.errors else 200,
    )  # fmt: skip


def _column_choices(columns: list[str]) -> list[dict]:
    """The columns panel: the shown columns in their order, then the others; each with the query strings that
    move it up or down among the shown ones."""
    out = []
    for index, key in enumerate(columns):
        up = columns[:]
        down = columns[:]
        if index > 0:
            up[index - 1], up[index] = up[index], up[index - 1]
        if index < len(columns) - 1:
            down[index + 1], down[index] = down[index], down[index + 1]
        out.append({"key": key, "label": BOOK_COLUMNS[key], "shown": True,
                    "up": up if index > 0 else None, "down": down if index < len(columns) - 1 else None})  # fmt: skip
    out += [{"key": key, "label": label, "shown": False} for key, label in BOOK_COLUMNS.items() if key not in columns]
    return out


@require_POST
@login_required
def delete_view(request, view_id: int):
    """Delete one of the person's own saved views (anybody else's is a 404)."""
    view = get_object_or_404(saved_views_for(request.user), pk=view_id)
    view.delete()
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return redirect("bookofbusiness:book")


def _chooser(request, can_export: bool) -> dict | None:
    """What may be done with chosen cases of the book: transfer them (the agency's book, by a person who may
    transfer, not while acting on behalf), export them; None when neither."""
    transfer = request.acting is None and permissions_for(request.user).allows(Capability.TRANSFER)
    if not (transfer or can_export):
        return None
    receivers = agent_options(receivers_for(request.user), agency_id=permissions_for(request.user).agency_id,
                              kind="receivers") if transfer else []  # fmt: skip
    return {"transfer": transfer, "receivers": receivers}


@login_required
def export(request, file_format: str):
    """Export exactly what the view shows. Small books stream straight back; large ones become a task."""
    if file_format not in FileFormat.values:
        raise PermissionDenied
    if not permissions_for(request.scope_user).allows(Capability.EXPORT_BOOK):
        raise PermissionDenied
    rows = _book(request).rows
    count = rows.count()
    filters = {key: value for key, value in request.GET.items() if key != "page"}
    if count > services.STREAM_LIMIT:
        job = services.queue_export(user=request.user, scope_user=request.scope_user, filters=filters,
                                    file_format=file_format, rows_total=count)  # fmt: skip
        if not job.queued:
            messages.warning(request, _("The service that writes large exports is not available right now. Your "
                                        "export is saved and will be written as soon as it is back; it will arrive "
                                        "in your Secure Mailbox."))  # fmt: skip
        return redirect("bookofbusiness:export_status", export_id=job.pk)
    audit.record("export.created", details={"format": file_format, "rows": count, **_audited(filters)})
    return _streamed(rows, file_format)


def _audited(filters: dict) -> dict:
    """An export's filters as the audit log keeps them: the words searched for (which may be a consumer's name)
    are not kept, only that there were some."""
    return {"filters": {key: value for key, value in filters.items() if key != "q"},
            "searched": bool((filters.get("q") or "").strip())}  # fmt: skip


def _streamed(rows, file_format: str):
    """The rows as a file, written while it is sent (CSV) or spooled first (XLSX)."""
    name = _download_name(timezone.now(), file_format)
    iterator = rows.values(*exports.BOOK_FIELDS).iterator(chunk_size=5000)
    if file_format == FileFormat.CSV:
        response = StreamingHttpResponse(exports.csv_lines(iterator), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
        exports.write_xlsx(iterator, spool)
        spool.seek(0)
        return private_download(spool, filename=name, content_type=services.XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_status(request, export_id: int):
    job = get_object_or_404(exports_for(request.user), pk=export_id)
    return render(request, "bookofbusiness/export_status.html", {"job": job, "expired": _expired(job)})


@login_required
def export_download(request, export_id: int):
    """A finished export, for the person who asked for it, until it expires; audited."""
    finished = (BookOfBusinessExport.Status.READY, BookOfBusinessExport.Status.EXPIRED)
    job = get_object_or_404(exports_for(request.user).filter(status__in=finished), pk=export_id)
    if _expired(job):
        return render(request, "bookofbusiness/export_status.html", {"job": job, "expired": True}, status=410)
    audit.record("file.downloaded", obj=job, details={"sha256": job.sha256, "rows": job.rows_written})
    return private_download(stored(job.file), filename=_download_name(job.finished_at or job.created_at,
                            job.file_format), content_type=services.CONTENT_TYPES[job.file_format])  # fmt: skip


def _download_name(made: datetime.datetime, file_format: str) -> str:
    """What an export is downloaded as, streamed or written by the task: by the day it was made (never the stored
    name, which is its attempt's own)."""
    return f"book-of-business-{timezone.localdate(made):%Y-%m-%d}.{file_format}"


def _expired(job: BookOfBusinessExport) -> bool:
    return job.status == BookOfBusinessExport.Status.EXPIRED or bool(
        job.expires_at and job.expires_at < timezone.now()
    )


@require_POST
@login_required
def export_chosen(request, file_format: str):
    """Export the cases chosen on a page of the Book of Business (the whole filtered book goes through `export`)."""
    if file_format not in FileFormat.values:
        raise PermissionDenied
    if not permissions_for(request.scope_user).allows(Capability.EXPORT_BOOK):
        raise PermissionDenied
    selection = Selection.from_post(request.POST)
    if selection.everything:
        return redirect(f"{reverse('bookofbusiness:export', args=[file_format])}?{selection.query}")
    if selection.empty:
        messages.error(request, _("No case was chosen, so nothing was exported. Tick the cases to export first."))
        return redirect(f"{reverse('bookofbusiness:book')}?{selection.query}")
    rows = selection.apply(_book(request, selection.filters).rows)
    count = rows.count()
    audit.record("export.created", details={"format": file_format, "rows": count, "chosen": len(selection.ids),
                                            **_audited(dict(selection.filters.items()))})  # fmt: skip
    return _streamed(rows, file_format)


@require_POST
@login_required
def transfer_chosen(request):
    """Transfer chosen cases of the agency's Book of Business (some rows, or all matching the filter) to one agent.

    Two steps, so nothing surprises: the first shows how many cases will move, from which agents and to whom; the
    second moves exactly that many, or, when the chosen set changed in between, says so and asks again."""
    membership = membership_allowing(request, Capability.TRANSFER)
    if request.acting is not None:
        raise PermissionDenied
    selection = Selection.from_post(request.POST)
    from_agent = as_id(request.POST.get("from_agent"))  # the transfer started from an agent's page: back there
    back = (reverse("agencies:agent", args=[from_agent]) if from_agent is not None
            else f"{reverse('bookofbusiness:book')}?{selection.query}")  # fmt: skip
    if selection.empty:
        messages.error(request, _("No case was chosen, so nothing was transferred. Tick the cases to transfer, or "
                                  "choose all the cases matching the filter."))  # fmt: skip
        return redirect(back)
    receivers = receivers_for(request.user)
    chosen = selection.apply(_book(request, selection.filters).rows)
    review = review_move(request.POST, chosen, receivers=receivers)
    return confirm_move(
        request, review, selection=selection, back=back, kind="transfer",
        move=lambda ids, to_agent: delegation_services.move_delegations(
            by=request.user, agency=membership.agency, delegation_ids=ids, to_agent=to_agent),
        done=lambda count: ngettext("%(count)s case was transferred to %(name)s.",
                                    "%(count)s cases were transferred to %(name)s.", count),
    )  # fmt: skip
