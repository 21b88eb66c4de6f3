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
