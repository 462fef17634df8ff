"""The "Valore pubblicato" column of the plan and values files (exchange.schema.published).

A non-empty cell records the figure a published Relazione printed for the row's item,
through scoring.adjustments.set_published (its permission, its audit entry, its data
version); an empty cell leaves what is recorded alone. Which figure a row names:

- Obiettivi operativi: the objective's performance (code ``2.1/1``);
- Blocchi ente: the block's achievement A (``BLOCCO-<n>``);
- Indicatori and Valori: the indicator's degree of achievement (``2.1/1#2``, ``B14``), as at
  the 31.12 (a published figure belongs to the cycle, not to a period).

A cell that is not a number is an issue naming the sheet, the row and the column, and then
nothing of the file is saved, as for any other cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from traguardo.core.numbers import Limits
from traguardo.core.tabular import Issue
from traguardo.exchange.cells import CellError, parse_decimal
from traguardo.exchange.reader import Row, Table
from traguardo.exchange.result import ImportAborted
from traguardo.plans.models import Cycle
from traguardo.scoring import adjustments
from traguardo.scoring.models import ScoreAdjustment

_FIELD = ScoreAdjustment._meta.get_field("published")
LIMITS = Limits(_FIELD.max_digits or 12, _FIELD.decimal_places or 6)


@dataclass
class PublishedFigures:
    table: Table
    issues: list[Issue]
    found: list[tuple[Row, str, Decimal]] = field(default_factory=list)

    def read(self, row: Row, code: str) -> None:
        """The row's published figure of the item `code`, if its cell is filled in."""
        text = row.cells.get("published", "").strip()
        if not text:
            return
        try:
            value = parse_decimal(text, limits=LIMITS)
        except CellError as exc:
            self._issue(row, str(exc))
            return
        self.found.append((row, code, value))

    def _issue(self, row: Row | None, message: str) -> None:
        column = self.table.header("published")
        self.issues.append(Issue(self.table.title, row.number if row else None, column, message))

    def check(self, cycle: Cycle, user: Any) -> None:
        """Whether the importing user may record published figures (the office)."""
        if not self.found:
            return
        refusal = adjustments.published_refusal(user, cycle) if user is not None else None
        if refusal is None and cycle.is_published:
            refusal = _("Il ciclo %(year)s è pubblicato: i suoi dati sono in sola lettura.") % {
                "year": cycle.year
            }
        if refusal:
            self._issue(self.found[0][0], refusal)

    def save(self, cycle: Cycle, user: Any) -> None:
        """Record every figure read (inside the import's transaction)."""
        if not self.found:
            return
        from traguardo.scoring.services import score_cycle

        score = score_cycle(cycle)  # which codes exist: once, not once per row
        for row, code, value in self.found:
            try:
                adjustments.set_published(cycle, code, value, by=user, score=score)
            except adjustments.AdjustmentRefused as refused:
                self._issue(row, refused.message)
        if self.issues:
            raise ImportAborted
