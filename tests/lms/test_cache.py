"""lms/cache.py: a Redis that does not answer slows pages without failing them; versioned values."""

import pytest
import redis
from django.core.cache import cache

from lms.cache import ResilientRedisCache, version_bump, versioned_get

pytestmark = pytest.mark.django_db  # version_bump also runs after the transaction commits

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def test_reads_miss_and_writes_are_dropped_when_redis_does_not_answer():
    down = ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 1}})

    assert down.get("key", "default") == "default"
    assert down.get_many(["a", "b"]) == {}
    assert down.add("key", 1) is False
    down.set("key", 1)
    down.set_many({"a": 1})
    down.delete("key")
    assert down.get_or_set("key", lambda: "built") == "built"


def test_counters_still_fail_when_redis_does_not_answer():
    down = ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 1}})

    with pytest.raises(redis.exceptions.ConnectionError):
        down.incr("counter")


def test_a_versioned_value_is_built_once_then_again_after_a_bump():
    built = []

    def build(version):
        built.append(version)
        return f"value {len(built)}"

    first = versioned_get(version_key="test:version", key="test:value", build=build, timeout=60)
    again = versioned_get(version_key="test:version", key="test:value", build=build, timeout=60)
    version_bump("test:version")
    after = versioned_get(version_key="test:version", key="test:value", build=build, timeout=60)

    assert first[1] == again[1] == "value 1"
    assert after[1] == "value 2" and after[0] != first[0]


def test_a_versioned_value_is_not_reused_when_its_version_was_evicted():
    versioned_get(version_key="test:version", key="test:value", build=lambda v: "old", timeout=60)
    cache.delete("test:version")

    assert (
        versioned_get(version_key="test:version", key="test:value", build=lambda v: "new", timeout=60)[1]
        == "new"
    )
