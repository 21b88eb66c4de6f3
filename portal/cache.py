"""A Redis cache that a Redis outage cannot take down: reads miss and writes are dropped while Redis is away.

The portal keeps nothing in the cache that it needs to be right (sessions are in the database, the cache only
holds their copies; it holds rate-limit counters, what portal.person keeps of signed-in people, a minute's copy of
the outage notices), so pages keep serving without it.

One Redis client per connection pool, made once: Django's backend makes a new client (with its table of reply
callbacks) for every operation, which cost more than the round trip itself.
"""

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import EmptyResultSet
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


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

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


def kept(key: str, seconds: int, load: Callable[[], Any]) -> Any:
    """`load()`, kept `seconds` under `key` in the shared cache: for what a page only offers (lists to choose
    from), never for what decides access."""
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, seconds)
    return value


def kept_while_large(queryset, load: Callable[[], Any], *, size: Callable[[Any], int] = int) -> Any:
    """What `load()` counts of `queryset`, kept BOOK_COUNT_CACHE_SECONDS under the queryset's own SQL when it is
    large (`size` of it at least BOOK_COUNT_CACHE_FROM): a large book is counted once a minute, a small one
    exactly every time."""
    try:
        key = "counted:" + hashlib.sha256(str(queryset.order_by().query).encode()).hexdigest()
    except EmptyResultSet:
        return load()  # nothing to count: Django answers without asking the database
    value = cache.get(key)
    if value is None:
        value = load()
        if size(value) >= settings.BOOK_COUNT_CACHE_FROM:
            cache.set(key, value, settings.BOOK_COUNT_CACHE_SECONDS)
    return value
