"""Server-side SVG charts: no JavaScript, readable by screen readers.

Each chart is an inline <svg role="img"> labelled by its <title> and <desc>; the page
always shows the same figures in a table as well (the text alternative).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from traguardo.core.numbers import format_percent

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
PLOT_WIDTH = 420
VALUE_WIDTH = 80
TOP = 24
# Colours with at least 4.5:1 contrast on white (WCAG 1.4.11 needs 3:1 for graphics).
ON_TARGET = "#0b6e3a"
OFF_TARGET = "#a61919"
AXIS = "#5c6f82"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar]) -> SafeString:
    """Horizontal bars of percentages (0 to the larger of 100 and the highest value)."""
    values = [b.value for b in bars if b.value is not None]
    scale_max = max([Decimal(100), *values])
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    hundred_x = LABEL_WIDTH + float(Decimal(100) / scale_max) * PLOT_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<line x1="{hundred_x:.1f}" y1="{TOP - 6}" x2="{hundred_x:.1f}" y2="{height - GAP}" '
        f'stroke="{AXIS}" stroke-dasharray="4 3"/>',
        f'<text x="{hundred_x:.1f}" y="{TOP - 10}" font-size="12" fill="{AXIS}" '
        f'text-anchor="middle">100%</text>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" font-size="13" fill="#1a1a1a" '
            f'text-anchor="end">{escape(_short(bar.label))}</text>'
        )
        if bar.value is None:
            text = "n.d."
        else:
            length = float(bar.value / scale_max) * PLOT_WIDTH
            colour = ON_TARGET if bar.value >= 100 else OFF_TARGET
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{colour}"/>'
            )
            text = format_percent(bar.value)
        parts.append(
            f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 6}" y="{middle:.1f}" font-size="13" '
            f'fill="#1a1a1a">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def gauge(chart_id: str, title: str, description: str, done: int, total: int) -> SafeString:
    """One horizontal bar: the share of expected values entered (monitoring completeness)."""
    share = Decimal(done * 100) / Decimal(total) if total else Decimal(100)
    label = f"{done}/{total} ({format_percent(share)})"
    # Room for the whole label ("1234/1234 (100,00%)" is wider than a bar's value).
    width = LABEL_WIDTH + PLOT_WIDTH + max(VALUE_WIDTH, 8 * len(label) + 12)
    length = float(share / 100) * (LABEL_WIDTH + PLOT_WIDTH)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {width} 30" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="4" width="{LABEL_WIDTH + PLOT_WIDTH}" height="22" fill="#e6e9f2" '
        f'stroke="{AXIS}"/>'
        f'<rect x="0" y="4" width="{length:.1f}" height="22" fill="{ON_TARGET}"/>'
        f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 6}" y="20" font-size="13" fill="#1a1a1a">'
        f"{escape(label)}</text></svg>"
    )
