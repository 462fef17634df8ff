"""One worker computes a missing cached value; the others wait for it."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.core.cache import cache

from traguardo.scoring import once
from traguardo.scoring.once import computed_once


def _key() -> str:
    return f"test:once:{uuid.uuid4().hex}"


def test_workers_that_miss_together_compute_once() -> None:
    key, calls, results = _key(), [], []
    start = threading.Barrier(4)

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)  # long enough for every other thread to find the lock taken
        return "html"

    def worker() -> None:
        start.wait()
        results.append(computed_once(key, compute, 60))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["html"] * 4
    assert len(calls) == 1
    assert cache.get(f"{key}:lock") is None  # released


def test_a_cached_value_is_not_computed_again() -> None:
    key = _key()
    cache.set(key, "kept", 60)
    assert computed_once(key, lambda: pytest.fail("computed again"), 60) == "kept"


def test_a_lock_left_by_a_stuck_worker_does_not_block_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = _key()
    monkeypatch.setattr(once, "WAIT_SECONDS", 0.05)
    cache.add(f"{key}:lock", "another worker", 60)
    assert computed_once(key, lambda: "mine", 60) == "mine"
    assert cache.get(f"{key}:lock") == "another worker"  # not ours to release


def test_a_failed_computation_releases_the_lock() -> None:
    key = _key()

    def broken() -> str:
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        computed_once(key, broken, 60)
    assert cache.get(f"{key}:lock") is None
    assert computed_once(key, lambda: "fixed", 60) == "fixed"


def _taken_now() -> str:
    return f"{time.time()}:another worker"


def test_a_reader_gets_the_previous_value_while_another_worker_computes() -> None:
    key, previous = _key(), _key()
    cache.set(previous, (time.time(), "as it was"), 60)
    cache.add(f"{key}:lock", _taken_now(), 60)
    assert computed_once(key, lambda: pytest.fail("computed twice"), 60, previous=previous) == (
        "as it was"
    )


def _as_writer_at(moment: float, key: str, previous: str) -> str:
    token = once.fresh_since.set(moment)
    try:
        return computed_once(key, lambda: pytest.fail("computed twice"), 60, previous=previous)
    finally:
        once.fresh_since.reset(token)


def test_whoever_saved_after_the_previous_value_waits_for_the_new_one() -> None:
    key, previous = _key(), _key()
    computed_at = time.time()
    cache.set(previous, (computed_at, "as it was"), 60)
    cache.add(f"{key}:lock", _taken_now(), 60)
    threading.Timer(0.2, lambda: cache.set(key, "with my change", 60)).start()
    assert _as_writer_at(computed_at + 0.001, key, previous) == "with my change"


def test_whoever_saved_before_the_previous_value_gets_it_without_waiting() -> None:
    key, previous = _key(), _key()
    computed_at = time.time()
    cache.set(previous, (computed_at, "with my change and another one"), 60)
    cache.add(f"{key}:lock", _taken_now(), 60)
    assert _as_writer_at(computed_at - 1, key, previous) == "with my change and another one"


def test_the_previous_value_is_not_served_behind_a_dead_workers_lock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key, previous = _key(), _key()
    monkeypatch.setattr(once, "WAIT_SECONDS", 0.05)
    cache.set(previous, (time.time() - 3600, "as it was an hour ago"), 60)
    cache.add(f"{key}:lock", f"{time.time() - 3600}:a worker that died", 60)
    assert computed_once(key, lambda: "now", 60, previous=previous) == "now"


def test_a_computed_value_becomes_the_previous_one_with_the_moment_it_began() -> None:
    key, previous = _key(), _key()
    before = time.time()

    def compute() -> str:
        time.sleep(0.05)
        return "new"

    assert computed_once(key, compute, 60, previous=previous) == "new"
    began, value = cache.get(previous)
    assert value == "new"
    assert before <= began < before + 0.05  # when it started reading, not when it ended
