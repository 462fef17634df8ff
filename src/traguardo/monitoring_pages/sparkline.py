"""A small inline SVG line of an indicator's yearly values (no JavaScript).

The <svg role="img"> is labelled by its <title> and <desc> (which lists every point); the
page shows the same figures in a table, the text alternative.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from traguardo.core.numbers import format_exact

WIDTH, HEIGHT, PAD = 240, 64, 10
LINE = "#0066cc"  # 5.6:1 on white
AXIS = "#5c6f82"


def sparkline(chart_id: str, title: str, points: list[tuple[int, Decimal]]) -> SafeString:
    """A line through (year, value); empty when fewer than two points have a value."""
    if len(points) < 2:
        return mark_safe("")
    years = [year for year, _value in points]
    values = [value for _year, value in points]
    low, high = min(values), max(values)
    span_y = (high - low) or Decimal(1)
    span_x = (years[-1] - years[0]) or 1

    def xy(year: int, value: Decimal) -> tuple[float, float]:
        x = PAD + (year - years[0]) / span_x * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - float((value - low) / span_y) * (HEIGHT - 2 * PAD)
        return x, y

    coords = [xy(year, value) for year, value in points]
    description = "; ".join(f"{year}: {format_exact(value)}" for year, value in points)
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {HEIGHT + 14}" '
        f'width="{WIDTH}" height="{HEIGHT + 14}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD / 2}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD / 2}" '
        f'stroke="{AXIS}" stroke-width="1"/>',
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            LINE, " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        ),
    ]
    for (year, _value), (x, y) in zip(points, coords, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT + 10}" font-size="10" fill="{AXIS}" '
            f'text-anchor="middle">{year}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
