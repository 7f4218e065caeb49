"""The shared cache, and what happens while Redis is gone.

Rate limits (django-allauth's) are the only thing the site keeps in the cache; there is no page
cache, and sessions live in the database. So when Redis is unreachable, sign-in, sign-up, codes
and password resets keep answering with limits counted per process (stricter than nothing,
looser than the shared count), and Redis is asked again on the next call, so the shared count
comes back by itself. The outage is logged once a minute per process, not once a request.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, falling back to a per-process memory cache while Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._last_logged = 0.0

    def _unreachable(self, error: Exception) -> None:
        now = time.monotonic()
        if now - self._last_logged >= LOG_EVERY_SECONDS:
            self._last_logged = now
            log.error(
                "Redis unreachable (%s): rate limits are counted per process until it is back",
                error,
            )


def _falls_back(name):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._unreachable(error)
            return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
):
    setattr(ResilientRedisCache, _name, _falls_back(_name))
