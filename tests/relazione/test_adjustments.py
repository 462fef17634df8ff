"""The Relazione prints overridden figures as "rettificato", with the computed figure and
the reason in the notes of section 5, and the published figures it does not reproduce."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.world import World
from traguardo.core.results import AdjustedFigure
from traguardo.reports.relazione import content
from traguardo.reports.relazione.content import build_document
from traguardo.reports.relazione.html import print_html
from traguardo.scoring import adjustments


def office() -> Any:
    return get_user_model().objects.get(username="ufficio")


def test_no_adjustment_no_notes(world: World) -> None:
    html = print_html(build_document(world.cycle))
    assert "Note sugli scostamenti" not in html and "rettificato" not in html


def test_published_figure_that_differs_is_in_the_notes(world: World) -> None:
    adjustments.set_published(world.cycle, "1.1/1", Decimal("99.5"), by=office())
    adjustments.set_published(world.cycle, "2.1/1", Decimal(100), by=office())  # reproduced
    document = build_document(world.cycle)
    table = document.table("scostamenti_pubblicati")
    assert [row.cells[0] for row in table.rows] == ["Obiettivo 1.1/1 — " + _title(world)]
    assert table.rows[0].cells[1:] == ("99,50%", "100%", "-0,50")
    assert "Note sugli scostamenti e sulle rettifiche" in print_html(document)


def _title(world: World) -> str:
    return world.objectives["1.1/1"].title


def test_overridden_figure_is_marked_with_computed_figure_and_reason(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rendering, on a score carrying an override as the engine returns it."""
    from traguardo.scoring.services import score_cycle

    def adjusted(cycle: Any, **kwargs: Any) -> Any:
        score = score_cycle(cycle, **kwargs)
        objective = replace(score.objectives["2.1/1"], performance=Decimal(90))
        return replace(
            score,
            objectives={**score.objectives, "2.1/1": objective},
            adjusted={
                "2.1/1": AdjustedFigure("2.1/1", Decimal(90), Decimal(100), "Fonte corretta")
            },
        )

    monkeypatch.setattr(content, "score_cycle", adjusted)
    document = build_document(world.cycle)
    notes = document.table("rettifiche")
    assert notes.rows[0].cells[1:] == ("90% (rettificato)", "100%", "Fonte corretta")
    allegato_a = document.table("allegato_a")
    assert any("90% (rettificato)" in row.cells for row in allegato_a.rows)


def test_override_set_through_the_service_reaches_the_relazione(world: World) -> None:
    """End to end, with the engine applying Plan.adjustments (scoring.fetch passes
    adjustments_of(cycle))."""
    adjustments.override(world.cycle, "2.1/1", Decimal(90), reason="Fonte corretta", by=office())
    html = print_html(build_document(world.cycle))
    assert "90% (rettificato)" in html
    assert "Fonte corretta" in html and "Note sugli scostamenti" in html


def test_the_notes_reach_the_docx_xlsx_and_pdf(world: World) -> None:
    import io
    import zipfile

    from openpyxl import load_workbook

    from traguardo.reports.relazione.docx import render_docx
    from traguardo.reports.relazione.pdf import render_pdf
    from traguardo.reports.relazione.xlsx import render_xlsx

    adjustments.set_published(world.cycle, "1.1/1", Decimal("99.5"), by=office())
    document = build_document(world.cycle)
    with zipfile.ZipFile(io.BytesIO(render_docx(document))) as docx:
        body = docx.read("word/document.xml").decode()
    assert "Note sugli scostamenti e sulle rettifiche" in body and "99,50%" in body
    book = load_workbook(io.BytesIO(render_xlsx(document)))
    assert any(title.startswith("scostamenti_pubblicati") for title in book.sheetnames)
    assert render_pdf(document).startswith(b"%PDF")


def test_a_value_entered_as_a_ratio_shows_both_terms(demo: Any) -> None:
    """Issue 14: a ratio is kept, shown and scored as both its terms, in the Relazione too."""
    from traguardo.monitoring.models import Measurement, Period

    value = (
        Measurement.objects.filter(
            period__cycle=demo, period__code=Period.Code.FINAL, indicator__objective__isnull=False
        )
        .order_by("indicator_id")
        .first()
    )
    assert value is not None
    Measurement.objects.filter(pk=value.pk).update(
        text="93,491577%",
        number=Decimal("93.491577"),
        numerator=Decimal("12.21"),
        denominator=Decimal("13.06"),
    )
    html = print_html(build_document(demo))
    assert "12,21 / 13,06 = 93,49%" in html
    assert "93,491577" not in html
