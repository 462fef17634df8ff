"""The Celery application: the one engine of background tasks (docs/deploy.md).

Configured from Django's settings (the CELERY_* names, set from TRAGUARDO_BROKER_URL); tasks
are found in each app's `tasks` module. Without a broker every task runs eagerly, in the
process that asks for it, so development and `make demo` need no extra process.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")

app = Celery("traguardo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Optional alternative to cron for the daily reminders: run `celery -A traguardo.project beat`
# (one process for the whole installation). Without beat nothing here runs.
app.conf.beat_schedule = {
    "send-reminders-daily": {
        "task": "traguardo.monitoring.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
