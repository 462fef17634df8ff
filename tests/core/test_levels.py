"""The engine follows the SMVP's levels: methods, rounding, annual/strategic goals, the
entity's source, the administration's own levels, and overrides.

Expected figures are worked out by hand in each test from the plan's values (plain
arithmetic in the comments), never by asking the engine."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from traguardo.core.engine import fast_path_fits, score_plan
from traguardo.core.levels import Rounding, RoundingMode
from traguardo.core.model import (
    Adjustment,
    AnnualGoal,
    Derivation,
    DerivedValue,
    Indicator,
    Objective,
    Plan,
    StrategicGoal,
    Unit,
    UnitKind,
)
from traguardo.core.smvp import SmvpError, parse_smvp, preset, smvp_to_dict

D = Decimal


def _indicator(key: str, number: int, target: str, value: str, weight: str = "0") -> Indicator:
    return Indicator(key, number, f"indicatore {number}", target, value, D(weight))


def plan(smvp_name: str = "medie-semplici") -> Plan:
    """Area 1 with sectors 1.1 and 1.2; two strategic goals; no entity table.

    Degrees: 1.1/1#1 = 50/100 = 50; 1.1/1#2 = 10/10 = 100; 1.2/1#1 = SI = 100;
    1.2/2#1 = 20/30 = 66,666…; the weights (10 and 90) are the plan's, used only by a
    weighted mean."""
    return Plan(
        "Comune di prova",
        2025,
        (
            Unit("1", UnitKind.AREA, "Area servizi", short="A1"),
            Unit("1.1", UnitKind.SECTOR, "Settore uno", parent="1"),
            Unit("1.2", UnitKind.SECTOR, "Settore due", parent="1"),
        ),
        (),
        (
            Objective(
                "1.1/1",
                "1.1",
                1,
                "Digitale",
                (
                    _indicator("1.1/1#1", 1, ">= 100", "50", "10"),
                    _indicator("1.1/1#2", 2, ">= 10", "10", "90"),
                ),
            ),
            Objective(
                "1.2/1", "1.2", 1, "Ambiente", (_indicator("1.2/1#1", 1, "SI", "SI", "100"),)
            ),
            Objective(
                "1.2/2", "1.2", 2, "Sociale", (_indicator("1.2/2#1", 1, ">= 30", "20", "100"),)
            ),
        ),
        smvp=preset(smvp_name),
        strategic=(
            StrategicGoal(
                "1", "Città digitale", (AnnualGoal("1.1", "Servizi online", ("1.1/1", "1.2/1")),)
            ),
            StrategicGoal(
                "2",
                "Comunità",
                (
                    AnnualGoal("2.1", "Sociale", ("1.2/2",)),
                    AnnualGoal("2.2", "Servizi", ("1.1/1",)),
                ),
            ),
        ),
    )


def test_plain_means_at_every_level_use_no_weights() -> None:
    score = score_plan(plan("medie-semplici"))
    assert score.objectives["1.1/1"].performance == D(75)  # (50 + 100) / 2, not 95
    assert score.unit("1.1").performance == D(75)
    two_thirds = D(20) / D(30) * 100
    assert score.unit("1.2").performance == (D(100) + two_thirds) / 2
    annual = score.levels["annual"]
    assert annual["1.1"].performance == D("87.5")  # (75 + 100) / 2
    assert annual["2.1"].performance == two_thirds
    assert annual["2.2"].performance == D(75)
    strategic = score.levels["strategic"]
    assert strategic["1"].performance == D("87.5")
    assert strategic["2"].performance == (two_thirds + 75) / 2
    # entity: the mean of the two strategic objectives
    assert score.entity.performance == (D("87.5") + (two_thirds + 75) / 2) / 2
    assert score.explain("OS-2").subject.startswith("Obiettivo strategico 2")
    assert "media" in score.explain("ENTE").rule


def test_treviso_belluno_weights_the_objective_and_leaves_goals_unscored() -> None:
    score = score_plan(plan("treviso-belluno-2019"))
    assert score.objectives["1.1/1"].performance == D(95)  # (50×10 + 100×90) / 100
    assert score.levels == {}
    assert score.entity.performance == 0  # Σ A × B over no blocks


def test_rounding_before_the_next_level_with_one_decimal() -> None:
    smvp = parse_smvp(
        {
            "livelli": {
                "objective": {"metodo": "mean", "decimali": 1, "arrotonda_prima": True},
                "unit": {"decimali": 1, "arrotonda_prima": True},
                "annual": {"valutato": True},
                "strategic": {"valutato": True},
                "entity": {"metodo": "mean", "fonte": "strategic"},
            }
        }
    )
    score = score_plan(replace(plan(), smvp=smvp))
    assert score.objectives["1.2/2"].performance == D("66.7")  # 66,666… rounded half up
    assert score.unit("1.2").performance == D("83.4")  # (100 + 66,7) / 2 = 83,35 → 83,4
    assert "arrotondato prima del livello successivo (decimali: 1)" in " ".join(
        score.explain("1.2/2").notes
    )


def test_half_even_and_half_up_differ_on_a_half() -> None:
    assert Rounding(1, RoundingMode.HALF_UP).apply(D("0.25")) == D("0.3")
    assert Rounding(1, RoundingMode.HALF_EVEN).apply(D("0.25")) == D("0.2")
    assert Rounding(1, RoundingMode.HALF_EVEN, before_next=False).passed_on(D("0.25")) == D("0.25")


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("minimum", D(50)),  # the worst indicator of 1.1/1
        ("fixed_total", D("37.5")),  # (50 + 100) × 0,25
        ("weighted_sum", D(95)),  # (50 × 10 + 100 × 90) / 100
    ],
)
def test_other_methods_at_the_objective_level(method: str, expected: Decimal) -> None:
    level = {"metodo": method, "fattore": "0,25"} if method == "fixed_total" else {"metodo": method}
    smvp = parse_smvp({"livelli": {"objective": level}})
    assert score_plan(replace(plan(), smvp=smvp)).objectives["1.1/1"].performance == expected


def test_a_weighted_mean_where_the_plan_has_no_weights_needs_them_in_the_smvp() -> None:
    with pytest.raises(SmvpError) as refused:
        parse_smvp({"livelli": {"strategic": {"valutato": True, "metodo": "weighted_mean"}}})
    assert refused.value.where == "livelli.strategic.pesi"
    smvp = parse_smvp(
        {
            "livelli": {
                "objective": {"metodo": "mean"},
                "annual": {"valutato": True},
                "strategic": {"valutato": True, "metodo": "weighted_mean", "pesi": {"2.1": 3}},
            }
        }
    )
    score = score_plan(replace(plan(), smvp=smvp))
    two_thirds = D(20) / D(30) * 100
    # strategic 2 = (66,67 × 3 + 75 × 1) / 4
    assert score.levels["strategic"]["2"].performance == (two_thirds * 3 + 75) / 4


def test_a_level_of_the_administrations_own() -> None:
    smvp = parse_smvp(
        {
            "livelli": {
                "objective": {"metodo": "mean"},
                "annual": {"valutato": True},
                "strategic": {"valutato": True},
            },
            "livelli_propri": [
                {
                    "chiave": "valore_pubblico",
                    "etichetta": "Valore pubblico",
                    "fonte": "strategic",
                    "metodo": "minimum",
                    "gruppi": [
                        {"codice": "VP1", "etichetta": "Benessere", "membri": ["1", "2", "9"]}
                    ],
                }
            ],
        }
    )
    score = score_plan(replace(plan(), smvp=smvp))
    node = score.levels["valore_pubblico"]["VP1"]
    two_thirds = D(20) / D(30) * 100
    assert node.performance == min(D("87.5"), (two_thirds + 75) / 2)
    assert node.parts == ("OS-1", "OS-2")
    assert "9" in " ".join(score.explain("valore_pubblico-VP1").notes)  # not in the plan
    assert parse_smvp(smvp_to_dict(smvp)) == smvp


def test_an_override_replaces_the_figure_upwards_and_keeps_the_computed_one() -> None:
    adjusted = replace(
        plan(),
        adjustments={
            "1.1/1": Adjustment(
                override=D(90), reason="errore materiale nella fonte", by="ufficio"
            ),
            "ENTE": Adjustment(published=D("80.5")),
        },
    )
    score = score_plan(adjusted)
    assert score.objectives["1.1/1"].performance == D(90)
    assert score.unit("1.1").performance == D(90)  # the unit takes the overridden figure
    figure = score.adjusted["1.1/1"]
    assert (figure.used, figure.computed, figure.reason) == (
        D(90),
        D(75),
        "errore materiale nella fonte",
    )
    assert "rettificato" in score.explain("1.1/1").formula
    assert score.published == {"ENTE": D("80.5")}
    quiet = score_plan(adjusted, explain=False)
    assert quiet.objectives["1.1/1"].performance == D(90)


def test_an_indicator_degree_may_be_overridden() -> None:
    score = score_plan(
        replace(plan(), adjustments={"1.1/1#1": Adjustment(override=D(100), reason="r")})
    )
    assert score.objectives["1.1/1"].performance == D(100)  # (100 + 100) / 2


def test_the_entity_from_the_tree_cannot_feed_a_derived_indicator() -> None:
    base = plan()
    derived = replace(
        base.objectives[0].indicators[0], derived=DerivedValue(Derivation.ENTITY_SCORE)
    )
    objective = replace(base.objectives[0], indicators=(derived, base.objectives[0].indicators[1]))
    score = score_plan(replace(base, objectives=(objective, *base.objectives[1:])))
    assert score.objectives["1.1/1"].indicators[0].degree.status.value == "not_measurable"
    assert score.objectives["1.1/1"].performance == D(50)  # (0 + 100) / 2: it counts 0
    assert "calcolata dagli obiettivi" in " ".join(score.explain("1.1/1#1").notes)


def test_only_treviso_bellunos_shape_takes_the_text_free_path() -> None:
    assert fast_path_fits(plan("treviso-belluno-2019"))
    assert not fast_path_fits(plan("medie-semplici"))
    assert not fast_path_fits(
        replace(plan("treviso-belluno-2019"), adjustments={"ENTE": Adjustment(published=D(1))})
    )
    relabelled = parse_smvp({"livelli": {"entity": {"etichetta": "Performance organizzativa"}}})
    assert fast_path_fits(replace(plan(), smvp=relabelled))


@pytest.mark.parametrize("name", ["medie-semplici", "medie-ponderate", "fasce"])
def test_every_preset_gives_the_same_figures_with_and_without_explanations(name: str) -> None:
    explained = score_plan(plan(name))
    quiet = score_plan(plan(name), explain=False)
    assert quiet.entity.performance == explained.entity.performance
    assert {k: o.performance for k, o in quiet.objectives.items()} == {
        k: o.performance for k, o in explained.objectives.items()
    }
    assert {
        lk: {c: n.performance for c, n in nodes.items()} for lk, nodes in quiet.levels.items()
    } == {
        lk: {c: n.performance for c, n in nodes.items()} for lk, nodes in explained.levels.items()
    }


def test_bands_preset_places_degrees_in_bands() -> None:
    score = score_plan(plan("fasce"))
    # 1.1/1#1: 50% is under the first band (60) → 0; 1.2/2#1: 66,67% → 50
    assert score.objectives["1.1/1"].indicators[0].degree.value == 0
    assert score.objectives["1.2/2"].performance == D(50)


def test_a_stored_score_keeps_levels_overrides_and_their_order() -> None:
    """Snapshots store the score as JSON; PostgreSQL's jsonb sorts object keys."""
    import json

    from traguardo.core.results import PlanScore
    from traguardo.core.serial import from_data, to_data

    adjusted = replace(
        plan(),
        adjustments={
            "OA-2.2": Adjustment(override=D(1), reason="r"),
            "ENTE": Adjustment(published=D(2)),
        },
    )
    score = score_plan(adjusted)
    stored = json.loads(json.dumps(to_data(score), sort_keys=True))
    back = from_data(PlanScore, stored)
    assert back == score
    assert list(back.levels["annual"]) == ["1.1", "2.1", "2.2"]


@pytest.mark.parametrize(
    "name", ["treviso-belluno-2019", "medie-semplici", "medie-ponderate", "fasce"]
)
def test_every_preset_writes_as_plain_yaml_and_reads_back(name: str) -> None:
    import yaml

    text = yaml.safe_dump(smvp_to_dict(preset(name)), allow_unicode=True)
    assert parse_smvp(yaml.safe_load(text)) == preset(name)
