"""A Redis cache that a stopped Redis cannot take the site down with.

Pages read the cache for what they can also compute (course outlines, permissions for the header, Wagtail's
site root paths): when Redis does not answer, reads find nothing and writes are dropped, so the page is built
from the database, only slower. After a failure the process leaves Redis alone for `RETRY_SECONDS`, so that a
Redis that times out costs one timeout, not one per cache call. Counters (`incr`, `decr`: the password-reset
limits) and `clear` still raise: a limit that cannot count must not let everything through.

`versioned_get` and `version_bump` keep values that a change must make stale at once (course outlines,
permissions), with any cache backend; `version_current` gives the number for a value kept elsewhere (the
skills app keeps its evidence links in each process).
"""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    def _attempt(self, operation, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except _FAILURES:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning("The cache does not answer; pages are built without it.", exc_info=True)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._attempt(super().delete_many, None, keys, version)


def versioned_get(*, version_key: str, key: str, build, timeout: int):
    """A value kept in the cache under `key` together with the version (a number kept under `version_key`) it
    was built for, both read in one round trip. A stored value of another version is built again, so
    `version_bump(version_key)` makes every value of that version stale at once. Returns (version, value)."""
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:
        # A fresh number, never one used before: a value kept under an evicted version is not reused.
        cache.add(version_key, time.time_ns(), None)
        version = cache.get(version_key) or 0
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return version, entry[1]
    value = build(version)
    cache.set(key, (version, value), timeout)
    return version, value


def version_current(version_key: str):
    """The number kept under `version_key` (a fresh one if there is none); None when the cache does not
    answer, so that nothing is kept against a version nobody can bump."""
    version = cache.get(version_key)
    if version is None:
        cache.add(version_key, time.time_ns(), None)
        version = cache.get(version_key)
    return version


def version_bump(version_key: str) -> None:
    """Make every value kept under this version stale, now and once the transaction commits (a request that
    read the database between the change and its commit may have stored the old value under the new
    number)."""

    def bump():
        cache.set(version_key, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)
