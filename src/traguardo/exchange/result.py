"""What an import found and did: every problem, and every row created, updated or unchanged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_noop

from traguardo.core.tabular import Issue

Progress = Callable[[int, int, str], None]  # (rows done, rows in total, what is being done)


def no_progress(done: int, total: int, label: str) -> None:
    return None


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


# Marked for the catalogue only: the labels go into the upload's JSON (views.py translates
# them with gettext there); the command-line report (report.py) shows them as they are.
ACTION_LABELS = {
    Action.CREATE: gettext_noop("da creare"),
    Action.UPDATE: gettext_noop("da aggiornare"),
    Action.UNCHANGED: gettext_noop("invariato"),
}


@dataclass(frozen=True, slots=True)
class Change:
    sheet: str  # the sheet's title as in the file
    row: int
    code: str
    action: Action
    fields: tuple[str, ...] = ()  # for updates: the columns whose value changes


@dataclass(slots=True)
class ImportResult:
    kind: str  # "plan", "values" or "archive"
    year: int
    issues: list[Issue] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = True
    saved: bool = False
    warnings: list[Issue] = field(default_factory=list)
    # Values imports: "indicator pk:period pk" → the version each changed value had when
    # the preview was made (0: none). Confirming checks them, so that a value saved in
    # between is reported as a conflict instead of being overwritten.
    seen: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues

    def counts(self) -> dict[str, dict[str, int]]:
        """Per sheet: how many rows are created, updated, unchanged."""
        out: dict[str, Counter[str]] = {}
        for change in self.changes:
            out.setdefault(change.sheet, Counter())[change.action.value] += 1
        return {
            sheet: {a.value: counter.get(a.value, 0) for a in Action}
            for sheet, counter in out.items()
        }

    def totals(self) -> dict[str, int]:
        counter = Counter(change.action.value for change in self.changes)
        return {a.value: counter.get(a.value, 0) for a in Action}

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "rows": self.rows,
            "dry_run": self.dry_run,
            "saved": self.saved,
            "totals": self.totals(),
            "counts": self.counts(),
            "seen": self.seen,
            "issue_count": len(self.issues),
            "issues": [  # enough to show; the count says how many there are in all
                {"sheet": i.sheet, "row": i.row, "column": i.column, "message": i.message}
                for i in self.issues[:2000]
            ],
            "warnings": [
                {"sheet": i.sheet, "row": i.row, "column": i.column, "message": i.message}
                for i in self.warnings
            ],
            "changes": [
                {
                    "sheet": c.sheet,
                    "row": c.row,
                    "code": c.code,
                    "action": c.action.value,
                    "fields": list(c.fields),
                }
                for c in self.changes
                if c.action is not Action.UNCHANGED
            ][:2000],
        }


class ImportAborted(Exception):
    """Raised inside the transaction to undo everything (dry run, or a problem found late)."""
