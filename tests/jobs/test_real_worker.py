"""A real Celery worker, in its own process, against Redis (database 2) and the test
database: killed with SIGKILL in the middle of a Relazione generation, the job is detected
as interrupted from its stale heartbeat, and the office's retry is run to the end by a new
worker. Every wait is bounded; skipped (with the reason) where Redis is not reachable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import load_demo_cycle
from traguardo.demo.users import DEMO_PASSWORD
from traguardo.project.celery import app
from traguardo.reports.models import ReportJob

# A Redis database of its own: it is emptied before and after the test.
BROKER = os.environ.get("TRAGUARDO_TEST_BROKER_URL", "redis://127.0.0.1:6379/2")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_or_skip() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {BROKER}: {exc}")
    return client


def _database_url() -> str:
    """The test database, as a URL the worker process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        if db["NAME"] in ("", ":memory:") or "mode=memory" in str(db["NAME"]):
            pytest.skip("an in-memory SQLite test database cannot be shared with a worker")
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        return f"postgres://{auth}{host}/{db['NAME']}"
    pytest.skip(f"no worker test for the {db['ENGINE']} database")


@pytest.fixture
def broker(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """The Celery app of this process sends to Redis database 2 (this test's own, emptied
    before and after); the environment for the worker processes."""
    redis = _redis_or_skip()
    redis.flushdb()  # no message left by an earlier run
    queue = app.conf.task_default_queue
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRAGUARDO_BROKER_URL = BROKER
    settings.TRAGUARDO_JOB_TIMEOUT = 3  # seconds without a heartbeat: interrupted
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=BROKER)
    # Connections Celery opened earlier in this process point at the in-memory broker of
    # the eager mode: start from none (Celery's own after-fork reset does the same).
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "traguardo.project.settings",
        "DATABASE_URL": _database_url(),
        "TRAGUARDO_BROKER_URL": BROKER,
        "TRAGUARDO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "QUEUE": queue,
    }
    try:
        yield env
    finally:
        app.conf.update(saved)
        app.pool.force_close_all()
        redis.flushdb()


def _start(env: dict[str, str], mode: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "jobs" / "worker_process.py"), env["QUEUE"], mode],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed with all its children
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait(what: str, ready: Callable[[], bool], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.3)
    pytest.fail(f"{what}: not within {seconds:.0f} s. Worker log:\n{log.read_text()[-3000:]}")


def test_a_killed_worker_is_detected_and_the_retry_runs_on_a_new_worker(
    broker: dict[str, str], tmp_path: Path
) -> None:
    load_demo_cycle()
    office = Client()
    assert office.login(username="ufficio", password=DEMO_PASSWORD)
    slow_log, normal_log = tmp_path / "slow.log", tmp_path / "normal.log"
    slow = _start(broker, "slow", slow_log)
    try:
        # the page only queues: no broker would mean it ran here, at once
        assert office.post("/relazione/2019/genera/", {"format": "html"}).status_code == 302
        job = ReportJob.objects.get()

        def running() -> bool:
            job.refresh_from_db()
            return job.status == "running" and job.step == "generazione lenta (test)"

        _wait("the worker claims the job and beats", running, 90, slow_log)
        assert job.attempts == 1 and job.heartbeat_at is not None
        os.killpg(slow.pid, signal.SIGKILL)  # the worker dies in the middle of the job
        slow.wait(timeout=10)
    finally:
        _stop(slow)
    assert office.get(f"/relazione/file/{job.pk}/stato/").json()["status"] == "running"

    def interrupted() -> bool:
        return office.get(f"/relazione/file/{job.pk}/stato/").json()["status"] == "failed"

    _wait("the dead worker is noticed", interrupted, 30, slow_log)
    job.refresh_from_db()
    assert job.step == "Interrotto" and job.can_retry and not job.file
    assert "Elaborazione interrotta" in office.get("/relazione/").content.decode()

    normal = _start(broker, "normal", normal_log)
    try:
        assert office.post(f"/relazione/file/{job.pk}/riprova/").status_code == 302

        def done() -> bool:
            job.refresh_from_db()
            return job.status in ("done", "failed")

        _wait("the retry runs on the new worker", done, 120, normal_log)
    finally:
        _stop(normal)
    assert job.status == "done", job.message
    assert job.attempts == 2 and job.message == ""
    assert b"98,61%" in job.file.read()
