"""Gender-budget rates from staff counts (pure Python, no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from traguardo.core.numbers import HUNDRED


@dataclass(frozen=True, slots=True)
class GenderRates:
    total: int
    women: int
    men: int
    women_share: Decimal | None  # % of women on the total (tasso di femminilizzazione totale)
    men_share: Decimal | None
    women_per_man: Decimal | None  # women / men (tasso di femminilizzazione)


def gender_rates(women: int, men: int) -> GenderRates:
    """Shares in percent points and the women/men ratio; None where undefined (no staff,
    no men)."""
    if women < 0 or men < 0:
        raise ValueError("i conteggi del personale non possono essere negativi")
    total = women + men
    women_share = Decimal(women) * HUNDRED / total if total else None
    men_share = Decimal(men) * HUNDRED / total if total else None
    ratio = Decimal(women) / Decimal(men) if men else None
    return GenderRates(total, women, men, women_share, men_share, ratio)


def split_total(total: int, women_percent: Decimal) -> tuple[int, int]:
    """Women and men from a total and the printed share of women (128, 75% -> 96, 32)."""
    women = int((Decimal(total) * women_percent / HUNDRED).to_integral_value())
    return women, total - women
