"""The 2019 Relazione of the CCIAA di Treviso-Belluno, reproduced from data.

Each test computes figures from the fixture through the engine and compares them with
what the report prints (the ``printed_*`` fields, which the engine never reads). Where
the seed is inconsistent with itself, a test says so and pins both numbers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from traguardo.core.numbers import format_it, format_percent, round_half_up
from traguardo.core.results import PlanScore
from traguardo.demo.fixture import DemoCycle, load_cycle


@pytest.fixture(scope="module")
def cycle() -> DemoCycle:
    return load_cycle(2019)


@pytest.fixture(scope="module")
def score(cycle: DemoCycle) -> PlanScore:
    from traguardo.core.engine import score_plan

    return score_plan(cycle.plan())


def printed(text: str) -> Decimal:
    """A printed percentage or figure (``98,61%``, ``100,0%``, ``7,832``) as a Decimal."""
    return Decimal(text.strip().rstrip("%").strip().replace(".", "").replace(",", "."))


def shown(value: Decimal | None, like: str) -> Decimal:
    """Round a computed figure to the decimals the seed printed it with."""
    assert value is not None
    places = len(like.strip().rstrip("%").partition(",")[2])
    return round_half_up(value, places)


def test_entity_performance_is_98_61(score: PlanScore, cycle: DemoCycle) -> None:
    assert round_half_up(score.entity.performance) == Decimal("98.61")
    assert cycle.entity_printed_total == "98,61"
    # the unrounded sum of A×B, as the SMVP adds it
    assert str(score.entity.performance).startswith("98.606734")


def test_the_entity_table_has_31_indicators_in_18_blocks(cycle: DemoCycle) -> None:
    assert len(cycle.blocks) == 18
    numbers = [i.number for b in cycle.blocks for i in b.indicators]
    assert numbers == list(range(1, 32))
    # B is taken as printed (4,33), not 13/3
    assert {b.weight_b for b in cycle.blocks} == {Decimal("4.33"), Decimal("8")}


def test_each_of_the_31_degrees_matches_the_printed_one(score: PlanScore, cycle: DemoCycle) -> None:
    for block in cycle.blocks:
        for record in block.indicators:
            computed = score.entity_indicator(record.number).degree.value
            assert record.printed_degree, record.key
            assert shown(computed, record.printed_degree) == printed(record.printed_degree), (
                record.key
            )


def test_indicator_14_is_72_63_with_its_formula(score: PlanScore) -> None:
    explanation = score.explain("B14")
    assert explanation.formula == "min(54,47 / 75; 1) = 72,63%"


def test_each_block_a_and_a_times_b_match_the_printed_ones(
    score: PlanScore, cycle: DemoCycle
) -> None:
    for record, block in zip(cycle.blocks, score.entity.blocks, strict=True):
        assert shown(block.achievement, record.printed_achievement) == printed(
            record.printed_achievement
        )
        assert shown(block.result, record.printed_result) == printed(record.printed_result)


def test_every_printed_performance_of_allegato_c_is_reproduced(
    score: PlanScore, cycle: DemoCycle
) -> None:
    checked = 0
    for objective in cycle.objectives:
        for assignment in objective.assignments:
            if not assignment.printed_performance:
                continue
            computed = score.objectives[objective.key].performance
            assert shown(computed, assignment.printed_performance) == printed(
                assignment.printed_performance
            ), (objective.key, assignment.unit)
            checked += 1
    assert len(cycle.objectives) == 110
    assert checked >= 110


def test_managers_objective_1_is_the_entity_result(score: PlanScore) -> None:
    objective = score.objectives["0/1"]
    assert objective.performance == score.entity.performance
    assert format_percent(objective.performance or Decimal(0)) == "98,61%"
    assert "performance di Ente" in objective.indicators[0].explanation.notes[0]


def test_sector_and_area_performances_of_section_1(score: PlanScore, cycle: DemoCycle) -> None:
    areas = cycle.cycle["headline"]["areas"]
    assert [a["short"] for a in areas] == ["STAFF", "AMMIN", "SVIMP", "SERVI"]
    sectors = 0
    for area in areas:
        assert shown(score.unit(area["area"]).performance, area["printed"]) == printed(
            area["printed"]
        )
        for sector in area["sectors"]:
            unit = score.unit(sector["sector"])
            assert unit.short == sector["short"]
            assert shown(unit.performance, sector["printed"]) == printed(sector["printed"])
            sectors += 1
    assert sectors == 11


def test_every_synthesis_of_allegati_d_and_e(score: PlanScore, cycle: DemoCycle) -> None:
    cards = {c.key: c for c in score.cards}
    assert len(cycle.cards) == 14  # Segretario generale, 2 dirigenti, 11 PO holders
    rows = 0
    for record in cycle.cards:
        for row_record, row in zip(record.synthesis, cards[record.key].synthesis, strict=True):
            assert shown(row.performance, row_record.printed) == printed(row_record.printed), (
                record.key
            )
            rows += 1
    assert rows == 3 * 2 + 11
    sg = cards["SG"]
    assert format_it(sg.synthesis[0].performance or Decimal(0)) == "98,61"  # shown apart…
    assert sg.synthesis[1].performance == Decimal(100)  # …from the mean of the others


def test_every_printed_card_objective_performance(score: PlanScore, cycle: DemoCycle) -> None:
    for card in cycle.cards:
        for objective in card.objectives:
            if objective.printed_performance:
                computed = score.objectives[objective.ref].performance
                assert shown(computed, objective.printed_performance) == printed(
                    objective.printed_performance
                )


def test_the_rotations_of_21_05_2019_kept_the_original_objectives(cycle: DemoCycle) -> None:
    rotated = {c.key: c for c in cycle.cards if c.rotation}
    assert set(rotated) == {"PO-0.1", "PO-2.4", "PO-2.2", "PO-2.3"}
    for card in rotated.values():
        came_from = str(card.rotation["from_unit"])  # type: ignore[index]
        assert card.units[0] != came_from
        # every objective on the card is one of the sector the PO led before the rotation
        for objective in card.objectives:
            units = {a.unit for a in cycle.objective(objective.ref).assignments}
            assert came_from in units, (card.key, objective.ref)


def test_service_standard_is_the_mean_over_the_units_that_deliver_services(
    score: PlanScore,
) -> None:
    # Segretario generale (Staff + Amministrazione interna): printed 96,68%
    assert round_half_up(
        score.objectives["0/8"].indicators[1].reading.number or Decimal(0)
    ) == Decimal("96.68")
    # Area Sviluppo delle imprese: printed 99,61%
    assert round_half_up(
        score.objectives["3/8"].indicators[1].reading.number or Decimal(0)
    ) == Decimal("99.61")


def test_seed_inconsistency_area_servizi_standard(score: PlanScore) -> None:
    """The seed prints 98,54% for Area Servizi alle imprese. The 15 units with a printed
    standard average 98,85%; 98,54% is reproduced only by adding the 94% that the comment
    of 2.3/4 cites for that sector's staff in direct collaboration, whose table the seed
    does not print. Degree is 100% either way (target >= 90%)."""
    reading = score.objectives["2/8"].indicators[1].reading.number or Decimal(0)
    assert round_half_up(reading) == Decimal("98.85")
    assert round_half_up((reading * 15 + 94) / 16) == Decimal("98.54")
    assert score.objectives["2/8"].performance == Decimal(100)


def test_seed_inconsistency_meetings_of_the_areas(score: PlanScore) -> None:
    """The areas print 23, 45 and 9 "riunioni di riesame" as "Σ delle riunioni … dalle PO/AP
    o dagli uffici", but the units' own printed counts sum to 33, 88 and 23 (9 is even
    below the three sectors' 8 + the offices'). The engine computes the sum; the degree
    is 100% with either figure."""
    sums = {
        key: score.objectives[key].indicators[0].reading.number for key in ("0/8", "2/8", "3/8")
    }
    assert sums == {"0/8": Decimal(33), "2/8": Decimal(88), "3/8": Decimal(23)}
    assert all(score.objectives[key].performance == Decimal(100) for key in sums)


def test_explain_reaches_every_kind_of_node(score: PlanScore) -> None:
    assert score.explain("ENTE").rule == "Σ A × B"
    assert score.explain("BLOCCO-17").formula == "97,90% × 8 = 7,832"
    assert score.explain("2.1/1#2").subject.endswith("2.1/1#2")
    assert score.explain("REI1").formula.endswith("100,00%")
    assert "ALTRI OBIETTIVI" in score.explain("SG").formula


def test_the_24_art67_objectives_of_the_seed(cycle: DemoCycle) -> None:
    """Seed line 173: "n. 24 obiettivi ... art. 67 co. 5" (in Allegati B and C). Allegato C
    carries one objective per scheda progetto, repeated in each sector taking part (scheda
    22 in nine): 20 schede on "Obiettivo sviluppato ai sensi dell'art. 67" lines, plus
    scheda 8 named in 3.2/1's description (line 1183); Allegato B flags indicators 7, 21
    and 28 ("SI" in the art. 67 column; 28 is scheda 3, line 280)."""
    schede = {o.art67_scheda for o in cycle.objectives if o.art67_scheda is not None}
    assert schede == {*range(1, 18), 19, 20, 21, 22, 24} - {3}
    assert cycle.objective("3.2/1").art67_scheda == 8
    flagged_b = [i.number for b in cycle.blocks for i in b.indicators if i.art67]
    assert flagged_b == [7, 21, 28]
    assert len(schede) + len(flagged_b) == cycle.cycle["cycle"]["art67_objectives_count"] == 24
