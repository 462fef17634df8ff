"""Why a number is what it is.

Every figure the engine computes carries an :class:`Explanation`: what it is, the rule
that produced it, the inputs as the user wrote them, and the formula with the numbers
filled in (``min(54,47 / 75; 1) = 72,63%``). Explanations nest: an objective's
achievement is explained by its indicators' degrees, the entity result by its blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Explanation:
    subject: str
    rule: str
    formula: str
    inputs: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    parts: tuple[Explanation, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "subject": self.subject,
            "rule": self.rule,
            "formula": self.formula,
            "inputs": dict(self.inputs),
        }
        if self.notes:
            data["notes"] = list(self.notes)
        if self.parts:
            data["parts"] = [part.as_dict() for part in self.parts]
        return data

    def as_text(self, depth: int = 0, max_depth: int = 99) -> str:
        pad = "  " * depth
        lines = [f"{pad}{self.subject}: {self.formula}  [{self.rule}]"]
        lines += [f"{pad}  · {name}: {value}" for name, value in self.inputs]
        lines += [f"{pad}  ! {note}" for note in self.notes]
        if depth < max_depth:
            lines += [part.as_text(depth + 1, max_depth) for part in self.parts]
        return "\n".join(lines)


SILENT = Explanation(subject="", rule="", formula="")
"""Stand-in used when explanations are switched off (benchmarks, bulk what-if runs)."""
