"""The SMVP's step from score to points (core.payout) applied in the fund's distribution:
figures worked out by hand in each test, the explanation saying the step."""

from __future__ import annotations

from decimal import Decimal as D

from traguardo.core.fund import Beneficiary, Rules, distribute
from traguardo.core.payout import Payout, PayoutKind

COEFF = {"B": D(1), "C": D("1.1"), "D": D("1.2")}
PEOPLE = (
    Beneficiary("A", "C", D(87)),
    Beneficiary("B", "B", D(65)),
    Beneficiary("C", "D", D(95)),  # the one top seat (1 of 3 at 34%): points +30%
    Beneficiary("D", "C", D(55)),  # under the 60 threshold: nothing, whatever the payout
)


def rules(payout: Payout) -> Rules:
    return Rules(threshold=D(60), coefficients=COEFF, top_share=D(34), payout=payout)


def test_bands_payout() -> None:
    payout = Payout(PayoutKind.BANDS, ((D(60), D(50)), (D(80), D(70)), (D(90), D(100))))
    # 87 → 70, 65 → 50, 95 → 100; × coefficient (× 1,3 for the top seat):
    # A 70 × 1,1 = 77; B 50 × 1 = 50; C 100 × 1,2 × 1,3 = 156; 283 points, 10 € a point
    result = distribute(D("2830.00"), PEOPLE, rules(payout))
    by = {a.code: a for a in result.allocations}
    assert {c: a.score_points for c, a in by.items()} == {
        "A": D(70),
        "B": D(50),
        "C": D(100),
        "D": D(0),
    }
    assert {c: a.points for c, a in by.items()} == {
        "A": D(77),
        "B": D(50),
        "C": D(156),
        "D": D(0),
    }
    assert {c: a.amount for c, a in by.items()} == {
        "A": D("770.00"),
        "B": D("500.00"),
        "C": D("1560.00"),
        "D": D("0.00"),
    }
    assert result.total == D("2830.00") and result.undistributed == 0
    a = by["A"].explanation
    assert a.notes[0] == "punteggio 87,00% → 70 punti (fasce dell'SMVP)"
    assert a.rule.startswith("punti = punti dell'SMVP per il punteggio")
    assert "punteggio 95,00% → 100 punti (fasce dell'SMVP)" in by["C"].explanation.notes
    assert result.explanation.rule.endswith(
        "punti dal punteggio: a fasce: da 60% 50 punti, da 80% 70 punti, da 90% 100 punti "
        "(sotto la prima fascia 0 punti)"
    )


def test_linear_payout() -> None:
    payout = Payout(PayoutKind.LINEAR, ((D(60), D(0)), (D(100), D(100))))
    # (score − 60) / 40 × 100: 87 → 67,5; 65 → 12,5; 95 → 87,5
    # A 67,5 × 1,1 = 74,25; B 12,5; C 87,5 × 1,2 × 1,3 = 136,5; 223,25 points, 10 € a point
    result = distribute(D("2232.50"), PEOPLE, rules(payout))
    by = {a.code: a for a in result.allocations}
    assert {c: a.points for c, a in by.items()} == {
        "A": D("74.25"),
        "B": D("12.5"),
        "C": D("136.5"),
        "D": D(0),
    }
    assert {c: a.amount for c, a in by.items()} == {
        "A": D("742.50"),
        "B": D("125.00"),
        "C": D("1365.00"),
        "D": D("0.00"),
    }
    assert by["B"].explanation.notes[0] == (
        "punteggio 65,00% → 12,5 punti (curva lineare dell'SMVP)"
    )
    assert "lineare a tratti: 60% → 0 punti, 100% → 100 punti" in result.explanation.rule


def test_proportional_payout_is_the_score_itself() -> None:
    plain = distribute(
        D("1000.00"), PEOPLE, Rules(threshold=D(60), coefficients=COEFF, top_share=D(34))
    )
    # a proportional payout ignores any points it was given
    stated = distribute(
        D("1000.00"), PEOPLE, rules(Payout(PayoutKind.PROPORTIONAL, ((D(60), D(1)),)))
    )
    assert plain == stated
    assert [a.score_points for a in plain.allocations] == [D(87), D(65), D(95), D(0)]
    assert all("SMVP" not in a.explanation.rule for a in plain.allocations)
    assert "punti dal punteggio" not in plain.explanation.rule


def test_a_score_worth_no_points_gets_nothing_and_says_so() -> None:
    # threshold 50 lets 55 in, but the bands start at 60: 0 points, 0 €
    payout = Payout(PayoutKind.BANDS, ((D(60), D(50)), (D(90), D(100))))
    result = distribute(
        D("300.00"),
        PEOPLE,
        Rules(threshold=D(50), coefficients=COEFF, top_share=D(0), payout=payout),
    )
    by = {a.code: a for a in result.allocations}
    assert by["D"].amount == 0 and by["D"].points == 0
    assert by["D"].explanation.formula == "0,0000 punti → 0,00 €"
    assert by["D"].explanation.notes[0] == "punteggio 55,00% → 0 punti (fasce dell'SMVP)"
    # A 50 × 1,1 = 55, B 50, C 100 × 1,2 = 120: 225 points for 300 €
    assert result.total == D("300.00")
    assert by["C"].amount == (D(300) * 120 / 225).quantize(D("0.01"))


def test_payout_points_at_the_edges() -> None:
    bands = Payout(PayoutKind.BANDS, ((D(60), D(50)), (D(90), D(100))))
    assert [bands.points_for(D(x)) for x in ("0", "59.99", "60", "89.99", "90", "120")] == [
        D(0),
        D(0),
        D(50),
        D(50),
        D(100),
        D(100),
    ]
    curve = Payout(PayoutKind.LINEAR, ((D(60), D(20)), (D(80), D(60)), (D(100), D(100))))
    assert [curve.points_for(D(x)) for x in (50, 60, 70, 80, 90, 100, 110)] == [
        D(20),
        D(20),
        D(40),
        D(60),
        D(80),
        D(100),
        D(100),
    ]
    assert curve.points_for(None) == 0
