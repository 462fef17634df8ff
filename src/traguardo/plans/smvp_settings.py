"""The SMVP of a cycle as stored, read into the core's :class:`Smvp`: the one place that
does it (scoring, the entry form's degrees and snapshots all call :func:`cycle_smvp`).

A cycle's ``ScoringConfig.options["documento"]`` holds the SMVP document of
docs/smvp.md (what ``traguardo smvp show`` prints). Configurations stored before the
document existed hold only ``default_rule`` and ``options`` ``params`` /
``missing_value`` / ``not_measurable``: they are read as Treviso-Belluno's levels with
those settings, which is what they meant.
"""

from __future__ import annotations

from typing import Any

from traguardo.core.model import MissingPolicy, Smvp
from traguardo.core.smvp import parse_smvp
from traguardo.plans.models import Cycle, ScoringConfig

DOCUMENT = "documento"


def stored_document(config: ScoringConfig | None) -> dict[str, Any] | None:
    if config is None:
        return None
    document = (config.options or {}).get(DOCUMENT)
    return document if isinstance(document, dict) else None


def config_smvp(config: ScoringConfig | None) -> Smvp:
    """The Smvp a stored configuration means (None: the built-in defaults)."""
    document = stored_document(config)
    if document is not None:
        return parse_smvp(document)
    options = (config.options or {}) if config else {}
    return Smvp(
        config.default_rule if config else "smvp",
        options.get("params", {}),
        MissingPolicy(options.get("missing_value", "zero")),
        MissingPolicy(options.get("not_measurable", "zero")),
    )


def cycle_smvp(cycle: Cycle) -> Smvp:
    return config_smvp(ScoringConfig.objects.filter(cycle=cycle).first())
