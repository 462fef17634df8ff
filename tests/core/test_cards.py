"""Final score of a report card, bands, pro rata by days and presence."""

import datetime
from decimal import Decimal as D

import pytest

from traguardo.core.cards import (
    Band,
    Competence,
    PostRows,
    RatingError,
    RoleScheme,
    Stint,
    band_for,
    behaviours_score,
    final_score,
    presence_factor,
    pro_rata_by_days,
    results_by_post,
    results_score,
)

BANDS = (Band("eccellente", D(90)), Band("adeguata", D(70)), Band("da migliorare", D(0)))
MANAGER = RoleScheme(
    role="dirigente",
    results_weight=D(70),
    behaviours_weight=D(30),
    scale_max=D(5),
    synthesis_weights=(D(30), D(70)),
    bands=BANDS,
    competences=(
        Competence("LEAD", "Leadership", D(60)),
        Competence("DIFF", "Capacità di differenziare", D(40)),
    ),
)


def test_manager_results_part_weights_entity_result_apart() -> None:
    # the seed's 2019 syntheses: objective 1 = entity result 98,61%, others 100%
    score = results_score(MANAGER, [("Obiettivo 1", D("98.606735")), ("Altri", D(100))])
    assert score.value == (D("98.606735") * 30 + D(100) * 70) / 100
    assert "98,61 × 30" in score.explanation.formula


def test_results_part_undefined_when_a_row_is() -> None:
    assert results_score(MANAGER, [("a", None), ("b", D(100))]).value is None


def test_results_part_refuses_wrong_number_of_row_weights() -> None:
    with pytest.raises(ValueError, match="3 righe"):
        results_score(MANAGER, [("a", D(1)), ("b", D(1)), ("c", D(1))])


def test_behaviours_weighted_on_the_scale() -> None:
    score = behaviours_score(MANAGER, {"LEAD": D(4), "DIFF": D(5)})
    # (60×4 + 40×5) / (5 × 100) × 100 = 88%
    assert score.value == D(88)
    assert score.explanation.formula.endswith("88,00%")


def test_behaviours_undefined_until_all_rated_and_ratings_checked() -> None:
    assert behaviours_score(MANAGER, {"LEAD": D(4)}).value is None
    with pytest.raises(RatingError, match="fuori dalla scala"):
        behaviours_score(MANAGER, {"LEAD": D(6), "DIFF": D(5)})
    with pytest.raises(RatingError, match="non previste"):
        behaviours_score(MANAGER, {"XX": D(3)})


def test_final_score_and_band() -> None:
    final = final_score(MANAGER, [("1", D(98)), ("2", D(100))], {"LEAD": D(4), "DIFF": D(5)})
    results = (D(98) * 30 + D(100) * 70) / 100  # 99.4
    assert final.value == results * D("0.7") + D(88) * D("0.3")  # 69.58 + 26.4 = 95.98
    assert final.band == "eccellente"
    low = final_score(MANAGER, [("1", D(50)), ("2", D(60))], {"LEAD": D(2), "DIFF": D(2)})
    assert low.band == "da migliorare"


def test_final_score_ignores_a_part_weighted_zero() -> None:
    scheme = RoleScheme("B", D(100), D(0), D(5), bands=BANDS)
    final = final_score(scheme, [("obiettivi", D(75))], {})
    assert final.value == D(75)
    assert final.band == "adeguata"


def test_scheme_problems_are_worded() -> None:
    bad = RoleScheme("po", D(60), D(30), D(5))
    assert any("non sommano a 100" in p for p in bad.problems())
    assert any("senza competenze" in p for p in bad.problems())
    assert MANAGER.problems() == []


def test_band_for_edges() -> None:
    assert band_for(BANDS, D(90)) == "eccellente"
    assert band_for(BANDS, D("89.999")) == "adeguata"
    assert band_for(BANDS, None) == ""
    assert band_for((Band("alta", D(50)),), D(10)) == ""


def test_card_split_by_days_in_each_post() -> None:
    # the rotation of 21.05.2019: 140 days in the first post, 225 in the second
    first = Stint("settore 2.4", datetime.date(2019, 1, 1), datetime.date(2019, 5, 20), D(80))
    second = Stint("settore 2.3", datetime.date(2019, 5, 21), datetime.date(2019, 12, 31), D(100))
    assert first.days == 140 and second.days == 225
    score = pro_rata_by_days([second, first])
    assert score.value == (D(80) * 140 + D(100) * 225) / 365
    assert "× 140" in score.explanation.formula


def test_overlapping_stints_refused() -> None:
    a = Stint("a", datetime.date(2019, 1, 1), datetime.date(2019, 6, 1), D(1))
    b = Stint("b", datetime.date(2019, 6, 1), datetime.date(2019, 12, 31), D(1))
    with pytest.raises(ValueError, match="sovrappongono"):
        pro_rata_by_days([a, b])


def test_results_split_by_post_weighs_each_posts_results_part_by_days() -> None:
    # a manager moved on 21.05.2019: each post has its own synthesis rows (entity result,
    # other objectives) weighted 30/70 by the SMVP, then the posts weigh by days
    before = PostRows(
        "settore 2.4",
        datetime.date(2019, 1, 1),
        datetime.date(2019, 5, 20),
        (("a", D(90)), ("b", D(80))),
    )
    after = PostRows(
        "settore 0.1",
        datetime.date(2019, 5, 21),
        datetime.date(2019, 12, 31),
        (("a", D(90)), ("b", D(100))),
    )
    split = results_by_post(MANAGER, [before, after])
    first = (D(90) * 30 + D(80) * 70) / 100
    second = (D(90) * 30 + D(100) * 70) / 100
    assert [score.value for _, score in split.posts] == [first, second]
    assert split.whole.value == (first * 140 + second * 225) / 365
    why = split.whole.explanation
    assert "× 140" in why.formula and "× 225" in why.formula
    assert dict(why.inputs)["settore 2.4"].startswith("140/365 giorni")
    assert [part.subject for part in why.parts] == [
        "settore 2.4 (01/01/2019–20/05/2019, 140 giorni)",
        "settore 0.1 (21/05/2019–31/12/2019, 225 giorni)",
    ]
    # the split results part replaces the rows' one in the final score
    final = final_score(MANAGER, [("a", D(0)), ("b", D(0))], {}, results=split.whole)
    assert final.results.value == split.whole.value


def test_results_split_by_post_undefined_when_a_post_is() -> None:
    before = PostRows(
        "x", datetime.date(2019, 1, 1), datetime.date(2019, 5, 20), (("a", None), ("b", D(1)))
    )
    after = PostRows(
        "y", datetime.date(2019, 5, 21), datetime.date(2019, 12, 31), (("a", D(1)), ("b", D(1)))
    )
    split = results_by_post(MANAGER, [before, after])
    assert split.whole.value is None
    assert split.whole.explanation.notes == ("x: parte risultati non definita",)
    assert results_by_post(MANAGER, []).whole.value is None


def test_presence_factor_absences_beyond_allowance_and_part_time() -> None:
    assert presence_factor(days_in_year=365).value == 1
    factor = presence_factor(
        days_in_year=365, days_absent=40, absence_allowance_days=30, part_time_percent=D(50)
    )
    assert factor.value == D(355) / D(365) * D("0.5")
    # within the allowance nothing is lost
    assert presence_factor(days_in_year=365, days_absent=10, absence_allowance_days=30).value == 1
    with pytest.raises(ValueError, match="part time"):
        presence_factor(days_in_year=365, part_time_percent=D(0))
