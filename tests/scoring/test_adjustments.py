"""Published figures and overrides: who may set them, the reason, the audit trail, the data
version, the administration's isolation, and the core's view of them (Plan.adjustments)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.plans.models import Cycle
from traguardo.scoring import adjustments
from traguardo.scoring.adjustments import AdjustmentRefused
from traguardo.scoring.models import ScoreAdjustment


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def test_office_records_a_published_figure_audited_and_bumping_the_version(world: World) -> None:
    cycle = world.cycle
    version = Cycle.objects.get(pk=cycle.pk).data_version
    row = adjustments.set_published(cycle, "2.1/1", "72.63", by=user("ufficio"))
    assert row is not None and row.published == Decimal("72.63")
    assert row.set_by == user("ufficio")
    assert Cycle.objects.get(pk=cycle.pk).data_version > version
    entry = AuditEntry.objects.filter(model_label="scoring.scoreadjustment").latest("pk")
    assert entry.cycle_id == cycle.pk and entry.username == "ufficio"
    assert Decimal(entry.changes["published"][1]) == Decimal("72.63")
    assert adjustments.adjustments_of(cycle)["2.1/1"].published == Decimal("72.63")
    # removing it deletes the row (nothing left on it), audited as well
    assert adjustments.set_published(cycle, "2.1/1", None, by=user("ufficio")) is None
    assert not ScoreAdjustment.objects.filter(cycle=cycle).exists()
    assert AuditEntry.objects.filter(
        model_label="scoring.scoreadjustment", action=AuditEntry.Action.DELETE
    ).exists()


def test_override_needs_a_reason_and_an_authorised_role(world: World) -> None:
    cycle = world.cycle
    with pytest.raises(AdjustmentRefused, match="motivo"):
        adjustments.override(cycle, "2.1/1", Decimal(90), reason="  ", by=user("ufficio"))
    for name in ("oiv", "dirigente", "po"):
        with pytest.raises(AdjustmentRefused, match="Segretario generale"):
            adjustments.override(cycle, "2.1/1", Decimal(90), reason="x", by=user(name))
    row = adjustments.override(
        cycle, "2.1/1", Decimal(90), reason="Dato di fonte corretto", by=user("segretario")
    )
    assert row.override == 90 and row.reason == "Dato di fonte corretto"
    found = adjustments.adjustments_of(cycle)["2.1/1"]
    assert (found.override, found.reason, found.by) == (Decimal(90), row.reason, "segretario")
    adjustments.clear_override(cycle, "2.1/1", by=user("ufficio"))
    assert "2.1/1" not in adjustments.adjustments_of(cycle)


def test_unknown_code_is_refused_naming_it(world: World) -> None:
    with pytest.raises(AdjustmentRefused, match=r"«9\.9/9»"):
        adjustments.override(world.cycle, "9.9/9", Decimal(1), reason="x", by=user("ufficio"))
    with pytest.raises(AdjustmentRefused, match=r"«2\.1/1#9»"):
        adjustments.set_published(world.cycle, "2.1/1#9", Decimal(1), by=user("ufficio"))
    # codes as people type them are filed as the engine names them
    row = adjustments.set_published(world.cycle, "ente", Decimal(95), by=user("ufficio"))
    assert row is not None and row.code == "ENTE"


def test_closed_and_published_cycles_refuse(world: World) -> None:
    cycle = world.cycle
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.CLOSED)
    cycle.refresh_from_db()
    with pytest.raises(AdjustmentRefused, match="monitoraggio"):
        adjustments.override(cycle, "2.1/1", Decimal(1), reason="x", by=user("ufficio"))
    # a published figure changes no score: still recorded on a closed cycle
    assert adjustments.set_published(cycle, "2.1/1", Decimal(1), by=user("ufficio"))
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.PUBLISHED)
    cycle.refresh_from_db()
    with pytest.raises(AdjustmentRefused, match="pubblicato"):
        adjustments.set_published(cycle, "2.1/1", Decimal(2), by=user("ufficio"))


def test_another_administration_cannot_set(two_worlds: tuple[World, World]) -> None:
    first, _second = two_worlds
    with pytest.raises(AdjustmentRefused):
        adjustments.override(first.cycle, "2.1/1", Decimal(1), reason="x", by=user("b_ufficio"))
    with pytest.raises(AdjustmentRefused):
        adjustments.set_published(first.cycle, "2.1/1", Decimal(1), by=user("b_ufficio"))
    assert not ScoreAdjustment.objects.exists()
    assert not adjustments.can_view(user("b_oiv"), first.cycle)
    assert adjustments.can_view(user("oiv"), first.cycle)


def test_deviations_of_the_cycle_compare_with_the_rounded_figure(world: World) -> None:
    # 2.1/1: both indicators reached, 100%; 1.1/1: 100% as well
    adjustments.set_published(world.cycle, "2.1/1", Decimal(100), by=user("ufficio"))
    adjustments.set_published(world.cycle, "1.1/1", Decimal("99.5"), by=user("ufficio"))
    found = adjustments.deviations_of(world.cycle)
    assert [(d.code, d.difference) for d in found] == [("1.1/1", Decimal("-0.5"))]


def test_the_command_line_records_and_lists(world: World) -> None:
    import io

    from django.core.management import CommandError, call_command

    year = str(world.cycle.year)
    out = io.StringIO()
    call_command("adjust", "1.1/1", "--year", year, "--published", "99,5", stdout=out)
    assert "scostamento 1.1/1: pubblicato 99,50, calcolato 100,00" in out.getvalue()
    with pytest.raises(CommandError, match="motivo"):
        call_command("adjust", "1.1/1", "--year", year, "--override", "90", stdout=out)
    with pytest.raises(CommandError, match="non è un numero"):
        call_command("adjust", "1.1/1", "--year", year, "--published", "tanto", stdout=out)
    assert AuditEntry.objects.filter(model_label="scoring.scoreadjustment").count() == 1


def test_the_command_line_checks_the_named_user(world: World) -> None:
    from django.core.management import CommandError, call_command

    year = str(world.cycle.year)
    with pytest.raises(CommandError, match="Segretario generale"):
        call_command(
            "adjust", "1.1/1", "--year", year, "--override", "9", "--reason", "r", "--user", "po"
        )
    call_command(
        "adjust", "1.1/1", "--year", year, "--override", "9", "--reason", "r", "--user", "ufficio"
    )
    assert adjustments.adjustments_of(world.cycle)["1.1/1"].by == "ufficio"
