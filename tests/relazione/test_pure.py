"""Pure helpers of the Relazione: placeholders, gender rates, sanitising, formula injection,
charts. No database."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image

from traguardo.reports.relazione.charts import BarChart, degree_bands, to_png, to_svg
from traguardo.reports.relazione.gender import gender_rates, split_total
from traguardo.reports.relazione.placeholders import fill, unknown_names
from traguardo.reports.relazione.safe import neutralise
from traguardo.reports.relazione.sanitize import clean_html, text_to_html, to_text


def test_placeholders_are_filled_escaped_and_unknown_ones_reported() -> None:
    values = {"performance_ente": "98,61%", "area.SERVI": "100%", "ente": "A & B"}
    filled = fill("<p>{{ performance_ente }}, {{area.SERVI}}, {{ ente }}, {{ nope }}</p>", values)
    assert filled.html.startswith("<p>98,61%, 100%, A &amp; B, ")
    assert filled.unknown == ("nope",)
    assert '<mark class="unknown-placeholder">{{ nope }}</mark>' in filled.html
    assert unknown_names("{{ a }} {{ b }} {{ a }}", {"b": "1"}) == ["a"]


def test_gender_rates_of_the_2019_staff() -> None:
    women, men = split_total(128, Decimal("75"))
    assert (women, men) == (96, 32)
    rates = gender_rates(women, men)
    assert rates.total == 128
    assert rates.women_share == Decimal(75)
    assert rates.men_share == Decimal(25)
    assert rates.women_per_man == Decimal(3)


def test_gender_rates_without_men_or_staff_are_undefined_not_an_error() -> None:
    assert gender_rates(5, 0).women_per_man is None
    assert gender_rates(0, 0).women_share is None
    with pytest.raises(ValueError, match="negativi"):
        gender_rates(-1, 3)


def test_rich_text_keeps_only_the_whitelist() -> None:
    dirty = (
        '<p onclick="x()">Testo <strong>forte</strong><script>alert(1)</script>'
        '<a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)></p>'
    )
    clean = clean_html(dirty)
    assert "<script" not in clean and "onclick" not in clean and "<img" not in clean
    assert "javascript:" not in clean
    assert "<strong>forte</strong>" in clean
    assert to_text("<p>Uno</p><ul><li>due</li><li>tre</li></ul>") == "Uno\n- due\n- tre"


def test_plain_narratives_become_paragraphs_lists_and_headings() -> None:
    html = text_to_html("Dotazione organica\n\nPrimo paragrafo.\n\n- uno;\n- due.")
    assert (
        html
        == "<h4>Dotazione organica</h4><p>Primo paragrafo.</p><ul><li>uno;</li><li>due.</li></ul>"
    )


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_injection_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_harmless_text_is_left_alone() -> None:
    assert neutralise("98,61%") == "98,61%"
    assert neutralise("") == ""


def test_svg_and_png_show_the_same_figures() -> None:
    chart = BarChart(
        "Performance di area",
        ("0 STAFF", "2 SERVI"),
        (("Performance", (Decimal("100"), Decimal("72.6266"))),),
        unit="%",
        maximum=Decimal(100),
    )
    svg = to_svg(chart)
    assert svg.startswith("<svg") and "72,63%" in svg and "0 STAFF" in svg
    assert "Performance di area. 0 STAFF: Performance 100%; 2 SERVI: Performance 72,63%." in svg
    image = Image.open(io.BytesIO(to_png(chart)))
    assert image.format == "PNG"
    assert image.width == 2 * 640


def test_degree_bands_count_every_indicator_once() -> None:
    labels, counts = degree_bands([Decimal(100), Decimal("99.9"), Decimal(80), Decimal(10)])
    assert labels[0] == "100%"
    assert counts == (Decimal(1), Decimal(1), Decimal(1), Decimal(0), Decimal(1))
