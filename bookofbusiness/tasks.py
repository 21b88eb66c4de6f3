from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=60)
def write_export(self, export_id: int) -> int:
    """Write a large Book of Business export; retried if the worker dies part-way."""
    from .models import BookOfBusinessExport
    from .services import write_export as write

    job = BookOfBusinessExport.objects.select_related("requested_by", "agent__user").get(pk=export_id)
    if job.status == BookOfBusinessExport.Status.READY:
        return job.rows_written
    try:
        return write(job).rows_written
    except Exception as error:
        BookOfBusinessExport.objects.filter(pk=export_id).update(status=BookOfBusinessExport.Status.FAILED)
        raise self.retry(exc=error) from error


@shared_task
def requeue_exports() -> int:
    """Every five minutes: exports the broker could not take when they were asked for."""
    from .services import requeue_exports as requeue

    return requeue()


@shared_task
def expire_exports() -> int:
    """Every hour: the files of exports past their expiry are deleted."""
    from .services import expire_exports as expire

    return expire()


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def write_owner_extracts(self, scope: str, owner_ids: list[int], week: str) -> int:
    """A batch of agents' or agencies' extracts for the week; redelivered if the worker dies, retried if it
    fails, and each retry writes only what is not published yet."""
    import datetime

    from .extracts import write_owner_extracts as write

    return write(scope=scope, owner_ids=owner_ids, week=datetime.date.fromisoformat(week))


@shared_task
def run_weekly_extracts(week: str | None = None) -> dict:
    """Monday 04:00: fan the week's extracts out in batches of owners, one task each."""
    import datetime

    from celery import group
    from django.utils import timezone

    from .extracts import owner_batches, owners_for_week, purge_old_extracts, week_of

    monday = datetime.date.fromisoformat(week) if week else week_of(timezone.localdate())
    agents, agencies = owners_for_week()
    jobs = [
        write_owner_extracts.s(scope, batch, monday.isoformat()) for scope, batch in owner_batches(agents, agencies)
    ]
    group(jobs).apply_async()
    purged = purge_old_extracts()
    return {"week": monday.isoformat(), "agents": len(agents), "agencies": len(agencies), "tasks": len(jobs),
            "purged": purged}  # fmt: skip
