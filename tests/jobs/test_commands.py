"""`traguardo worker` starts a Celery worker only where there is a broker to serve."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command


def test_without_a_broker_the_worker_says_why_it_is_not_needed(settings: Any) -> None:
    settings.TRAGUARDO_BROKER_URL = ""
    with pytest.raises(CommandError, match="TRAGUARDO_BROKER_URL non è impostato"):
        call_command("worker")


def test_with_a_broker_it_starts_a_celery_worker_with_the_options(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traguardo.project.celery import app

    started: list[list[str]] = []
    monkeypatch.setattr(app, "worker_main", lambda argv: started.append(argv))
    settings.TRAGUARDO_BROKER_URL = "redis://127.0.0.1:6379/2"
    call_command("worker", concurrency=2, queues="relazione")
    assert started == [["worker", "--loglevel=INFO", "--concurrency=2", "--queues=relazione"]]


def test_a_broker_url_that_is_not_redis_or_amqp_stops_start_up() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRAGUARDO_BROKER_URL": "http://example.org/"}
    env["DJANGO_SETTINGS_MODULE"] = "traguardo.project.settings"
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "TRAGUARDO_BROKER_URL must be a redis:// or amqp:// address" in run.stderr
