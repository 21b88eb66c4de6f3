"""The Book of Business's background work: thin Celery tasks over the services and the extract writer."""

import datetime

from celery import group, shared_task
from django.utils import timezone

# Modules, not names: services enqueue these tasks, so the two modules import each other, and each looks the
# other's names up only when a task runs.
from . import extracts, services
from .models import BookOfBusinessExport


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=60)
def write_export(self, export_id: int) -> int:
    """Write a large Book of Business export; retried if the worker dies part-way."""
    job = BookOfBusinessExport.objects.select_related("requested_by", "agent__user").get(pk=export_id)
    if job.status == BookOfBusinessExport.Status.READY:
        return job.rows_written
    try:
        return services.write_export(job).rows_written
    except Exception as error:
        BookOfBusinessExport.objects.filter(pk=export_id).update(status=BookOfBusinessExport.Status.FAILED)
        raise self.retry(exc=error) from error


@shared_task
def requeue_exports() -> int:
    """Every five minutes: exports the broker could not take when they were asked for."""
    return services.requeue_exports()


@shared_task
def expire_exports() -> int:
    """Every hour: the files of exports past their expiry are deleted."""
    return services.expire_exports()


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def write_owner_extracts(self, scope: str, owner_ids: list[int], week: str) -> int:
    """A batch of agents' or agencies' extracts for the week; redelivered if the worker dies, retried if it
    fails, and each retry writes only what is not published yet."""
    return extracts.write_owner_extracts(scope=scope, owner_ids=owner_ids, week=datetime.date.fromisoformat(week))


@shared_task
def run_weekly_extracts(week: str | None = None) -> dict:
    """Monday 04:00: fan the week's extracts out in batches of owners, one task each."""
    monday = datetime.date.fromisoformat(week) if week else extracts.week_of(timezone.localdate())
    run = extracts.run_week(
        monday, write=lambda scope, batch: write_owner_extracts.s(scope, batch, monday.isoformat())
    )
    group(run.pop("results")).apply_async()  # one task per batch of owners
    return run


@shared_task
def at_risk_summaries() -> int:
    """Mondays: each Agency Manager gets the counts of what is at risk in the agency, with a link to Today."""
    return services.send_at_risk_summaries()
