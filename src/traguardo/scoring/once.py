"""A value kept in Django's cache and computed by one worker at a time.

Right after a saved value every page that shows a figure misses the cache at once, often in
different server processes. Without coordination each of them would score the plan and
render the same page part again; here the first one takes a short lock in the cache (an
atomic `add`, shared by every process when TRAGUARDO_CACHE_URL points at Redis) and the
others wait for its result instead of repeating the work.

Page parts may also name a `previous` key, holding the last value computed for the same
part whatever the state of the data, with the moment its computation began: while another
worker is computing the new one, a reader gets that previous value at once instead of
waiting, provided it was computed after the reader's own last change (`fresh_since`), so
nobody ever sees a page older than what they saved. Nobody gets it when nobody is
computing, so a page read after a change, with nothing else going on, always shows it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar, cast

from django.core.cache import cache

T = TypeVar("T")

LOCK_SECONDS = 30  # a worker that dies while computing frees the key after this
WAIT_SECONDS = 5.0  # longer than any computation: past it, compute rather than wait more
POLL_SECONDS = 0.01

# When the request's user last saved something (web.middleware.read_your_writes, as
# time.time()): a previous value computed before that moment lacks their change.
fresh_since: ContextVar[float] = ContextVar("traguardo_fresh_since", default=0.0)

_MISSING = object()


def computed_once(
    key: str, compute: Callable[[], T], timeout: int, *, previous: str | None = None
) -> T:
    """The value cached under `key`, computed with `compute()` by one worker when missing.

    With `previous`, the last value stored under that key is returned instead of waiting
    while another worker computes `key`, if it was computed after `fresh_since`."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return cast(T, value)
    lock, token = f"{key}:lock", f"{time.time()}:{uuid.uuid4().hex}"
    deadline = time.monotonic() + WAIT_SECONDS
    while not cache.add(lock, token, LOCK_SECONDS):
        if previous is not None and _recent(cache.get(lock)):
            old = cache.get(previous)
            if isinstance(old, tuple) and old[0] >= fresh_since.get():
                return cast(T, old[1])
        time.sleep(POLL_SECONDS)  # another worker is computing it: wait for its result
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            return cast(T, value)
        if time.monotonic() > deadline:
            return compute()  # the other worker is stuck: do not make this page wait
    try:
        value = cache.get(key, _MISSING)  # finished between our miss and our lock
        if value is _MISSING:
            # Before reading anything: every change committed by now is in the value.
            began = time.time()
            value = compute()
            kept = {key: value, previous: (began, value)} if previous else {key: value}
            cache.set_many(kept, timeout)
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)
    return cast(T, value)


def _recent(token: object) -> bool:
    """A lock taken less than WAIT_SECONDS ago: its worker is still computing, so the
    previous value is at most that old. A lock left by a worker that died is not."""
    if not isinstance(token, str):
        return False
    try:
        taken = float(token.partition(":")[0])
    except ValueError:
        return False
    return time.time() - taken < WAIT_SECONDS
