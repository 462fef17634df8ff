"""Next year for the second administration: the 2026 cycle carried forward from Valdoria's
2025 keeps its SMVP (plain means, no blocks) and its plan's 2026 targets, and scores by it."""

from __future__ import annotations

import pytest

from traguardo.core.levels import Method
from traguardo.demo.valdoria import CODE, YEAR, load_valdoria
from traguardo.monitoring.cycles import add_cycle
from traguardo.plans.models import Indicator, Target
from traguardo.plans.smvp_settings import cycle_smvp
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db


def test_the_next_cycle_keeps_the_administrations_smvp_and_next_years_targets() -> None:
    source, _created = load_valdoria(passwords=False)
    new, _preview = add_cycle(CODE, YEAR + 1, f"{YEAR + 1}-{YEAR + 3}", from_year=YEAR)
    assert new is not None
    assert cycle_smvp(new) == cycle_smvp(source)
    assert cycle_smvp(new).level("objective").method is Method.MEAN
    # Each carried indicator has the target the three-year plan set for the new year.
    planned = dict(
        Target.objects.filter(indicator__objective__cycle=source, year=YEAR + 1).values_list(
            "indicator__lineage", "text"
        )
    )
    carried = dict(
        Target.objects.filter(indicator__objective__cycle=new, year=YEAR + 1).values_list(
            "indicator__lineage", "text"
        )
    )
    assert carried and carried.items() <= planned.items()
    assert Indicator.objects.filter(objective__cycle=new, weight__isnull=False).count() == 0
    score = score_cycle(new)  # no values yet: every level is there, computed by plain means
    assert set(score.levels) >= {"annual", "strategic"}
