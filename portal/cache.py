"""A Redis cache that a Redis outage cannot take down: reads miss and writes are dropped while Redis is away.

The portal keeps nothing in the cache that it needs to be right (sessions are in the database; the cache
holds rate-limit counters and a minute's copy of the outage notices), so pages keep serving without it.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(default):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                logger.warning("cache unavailable (%s): %s skipped", type(error).__name__, method.__name__)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _missing(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    get = _tolerant(_missing)(RedisCache.get)
    get_many = _tolerant({})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    set = _tolerant(None)(RedisCache.set)
    set_many = _tolerant([])(RedisCache.set_many)
    # "Added": allauth's rate limits take a lock with add(); without Redis they let requests through (the
    # per-account lockout is in the database and still counts).
    add = _tolerant(True)(RedisCache.add)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    incr = _tolerant(lambda key, delta=1, *args, **kwargs: delta)(RedisCache.incr)
    clear = _tolerant(False)(RedisCache.clear)
