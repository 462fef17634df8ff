"""Release of the art. 67 part of the fund and its distribution to the cent."""

from decimal import Decimal as D

import pytest

from traguardo.core.fund import (
    Beneficiary,
    Project,
    ReleaseRule,
    Rules,
    RulesError,
    band_shares,
    distribute,
    release,
)

COEFF = {"B": D(1), "C": D("1.1"), "D": D("1.2")}


def test_release_proportional_and_threshold() -> None:
    projects = [
        Project(5, "Recupero bilanci", D("1000.00"), (("2.1/1", D(100)), ("2.3/1", D(90)))),
        Project(9, "Bando", D("333.33"), (("3.1/4", D("72.5")),)),
        Project(12, "Nessun dato", D("100.00"), (("3.3/1", None),)),
    ]
    out = release(projects)
    assert [r.amount for r in out] == [D("950.00"), D("241.66"), D(0)]  # 241.664... truncated
    assert out[1].explanation.formula == "333,33 € × 72,50% = 241,66 €"
    strict = release(projects, ReleaseRule.THRESHOLD, D(95))
    assert [r.amount for r in strict] == [D("1000.00"), D(0), D(0)]


def test_release_caps_achievement_at_100() -> None:
    out = release([Project(1, "x", D("10.00"), (("a", D(130)),))])
    assert out[0].achievement == D(100) and out[0].amount == D("10.00")


def test_amounts_add_up_to_the_fund_to_the_cent() -> None:
    people = [Beneficiary(f"M{i:03}", "BCD"[i % 3], D(60 + i * 3)) for i in range(13)]
    fund = D("10000.01")
    result = distribute(fund, people, Rules(threshold=D(60), coefficients=COEFF))
    assert result.total == fund
    assert result.undistributed == 0
    assert all(a.amount == a.amount.quantize(D("0.01")) for a in result.allocations)
    # the cents from rounding went to the largest remainders, and are explained
    assert any("resto" in n for a in result.allocations for n in a.explanation.notes)


def test_below_threshold_and_unrated_get_nothing() -> None:
    people = [
        Beneficiary("A", "C", D("59.99")),
        Beneficiary("B", "C", None),
        Beneficiary("C", "C", D(80)),
    ]
    result = distribute(
        D("500.00"), people, Rules(threshold=D(60), coefficients=COEFF, top_share=D(0))
    )
    amounts = {a.code: a.amount for a in result.allocations}
    assert amounts == {"A": D(0), "B": D(0), "C": D("500.00")}
    assert "sotto la soglia" in result.allocations[0].explanation.formula


def test_differentiated_bonus_for_the_top_share() -> None:
    people = [Beneficiary(f"P{i}", "C", D(100 - i)) for i in range(10)]
    result = distribute(
        D("1000.00"),
        people,
        Rules(threshold=D(0), coefficients=COEFF, top_share=D(20), top_bonus=D(30)),
    )
    top = [a.code for a in result.allocations if a.top]
    assert top == ["P0", "P1"]
    by = {a.code: a for a in result.allocations}
    assert by["P0"].points == D(100) * D("1.1") * D("1.3")
    assert by["P0"].amount > by["P2"].amount * D("1.25")


def test_tie_across_the_top_boundary_keeps_the_share_a_ceiling() -> None:
    people = [
        Beneficiary("A", "B", D(100)),
        Beneficiary("B", "B", D(90)),
        Beneficiary("C", "B", D(90)),
        Beneficiary("D", "B", D(80)),
    ]
    result = distribute(
        D("100.00"), people, Rules(threshold=D(0), coefficients=COEFF, top_share=D(50))
    )
    assert [a.code for a in result.allocations if a.top] == ["A"]
    assert "pari merito" in " ".join(result.explanation.notes)


def test_cap_and_redistribution_of_the_excess() -> None:
    people = [
        Beneficiary("A", "D", D(100)),
        Beneficiary("B", "B", D(60)),
        Beneficiary("C", "B", D(60)),
    ]
    result = distribute(
        D("1000.00"),
        people,
        Rules(threshold=D(0), coefficients=COEFF, top_share=D(0), cap=D("400.00")),
    )
    amounts = {a.code: a.amount for a in result.allocations}
    assert amounts["A"] == D("400.00")
    assert amounts["B"] + amounts["C"] == D("600.00")
    assert result.total == D("1000.00")


def test_everyone_capped_leaves_an_explained_saving() -> None:
    people = [Beneficiary("A", "B", D(100)), Beneficiary("B", "B", D(100))]
    result = distribute(
        D("1000.00"),
        people,
        Rules(threshold=D(0), coefficients=COEFF, top_share=D(0), cap=D("300.00")),
    )
    assert result.total == D("600.00") and result.undistributed == D("400.00")
    assert "non distribuiti 400,00 €" in result.explanation.formula


def test_bad_rules_are_refused_with_words() -> None:
    with pytest.raises(RulesError, match="categoria X"):
        distribute(D("1.00"), [Beneficiary("A", "X", D(90))], Rules(coefficients=COEFF))
    with pytest.raises(RulesError, match="ripetuti"):
        distribute(D("1.00"), [Beneficiary("A", "B", D(90))] * 2, Rules(coefficients=COEFF))
    with pytest.raises(RulesError, match="importo"):
        distribute(D("1.001"), [], Rules(coefficients=COEFF))


def test_band_shares() -> None:
    shares = band_shares([D(95), D(85), D(85), D(50), None], [("alta", D(90)), ("media", D(70))])
    assert [(s.band, s.count) for s in shares] == [
        ("alta", 1),
        ("media", 2),
        ("sotto la fascia più bassa", 1),
        ("non valutati", 1),
    ]
    assert shares[1].share == D(40)
