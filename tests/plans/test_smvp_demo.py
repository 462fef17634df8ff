"""The 2019 demo keeps its 98,61% when its SMVP is set to the Treviso-Belluno preset, and
the preview of that preset moves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from traguardo.core.numbers import round_half_up
from traguardo.core.smvp import preset
from traguardo.plans.models import Cycle, ScoringConfig
from traguardo.plans.smvp_services import canonical, set_cycle_smvp
from traguardo.scoring.services import score_cycle
from traguardo.scoring.smvp_preview import preview

pytestmark = pytest.mark.django_db


def test_the_treviso_belluno_preset_keeps_the_demo_at_98_61(demo: Cycle) -> None:
    tvbl = preset("treviso-belluno-2019")
    shown = preview(demo, tvbl)
    assert shown.moved == 0
    entity = shown.rows[0]
    assert round_half_up(entity.before, 2) == Decimal("98.61") == round_half_up(entity.after, 2)
    saved = set_cycle_smvp(
        demo,
        canonical(tvbl),
        by=None,
        act_reference="Delibera di Giunta n. 12 del 28/01/2019",
        reason="il SMVP del 2019 scritto come documento",
    )
    # The same settings the demo was stored with: the name is new, and the rule's
    # parameters are written out (the demo stored them as its loader read them).
    assert "nome" in [setting for setting, _old, _new in saved.changed]
    assert not [s for s, _o, _n in saved.changed if s.startswith(("livelli", "premi"))]
    assert ScoringConfig.objects.get(cycle=demo).options["documento"]["nome"] == (
        "treviso-belluno-2019"
    )
    demo.refresh_from_db()
    assert round_half_up(score_cycle(demo).entity.performance, 2) == Decimal("98.61")
