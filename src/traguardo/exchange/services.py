"""The one entry point of imports, for the web page and the command line alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from traguardo.audit.recorder import record_bulk
from traguardo.exchange import reader
from traguardo.exchange.plan_import import PlanImport
from traguardo.exchange.result import ImportResult, Progress, no_progress
from traguardo.exchange.safety import FileKind, Refused, classify
from traguardo.exchange.values_import import ValuesImport
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle


def import_file(
    name: str,
    data: bytes,
    cycle: Cycle | None,
    *,
    dry_run: bool,
    user: Any = None,
    progress: Progress = no_progress,
    seen: Mapping[str, int] | None = None,
    entity: Entity | None = None,
) -> ImportResult:
    """Check `data` (a file called `name`) and, unless `dry_run`, save it: all or nothing.

    Raises :class:`Refused` when the file as a whole cannot be read (not a spreadsheet,
    too large, a zip bomb, macros, an unknown encoding); problems of single rows are in
    the result's `issues`, and then nothing is saved.

    `entity`: the administration the import is done in (the cycle's, when given): a full
    export of another administration is refused.

    `seen`: when confirming a preview, the versions of the values it read (its result's
    `seen`): a value saved by someone since then is a conflict, reported, never overwritten.
    """
    kind = classify(name, data)
    if kind is FileKind.ARCHIVE:
        from traguardo.exchange.archive import restore_archive

        into = entity if entity is not None else (cycle.entity if cycle is not None else None)
        restored: ImportResult = restore_archive(
            data, dry_run=dry_run, entity=into, progress=progress
        )
        if restored.saved:
            record_bulk(
                f"Importazione dell'archivio {name}",
                {"file": name, "kind": restored.kind, "counts": restored.counts()},
                user=user,
            )
        return restored
    if cycle is None:
        raise Refused(_("indica l'anno del ciclo in cui importare il file"))
    book = reader.read(kind, name, data)
    if "values" in book.tables:
        if len(book.tables) > 1:
            raise Refused(
                _(
                    "il file contiene sia i valori sia fogli del piano: "
                    "importali in due file separati"
                )
            )
        result = ValuesImport(cycle, book, user=user, progress=progress, seen=seen).run(
            dry_run=dry_run
        )
    else:
        result = PlanImport(cycle, book, progress=progress, user=user).run(dry_run=dry_run)
    if result.saved:
        # Rows are saved in bulk: the audit trail gets one entry with the counts per sheet,
        # the file and who imported it (the importers bump the data versions themselves).
        record_bulk(
            f"Importazione del file {name}",
            {"file": name, "kind": result.kind, "counts": result.counts()},
            cycle=cycle,
            user=user,
        )
    return result
