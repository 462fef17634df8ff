"""The generated PDF and DOCX read back: figures compared with the PlanScore and the DB.

Generated once per test session (`demo_relazione` in tests/conftest.py: the PDF takes most
of a minute) and parsed once per module; expected figures are computed here
from the database and the scoring core, never copied from the seed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from tests.conftest import DemoRelazione
from traguardo.core.results import PlanScore
from traguardo.individual.models import ReportCard
from traguardo.monitoring.models import Measurement
from traguardo.plans.models import Cycle, Indicator, ObjectiveAssignment, Target
from traguardo.reports.relazione.content import num, pct

pytestmark = pytest.mark.django_db


@dataclass
class Outputs:
    pdf: PdfReader
    pdf_pages: list[str]
    docx: Any
    score: PlanScore
    cycle_pk: int


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def outputs(_demo_module: int, demo_relazione: DemoRelazione) -> Iterator[Outputs]:
    assert demo_relazione.cycle_pk == _demo_module
    reader = PdfReader(io.BytesIO(demo_relazione.pdf))
    pages = [_flat(p.extract_text()) for p in reader.pages]
    docx = read_docx(io.BytesIO(demo_relazione.docx))
    yield Outputs(reader, pages, docx, demo_relazione.score, _demo_module)


_FOOTER = re.compile(r" ?Pagina \d+ di \d+$")
_HEADER = re.compile(r"^.*? – Relazione sulla performance \d{4} ")


def _part(pages: list[str], title: str) -> str:
    """The text of every page whose running header names the part starting with `title`
    (Typst writes the margins around the body: header (entity, part) first, footer last)."""
    chosen = []
    for page in pages:
        header, footer = _HEADER.search(page), _FOOTER.search(page)
        if header is None or footer is None:
            continue
        body = page[header.end() : footer.start()]
        if body.startswith(title):
            chosen.append(body)
    assert chosen, f"no page of «{title}»"
    return " ".join(chosen)


def _b_rows(cycle: Cycle, score: PlanScore) -> list[dict[str, str]]:
    year = cycle.year
    rows = []
    for indicator in Indicator.objects.filter(entity_block__cycle=cycle).order_by("number"):
        targets = dict(Target.objects.filter(indicator=indicator).values_list("year", "text"))
        value = Measurement.objects.get(indicator=indicator, period__code="31.12").text
        rows.append(
            {
                "number": str(indicator.number),
                "targets": " ".join(targets[y] for y in (year, year + 1, year + 2)),
                "weight": num(indicator.weight),
                "value": value,
                "degree": pct(score.entity_indicator(indicator.number).degree.value),
            }
        )
    return rows


def test_pdf_opens_with_cover_contents_and_page_numbers(outputs: Outputs) -> None:
    cover = outputs.pdf_pages[0]
    assert "RELAZIONE SULLA PERFORMANCE" in cover and "ANNO 2019" in cover
    assert "Deliberazione della Giunta n. 76 del 29.05.2020" in cover
    assert _HEADER.sub("", outputs.pdf_pages[1]).startswith("Sommario Sommario")
    total = len(outputs.pdf_pages)
    assert f"Pagina 2 di {total}" in outputs.pdf_pages[1]
    for title in ("Allegato B", "Allegato C", "Allegato D", "Allegato E"):
        assert title in outputs.pdf_pages[1]


def test_pdf_section_one_gives_the_entity_result_and_every_area(outputs: Outputs) -> None:
    text = _part(outputs.pdf_pages, "1. I principali risultati")
    assert f"Performance di Ente {pct(outputs.score.entity.performance)}" in text
    assert pct(outputs.score.entity.performance) == "98,61%"
    for unit in outputs.score.units:
        if unit.kind.value == "area":
            assert f"{unit.code} {unit.short} – {unit.name} {pct(unit.performance)}" in text


def test_pdf_allegato_b_has_every_row_with_value_degree_and_the_total(
    outputs: Outputs, demo: Cycle
) -> None:
    text = _part(outputs.pdf_pages, "Allegato B –")
    rows = _b_rows(demo, outputs.score)
    assert len(rows) == 31
    for row in rows:
        expected = f"{row['targets']} {row['weight']} {row['value']} {row['degree']}"
        assert expected in text, f"indicator {row['number']}: «{expected}» not in Allegato B"
    for block in outputs.score.entity.blocks:
        assert f"{pct(block.achievement)} {num(block.weight)} {num(block.result)}" in text
    assert "Totale performance di Ente 98,61" in text


def test_pdf_allegati_c_d_e_carry_every_unit_card_and_objective(
    outputs: Outputs, demo: Cycle
) -> None:
    c_text = _part(outputs.pdf_pages, "Allegato C –")
    units = {u.code: u for u in outputs.score.units}
    assigned = set(
        ObjectiveAssignment.objects.filter(cycle=demo).values_list("unit__code", flat=True)
    )
    assert assigned
    for code in assigned:
        unit = units[code]
        assert f"{unit.name}: performance {pct(unit.performance)}" in c_text, code
    d_text = _part(outputs.pdf_pages, "Allegato D –")
    e_text = _part(outputs.pdf_pages, "Allegato E –")
    cards = {c.key: c for c in outputs.score.cards}
    for card in ReportCard.objects.filter(cycle=demo).prefetch_related(
        "objectives__objective__home_unit"
    ):
        text = d_text if card.role != "po" else e_text
        assert f"Sintesi della scheda {card.key}" in text
        for row in cards[card.key].synthesis:
            assert pct(row.performance) in text
        for entry in card.objectives.all():
            assert f"({entry.objective.code})" in text, (card.key, entry.number)


def _docx_table(doc: Any, first_header: tuple[str, ...]) -> list[Any]:
    found = []
    for table in doc.tables:
        header = tuple(c.text for c in table.rows[0].cells[: len(first_header)])
        if header == first_header:
            found.append(table)
    return found


def test_docx_allegato_b_matches_the_score_cell_by_cell(outputs: Outputs, demo: Cycle) -> None:
    (table,) = _docx_table(outputs.docx, ("N.", "art. 67", "Indicatore", "Metodo di calcolo"))
    data = [[c.text for c in r.cells] for r in table.rows[1:] if r.cells[0].text.isdigit()]
    expected = _b_rows(demo, outputs.score)
    assert len(data) == len(expected) == 31
    for cells, row in zip(data, expected, strict=True):
        assert cells[0] == row["number"]
        assert " ".join(cells[6:9]) == row["targets"]
        assert (cells[9], cells[10], cells[11]) == (row["weight"], row["value"], row["degree"])
    firsts = [cells for cells in data if cells[12]]
    assert [(c[12], c[13], c[14]) for c in firsts] == [
        (pct(b.achievement), num(b.weight), num(b.result)) for b in outputs.score.entity.blocks
    ]
    total = [c.text for c in table.rows[-1].cells]
    assert total[0].startswith("Totale") and total[-1] == "98,61"


def test_docx_allegati_d_e_give_each_objective_its_performance_and_results(
    outputs: Outputs, demo: Cycle
) -> None:
    tables = _docx_table(outputs.docx, ("N.", "Obiettivo", "Tipo", "Performance raggiunta"))
    cards = {c.key: c for c in outputs.score.cards}
    db_cards = list(
        ReportCard.objects.filter(cycle=demo)
        .order_by("id")
        .prefetch_related("objectives__objective__home_unit")
    )
    d_first = [c for c in db_cards if c.role != "po"] + [c for c in db_cards if c.role == "po"]
    assert len(tables) == len(d_first)
    for table, card in zip(tables, d_first, strict=True):
        performance = {n: v for n, _, v in cards[card.key].objectives}
        rows = [[c.text for c in r.cells] for r in table.rows[1:]]
        assert len(rows) == card.objectives.count()
        for cells, entry in zip(rows, card.objectives.all(), strict=True):
            assert cells[0] == str(entry.number)
            assert cells[1] == f"{entry.objective.title} ({entry.objective.code})"
            assert cells[3] == pct(performance[entry.number])
            if entry.results:
                words = re.sub(r"<[^>]+>", " ", entry.results).split()[:6]
                assert " ".join(words) in " ".join(cells[4].split()), (card.key, entry.number)


def test_docx_allegato_c_shows_every_indicator_value_in_its_home_unit(
    outputs: Outputs, demo: Cycle
) -> None:
    tables = _docx_table(outputs.docx, ("Obiettivo", "Indicatore", "Target 2019"))
    cells_text = {(r.cells[1].text, r.cells[3].text) for t in tables for r in t.rows[1:]}
    checked = 0
    for indicator in Indicator.objects.filter(objective__cycle=demo):
        measurement = Measurement.objects.filter(indicator=indicator, period__code="31.12").first()
        if measurement is None:
            continue
        assert (f"{indicator.number}) {indicator.name}", measurement.text) in cells_text
        checked += 1
    assert checked > 200


def test_docx_has_real_headings_for_every_part(outputs: Outputs) -> None:
    headings = [p.text for p in outputs.docx.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Sommario", "Presentazione", "1. I principali risultati raggiunti"]
    assert any(h.startswith("Allegato E") for h in headings)


def test_pdf_is_tagged_with_bookmarks_and_embedded_fonts(outputs: Outputs) -> None:
    root = outputs.pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "it"
    titles = [item.title for item in outputs.pdf.outline if not isinstance(item, list)]
    assert "1. I principali risultati raggiunti" in titles
    assert any(t.startswith("Allegato B") for t in titles)
    fonts = outputs.pdf.pages[4]["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert outputs.pdf.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    landscape = [p for p in outputs.pdf.pages if p.mediabox.width > p.mediabox.height]
    assert landscape, "the annexes are on landscape pages"


def test_pdf_bookmarks_and_contents_point_at_the_pages_of_their_parts(outputs: Outputs) -> None:
    """Every part's bookmark opens the page where the part starts (its running header names
    it), the contents give the same page number, and subsections nest under their part."""
    reader = outputs.pdf
    contents = outputs.pdf_pages[1]
    outline = reader.outline
    checked = 0
    for index, item in enumerate(outline):
        if isinstance(item, list):
            continue
        page = reader.get_destination_page_number(item)
        body = _HEADER.sub("", outputs.pdf_pages[page])
        assert body.startswith(item.title), (item.title, page)
        assert f"{item.title} " in contents and re.search(
            re.escape(item.title) + r" [ .]*" + str(page + 1) + r"\b", contents
        ), f"contents do not give page {page + 1} for «{item.title}»"
        checked += 1
        children = outline[index + 1] if index + 1 < len(outline) else None
        if item.title.startswith("3. "):
            assert isinstance(children, list)
            assert [c.title for c in children if not isinstance(c, list)][:2] == [
                "3.0 - Albero della performance",
                "3.1 - Rendicontazione degli obiettivi strategici triennali",
            ]
    assert checked == 11


def test_pdf_declares_pdf_a_2b_and_pdf_ua_1(outputs: Outputs) -> None:
    """The published Relazione is archived: PDF/A-2b identification in the XMP metadata
    (what validators read first), PDF/UA-1 beside it, the title shown in the window."""
    xmp = outputs.pdf.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")2", xmp) and re.search(
        r"pdfaid:conformance(>|=\")B", xmp
    ), xmp[:500]
    assert re.search(r"pdfuaid:part(>|=\")1", xmp)
    root = outputs.pdf.trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a PDF boolean)
    assert "/OutputIntents" in root  # PDF/A needs the colour space declared
    entity = Cycle.objects.select_related("entity").get(pk=outputs.cycle_pk).entity.name
    assert outputs.pdf.metadata.title == f"Relazione sulla performance 2019 – {entity}"
