"""A real Celery worker for tests/jobs/test_real_worker.py, run as a separate process.

`python worker_process.py QUEUE slow`: its Relazione generation beats once and then hangs,
so that the test can kill the worker in the middle of a job; `normal`: an ordinary worker.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")
django.setup()

from traguardo.project.celery import app  # noqa: E402
from traguardo.reports.relazione import jobs  # noqa: E402


def _hangs(cycle: Any, fmt: str, progress: Any) -> Any:
    progress(7, "generazione lenta (test)")
    time.sleep(600)
    raise RuntimeError("not reached: the test kills this worker")


if __name__ == "__main__":
    queue, mode = sys.argv[1], sys.argv[2]
    if mode == "slow":
        jobs.generate = _hangs
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]
    )
