"""A Redis cache that a stopped Redis cannot take the site down with.

Pages read the cache for what they can also compute (course outlines, permissions for the header, Wagtail's
site root paths): when Redis does not answer, reads find nothing and writes are dropped, so the page is built
from the database, only slower. After a failure the process leaves Redis alone for `RETRY_SECONDS`, so that a
Redis that times out costs one timeout, not one per cache call. Counters (`incr`, `decr`: the password-reset
limits) and `clear` still raise: a limit that cannot count must not let everything through.

`versioned_get` and `version_bump` keep values that a change must make stale at once (course outlines,
permissions), with any cache backend; `versioned_read` reads other keys in the same round trip, and a
`Fragment` is a rendered piece of template read that way, ahead of rendering (the `{% fragment %}` tag of
courses/templatetags/fragments.py shows it or renders and stores it); `version_current` gives the number for
a value kept elsewhere (the skills app keeps its evidence links in each process).
"""

import logging
import time
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Versioned:
    version: Any
    value: Any
    also: dict  # the other keys asked for that were found, with their stored values


def versioned_read(*, version_key: str, key: str, build, timeout: int, also=()) -> Versioned:
    """A value kept in the cache under `key` together with the version (a number kept under `version_key`) it
    was built for, read in one round trip with the keys of `also` (whatever they hold, unchecked). A stored
    value of another version is built again, so `version_bump(version_key)` makes every value of that
    version stale at once."""
    found = cache.get_many([version_key, key, *also])
    version = found.get(version_key)
    if version is None:
        # A fresh number, never one used before: a value kept under an evicted version is not reused.
        cache.add(version_key, time.time_ns(), None)
        version = cache.get(version_key) or 0
    extra = {name: found[name] for name in also if name in found}
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return Versioned(version, entry[1], extra)
    value = build(version)
    cache.set(key, (version, value), timeout)
    return Versioned(version, value, extra)


def versioned_get(*, version_key: str, key: str, build, timeout: int):
    """`versioned_read` without other keys. Returns (version, value)."""
    read = versioned_read(version_key=version_key, key=key, build=build, timeout=timeout)
    return read.version, read.value


@dataclass
class Fragment:
    """A rendered piece of template kept in the cache under `key`, read before rendering (with other keys, in
    one round trip): `html` is what was found, None when it is to be rendered and stored. With a `version`
    the fragment is stored as (version, html) and counts only when read back for that same version, so a
    fragment can be keyed before the version it depends on is known (`Fragment.found`)."""

    key: str
    timeout: int
    version: Any = None
    html: str | None = None

    @classmethod
    def found(cls, *, key: str, timeout: int, values: dict, version=None) -> "Fragment":
        """The fragment as `values` (what a `get_many` found) holds it, for `version` when given."""
        stored = values.get(key)
        if version is not None:
            stored = stored[1] if isinstance(stored, tuple) and stored[0] == version else None
        return cls(key=key, timeout=timeout, version=version, html=stored)

    def store(self, html: str) -> None:
        self.html = html
        cache.set(self.key, html if self.version is None else (self.version, html), self.timeout)


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
