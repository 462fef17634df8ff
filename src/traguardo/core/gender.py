"""The gender budget (bilancio di genere) of the staff: counts, shares and the two rates of
the Relazione.

- tasso di femminilizzazione totale = women / staff (the share of women);
- tasso di femminilizzazione = women / men (undefined when there are no men).

Figures are computed overall, by category and by age band, from plain records (one per
person, or aggregate counts), and each carries an explanation. :func:`bar_chart_svg`
draws a small accessible SVG bar chart of women and men per group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from traguardo.core.explanation import Explanation
from traguardo.core.i18n import _
from traguardo.core.numbers import HUNDRED, format_exact, format_it, format_percent

FEMALE = "F"
MALE = "M"


@dataclass(frozen=True, slots=True)
class Headcount:
    """`count` people of one gender in one category and age band (a person is count 1)."""

    gender: str  # "F" or "M"
    category: str
    age_band: str
    count: int = 1
    part_time: bool = False


@dataclass(frozen=True, slots=True)
class GenderFigures:
    group: str
    women: int
    men: int
    part_time_women: int
    part_time_men: int

    @property
    def total(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> Decimal | None:
        """Tasso di femminilizzazione totale, percent."""
        return Decimal(self.women) * HUNDRED / self.total if self.total else None

    @property
    def men_share(self) -> Decimal | None:
        return Decimal(self.men) * HUNDRED / self.total if self.total else None

    @property
    def women_to_men(self) -> Decimal | None:
        """Tasso di femminilizzazione: women per man (a ratio, e.g. 3 = three women per man)."""
        return Decimal(self.women) / Decimal(self.men) if self.men else None

    def explain(self) -> Explanation:
        share = self.women_share
        ratio = self.women_to_men
        shown_share = format_percent(share) if share is not None else _("n.d.")
        shown_ratio = format_exact(ratio, 4) if ratio is not None else _("n.d. (nessun uomo)")
        return Explanation(
            subject=_("Tassi di femminilizzazione — {group}").format(group=self.group),
            rule=_("totale = donne / personale; tasso = donne / uomini"),
            formula=(
                f"{self.women} / {self.total} = {shown_share}; "
                f"{self.women} / {self.men} = {shown_ratio}"
            ),
            inputs=((_("donne"), str(self.women)), (_("uomini"), str(self.men))),
        )


@dataclass(frozen=True, slots=True)
class GenderBudget:
    total: GenderFigures
    by_category: tuple[GenderFigures, ...]
    by_age_band: tuple[GenderFigures, ...]


class HeadcountError(ValueError):
    pass


def _figures(group: str, rows: Iterable[Headcount]) -> GenderFigures:
    women = men = pt_w = pt_m = 0
    for row in rows:
        if row.gender == FEMALE:
            women += row.count
            pt_w += row.count if row.part_time else 0
        else:
            men += row.count
            pt_m += row.count if row.part_time else 0
    return GenderFigures(group, women, men, pt_w, pt_m)


def gender_budget(
    rows: Sequence[Headcount],
    *,
    category_order: Sequence[str] = (),
    age_band_order: Sequence[str] = (),
) -> GenderBudget:
    """Figures overall, by category and by age band (groups in the given order, then any
    other group alphabetically)."""
    for row in rows:
        if row.gender not in (FEMALE, MALE):
            raise HeadcountError(
                _("genere «{gender}» non valido (atteso F o M)").format(gender=row.gender)
            )
        if row.count < 0:
            raise HeadcountError(
                _("conteggio negativo per {category} {age_band}").format(
                    category=row.category, age_band=row.age_band
                )
            )

    def grouped(attr: str, order: Sequence[str]) -> tuple[GenderFigures, ...]:
        seen = {getattr(r, attr) for r in rows}
        names = [n for n in order if n in seen] + sorted(seen - set(order))
        return tuple(_figures(n, (r for r in rows if getattr(r, attr) == n)) for n in names)

    return GenderBudget(
        _figures(_("Totale"), rows),
        grouped("category", category_order),
        grouped("age_band", age_band_order),
    )


def bar_chart_svg(figures: Sequence[GenderFigures], title: str, chart_id: str) -> str:
    """Horizontal stacked bars (women, men) per group, with a title, a description and a
    text label on every bar (the chart is readable without colour)."""
    bar_h, gap, label_w, bar_w = 22, 10, 190, 360
    height = len(figures) * (bar_h + gap) + 40
    biggest = max((f.total for f in figures), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 120}" '
        f'height="{height}" viewBox="0 0 {label_w + bar_w + 120} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="gender-chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">'
        + escape(
            "; ".join(
                _("{group}: donne {women}, uomini {men}").format(
                    group=f.group, women=f.women, men=f.men
                )
                for f in figures
            )
        )
        + "</desc>",
    ]
    y = 10
    for f in figures:
        w_women = round(bar_w * f.women / biggest)
        w_men = round(bar_w * f.men / biggest)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="#1a1a1a">{escape(f.group)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w_women}" height="{bar_h}" fill="#8a1c4a"/>'
        )
        parts.append(
            f'<rect x="{label_w + w_women}" y="{y}" width="{w_men}" height="{bar_h}" '
            f'fill="#0b5394"/>'
        )
        share = f.women_share
        counts = _("D {women} · U {men}").format(women=f.women, men=f.men)
        if share is not None:
            counts += " " + _("({share}% D)").format(share=format_it(share, 0))
        parts.append(
            f'<text x="{label_w + w_women + w_men + 6}" y="{y + 16}" font-size="12" '
            f'fill="#1a1a1a">{escape(counts)}</text>'
        )
        y += bar_h + gap
    women, men = escape(_("Donne")), escape(_("Uomini"))
    parts.append(
        f'<rect x="{label_w}" y="{y + 4}" width="12" height="12" fill="#8a1c4a"/>'
        f'<text x="{label_w + 16}" y="{y + 14}" font-size="12" fill="#1a1a1a">{women}</text>'
        f'<rect x="{label_w + 80}" y="{y + 4}" width="12" height="12" fill="#0b5394"/>'
        f'<text x="{label_w + 96}" y="{y + 14}" font-size="12" fill="#1a1a1a">{men}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
