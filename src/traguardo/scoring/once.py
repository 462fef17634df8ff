"""A value kept in Django's cache and computed by one worker at a time.

Right after a saved value every page that shows a figure misses the cache at once, often in
different server processes. Without coordination each of them would score the plan and
render the same page part again; here the first one takes a short lock in the cache (an
atomic `add`, shared by every process when TRAGUARDO_CACHE_URL points at Redis) and the
others wait for its result instead of repeating the work.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar, cast

from django.core.cache import cache

T = TypeVar("T")

LOCK_SECONDS = 30  # a worker that dies while computing frees the key after this
WAIT_SECONDS = 5.0  # longer than any computation: past it, compute rather than wait more
POLL_SECONDS = 0.01

_MISSING = object()


def computed_once(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The value cached under `key`, computed with `compute()` by one worker when missing."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return cast(T, value)
    lock, token = f"{key}:lock", uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_SECONDS
    while not cache.add(lock, token, LOCK_SECONDS):
        time.sleep(POLL_SECONDS)  # another worker is computing it: wait for its result
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            return cast(T, value)
        if time.monotonic() > deadline:
            return compute()  # the other worker is stuck: do not make this page wait
    try:
        value = cache.get(key, _MISSING)  # finished between our miss and our lock
        if value is _MISSING:
            value = compute()
            cache.set(key, value, timeout)
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)
    return cast(T, value)
