"""A confirmed import as a background job (exchange.Upload): queued by the confirmation,
run by the task engine, retried after an interruption.

The import itself (exchange.services.import_file) saves all or nothing; this module only
schedules it, reports its progress through the job's heartbeat and records the outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from traguardo.audit.recorder import acting_as
from traguardo.exchange.models import Upload
from traguardo.exchange.result import ACTION_LABELS, Action, ImportResult
from traguardo.exchange.safety import Refused
from traguardo.exchange.services import import_file
from traguardo.jobs import services as jobs

log = logging.getLogger(__name__)


def result_context(result: ImportResult) -> dict[str, Any]:
    """The result as the upload page shows it (labels in the current language)."""
    data = result.as_dict()
    data["labels"] = {a.value: _(ACTION_LABELS[a]) for a in Action}
    return data


@shared_task(name="traguardo.exchange.run_import")
def run_import(upload_pk: int) -> None:
    run_upload(upload_pk)


def confirm_upload(item: Upload, user: Any, language: str | None) -> bool:
    """Queue the saving of a previewed upload; False if it is not (or no longer) a preview."""
    taken = Upload.objects.filter(pk=item.pk, status=Upload.Status.PREVIEW).update(
        status=Upload.Status.QUEUED,
        requested_by=user if getattr(user, "pk", None) else None,
        requested_at=timezone.now(),
        language=(language or "")[:8],
        step=_("In attesa di elaborazione"),
    )
    if taken:
        jobs.enqueue(run_import, item.pk)
    return bool(taken)


def retry_upload(item: Upload) -> bool:
    """Queue again an import that was interrupted or failed unexpectedly (not one whose
    file had problems: that needs a corrected file)."""
    return jobs.retry(item)


def run_upload(pk: int) -> Upload | None:
    """Claim and save one confirmed upload, in the confirming user's language; None if it
    was not queued (another worker took it)."""
    attempt = jobs.claim(Upload, pk)
    if attempt is None:
        return None
    item = Upload.objects.select_related("cycle", "entity").get(pk=pk)
    with override(item.language or None):
        _save(item, attempt)
    item.refresh_from_db()
    return item


def _save(item: Upload, attempt: int) -> None:
    beat = jobs.Heartbeat(Upload, item.pk, attempt)

    def progress(done: int, total: int, label: str) -> None:
        percent = done * 100 // total if total else 0
        beat(percent, label, {"done": done, "total": total, "label": label})

    user = item.requested_by or (
        get_user_model().objects.filter(pk=item.user_id).first() if item.user_id else None
    )
    try:
        seen = item.preview.get("seen") if isinstance(item.preview, dict) else None
        # Every audit entry written by the import (not only its summary) names the user who
        # confirmed it, also in a worker process where no request says who it is.
        with acting_as(user):
            result = import_file(
                item.name,
                bytes(item.data),
                item.cycle,
                dry_run=False,
                user=user,
                progress=progress,
                seen=seen,
                entity=item.entity,
            )
    except Refused as exc:
        issue = {"sheet": "", "row": None, "column": "", "message": exc.message}
        jobs.fail(Upload, item.pk, attempt, "", result={"issue_count": 1, "issues": [issue]})
        return
    except Exception as exc:  # unexpected (database down…): nothing saved, may be retried
        log.exception("Import of upload %s failed", item.pk)
        message = _("errore imprevisto ({name}): nulla è stato salvato").format(
            name=type(exc).__name__
        )
        jobs.fail(Upload, item.pk, attempt, message)
        return
    outcome = result_context(result)
    if result.saved:
        jobs.finish(Upload, item.pk, attempt, result=outcome, data=b"", step=_("Importato"))
    else:  # problems in the file: nothing saved, a corrected file is needed
        jobs.fail(Upload, item.pk, attempt, "", result=outcome, data=b"")
