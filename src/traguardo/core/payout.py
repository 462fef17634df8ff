"""From achievement to points or payout: the last step of an SMVP, for cards and bonuses.

A report card's final score (percent) becomes the points the bonus is shared by. Three
ways are common in SMVPs: the score itself (``proportional``: 87% → 87 points), bands
(``bands``: from 60% 50 points, from 90% 100 points, below the first 0) and a
piecewise-linear curve (``linear``: between two given points the payout moves linearly;
before the first and after the last it stays flat).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from traguardo.core.i18n import N_, _
from traguardo.core.numbers import ZERO, format_exact, format_percent


class PayoutKind(StrEnum):
    PROPORTIONAL = "proportional"
    BANDS = "bands"
    LINEAR = "linear"


# Where a score's points come from, as the fund's explanation says it after the arrow.
PAYOUT_SOURCES = {
    PayoutKind.PROPORTIONAL: N_("proporzionali al punteggio"),
    PayoutKind.BANDS: N_("fasce dell'SMVP"),
    PayoutKind.LINEAR: N_("curva lineare dell'SMVP"),
}

PAYOUT_LABELS = {
    PayoutKind.PROPORTIONAL: N_("proporzionale al punteggio"),
    PayoutKind.BANDS: N_("a fasce"),
    PayoutKind.LINEAR: N_("lineare a tratti"),
}


@dataclass(frozen=True, slots=True)
class Payout:
    kind: PayoutKind = PayoutKind.PROPORTIONAL
    # (achievement %, points): thresholds for bands, corners of the curve for linear;
    # sorted by achievement, achievements distinct.
    points: tuple[tuple[Decimal, Decimal], ...] = ()

    def points_for(self, achievement: Decimal | None) -> Decimal:
        if achievement is None:
            return ZERO
        if self.kind is PayoutKind.PROPORTIONAL or not self.points:
            return achievement
        if self.kind is PayoutKind.BANDS:
            reached = [p for a, p in self.points if achievement >= a]
            return reached[-1] if reached else ZERO
        first, last = self.points[0], self.points[-1]
        if achievement <= first[0]:
            return first[1]
        if achievement >= last[0]:
            return last[1]
        for (a1, p1), (a2, p2) in zip(self.points, self.points[1:], strict=False):
            if a1 <= achievement <= a2:
                return p1 + (p2 - p1) * (achievement - a1) / (a2 - a1)
        return last[1]  # pragma: no cover - the points cover every achievement

    @property
    def is_proportional(self) -> bool:
        """Points are the score itself (no bands or curve to apply)."""
        return self.kind is PayoutKind.PROPORTIONAL or not self.points

    def describe(self) -> str:
        """The rule in words: "a fasce: da 60% 50 punti, da 90% 100 punti"."""
        label = _(PAYOUT_LABELS[self.kind])
        if self.is_proportional:
            return _(PAYOUT_LABELS[PayoutKind.PROPORTIONAL])
        if self.kind is PayoutKind.BANDS:
            steps = ", ".join(
                _("da {achievement} {points} punti").format(
                    achievement=format_percent(a).replace(",00%", "%"), points=format_exact(p)
                )
                for a, p in self.points
            )
            below = _("sotto la prima fascia 0 punti")  # outside the f-string: xgettext reads it
            return f"{label}: {steps} ({below})"
        corners = ", ".join(
            _("{achievement} → {points} punti").format(
                achievement=format_percent(a).replace(",00%", "%"), points=format_exact(p)
            )
            for a, p in self.points
        )
        return f"{label}: {corners}"

    def step(self, achievement: Decimal) -> str:
        """One score's step in words: "punteggio 87,00% → 70 punti (fasce dell'SMVP)"."""
        return _("punteggio {achievement} → {points} punti ({source})").format(
            achievement=format_percent(achievement),
            points=format_exact(self.points_for(achievement), 4),
            source=_(PAYOUT_SOURCES[self.kind]),
        )
