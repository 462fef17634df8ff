"""Bar charts drawn from the same data as SVG (HTML, PDF) and PNG (DOCX).

A deliberately small renderer: horizontal bars, one or two series, labels and values.
SVG is written by hand; PNG is drawn with Pillow (already installed with WeasyPrint), so
no plotting library is needed and both images show exactly the same figures.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from traguardo.core.numbers import format_it

COLOURS = ("#0066cc", "#b3541e", "#5c6f82")  # Bootstrap Italia primary, a warm contrast, grey
WIDTH = 640
ROW = 26
LABEL_WIDTH = 230
TOP = 40
FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[Decimal, ...]], ...]  # (name, one value per label)
    unit: str = ""  # "%" or ""
    maximum: Decimal | None = None  # axis end; default: the largest value
    places: int | None = None  # decimals of the labels; default 2 for "%", else 0 (the SMVP's)

    def axis_max(self) -> Decimal:
        values = [v for _, vs in self.series for v in vs]
        top = self.maximum if self.maximum is not None else max(values, default=Decimal(1))
        return top if top > 0 else Decimal(1)

    def value_text(self, value: Decimal) -> str:
        places = self.places if self.places is not None else (2 if self.unit == "%" else 0)
        return format_it(value, places, trim=True) + self.unit

    def description(self) -> str:
        parts = []
        for index, label in enumerate(self.labels):
            values = ", ".join(f"{name} {self.value_text(vs[index])}" for name, vs in self.series)
            parts.append(f"{label}: {values}")
        return f"{self.title}. " + "; ".join(parts) + "."


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _geometry(chart: BarChart) -> tuple[int, int, int]:
    bars = len(chart.series)
    group = ROW * bars + 8
    legend = 22 if bars > 1 else 0
    height = TOP + legend + group * len(chart.labels) + 10
    return group, legend, height


def to_svg(chart: BarChart) -> str:
    group, legend, height = _geometry(chart)
    plot = WIDTH - LABEL_WIDTH - 70
    top = chart.axis_max()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(chart.title)}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f"<title>{escape(chart.description())}</title>",
        f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#1a1a1a">'
        f"{escape(chart.title)}</text>",
    ]
    if legend:
        x = LABEL_WIDTH
        for index, (name, _) in enumerate(chart.series):
            out.append(
                f'<rect x="{x}" y="{TOP - 8}" width="12" height="12" '
                f'fill="{COLOURS[index % 3]}"/><text x="{x + 16}" y="{TOP + 2}" '
                f'fill="#1a1a1a">{escape(name)}</text>'
            )
            x += 30 + 8 * len(name)
    for row, label in enumerate(chart.labels):
        y0 = TOP + legend + row * group
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y0 + group / 2 + 2:.0f}" text-anchor="end" '
            f'fill="#1a1a1a">{escape(_short(label))}</text>'
        )
        for index, (_, values) in enumerate(chart.series):
            value = values[row]
            length = float(value / top) * plot if top else 0.0
            y = y0 + index * ROW + 4
            out.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1.0):.1f}" '
                f'height="{ROW - 6}" fill="{COLOURS[index % 3]}"/>'
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + ROW / 2 + 1:.0f}" '
                f'fill="#1a1a1a">{escape(chart.value_text(value))}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


# The Builder draws every chart as PNG too (for the DOCX), the HTML preview included: the
# same figures give the same image, so the last ones are kept (PNG encoding is most of the
# preview's time otherwise). BarChart is frozen, made of tuples: it names its content.
@functools.lru_cache(maxsize=32)
def to_png(chart: BarChart, scale: int = 2) -> bytes:
    """The same chart as a PNG, drawn at `scale` times the SVG's size for print."""
    group, legend, height = _geometry(chart)
    plot = WIDTH - LABEL_WIDTH - 70
    top = chart.axis_max()
    image = Image.new("RGB", (WIDTH * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(12 * scale), _font(14 * scale)
    draw.text((0, 4 * scale), chart.title, fill="#1a1a1a", font=bold)
    if legend:
        x = LABEL_WIDTH
        for index, (name, _) in enumerate(chart.series):
            draw.rectangle(
                [x * scale, (TOP - 8) * scale, (x + 12) * scale, (TOP + 4) * scale],
                fill=COLOURS[index % 3],
            )
            draw.text(((x + 16) * scale, (TOP - 9) * scale), name, fill="#1a1a1a", font=font)
            x += 30 + 8 * len(name)
    for row, label in enumerate(chart.labels):
        y0 = TOP + legend + row * group
        text = _short(label)
        width = draw.textlength(text, font=font)
        draw.text(
            ((LABEL_WIDTH - 8) * scale - width, (y0 + group / 2 - 7) * scale),
            text,
            fill="#1a1a1a",
            font=font,
        )
        for index, (_, values) in enumerate(chart.series):
            length = float(values[row] / top) * plot if top else 0.0
            y = y0 + index * ROW + 4
            draw.rectangle(
                [
                    LABEL_WIDTH * scale,
                    y * scale,
                    (LABEL_WIDTH + max(length, 1.0)) * scale,
                    (y + ROW - 6) * scale,
                ],
                fill=COLOURS[index % 3],
            )
            draw.text(
                ((LABEL_WIDTH + length + 4) * scale, (y + 3) * scale),
                chart.value_text(values[row]),
                fill="#1a1a1a",
                font=font,
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def degree_bands(degrees: list[Decimal]) -> tuple[tuple[str, ...], tuple[Decimal, ...]]:
    """How many indicators fall in each band of achievement (distribution of degrees)."""
    bands = (
        ("100%", lambda d: d >= 100),
        ("90% - 99,99%", lambda d: 90 <= d < 100),
        ("75% - 89,99%", lambda d: 75 <= d < 90),
        ("50% - 74,99%", lambda d: 50 <= d < 75),
        ("sotto il 50%", lambda d: d < 50),
    )
    counts = tuple(Decimal(sum(1 for d in degrees if test(d))) for _, test in bands)
    return tuple(label for label, _ in bands), counts
