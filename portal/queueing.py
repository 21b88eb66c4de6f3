"""Queueing work for the Celery workers without letting a broker outage break the request that asked.

`enqueue` returns whether the task was queued. When Redis (the broker) is away, it logs that, runs the
fallback if there is one (sending an e-mail directly, for instance) and returns False, so the caller can
say so to the person; work without a fallback is picked up again by a scheduled task once Redis is back.
"""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *, args=(), kwargs=None, fallback=None) -> bool:
    try:
        task.apply_async(args=args, kwargs=kwargs or {})
        return True
    except OperationalError as error:
        logger.warning("task queue unavailable (%s): %s not queued%s", error, task.name,
                       "; done here instead" if fallback else "")  # fmt: skip
        if fallback is not None:
            fallback()
        return False
