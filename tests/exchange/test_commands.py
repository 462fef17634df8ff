"""``traguardo import`` and ``traguardo template`` on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exchange.helpers import make_xlsx, read_sheets
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, OperationalObjective


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_template_then_import_dry_run_reports_everything_unchanged(
    demo: Cycle, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    _run("template", "plan", "--year", "2019", "--lang", "en", "--out", str(path))
    assert "Indicators" in read_sheets(path.read_bytes())
    out, err = _run("import", str(path), "--year", "2019", "--dry-run")
    assert "Anteprima (nulla è stato salvato): 496 righe lette; 0 da creare, 0 da aggiornare" in out
    assert "  Indicators: 0 da creare, 0 da aggiornare, 256 invariato" in out
    assert "100% 496/496" in err  # progress


def test_import_saves_values_and_shows_progress(demo: Cycle, tmp_path: Path) -> None:
    Period.objects.filter(cycle=demo, code="31.12").update(closed=False)
    path = tmp_path / "valori.xlsx"
    path.write_bytes(
        make_xlsx({"Valori": [["Codice", "Periodo", "Valore"], ["B14", "31.12", "80%"]]})
    )
    out, _ = _run("import", str(path), "--year", "2019")
    assert "Importazione completata: 1 righe lette; 0 da creare, 1 da aggiornare" in out
    assert "da aggiornare: Valori riga 2 B14 (Valore)" in out
    assert (
        Measurement.objects.get(
            indicator__entity_block__cycle=demo, indicator__number=14, period__code="31.12"
        ).text
        == "80%"
    )


def test_import_with_problems_fails_listing_them_and_saves_nothing(
    demo: Cycle, tmp_path: Path
) -> None:
    path = tmp_path / "piano.xlsx"
    path.write_bytes(
        make_xlsx(
            {
                "Obiettivi operativi": [
                    ["Codice", "Titolo"],
                    ["2.1/50", "Buono"],
                    ["8.8/1", "Unità che non c'è"],
                ]
            }
        )
    )
    with pytest.raises(CommandError) as caught:
        _run("import", str(path), "--year", "2019")
    assert "1 problemi: non è stato salvato nulla" in str(caught.value)
    assert (
        "foglio «Obiettivi operativi», riga 3, colonna «Codice»: codice di unità «8.8» sconosciuto"
        in str(caught.value)
    )
    assert not OperationalObjective.objects.filter(cycle=demo, number=50).exists()


def test_a_refused_file_is_one_clear_line(demo: Cycle, tmp_path: Path) -> None:
    path = tmp_path / "piano.xlsm"
    path.write_bytes(b"PK\x03\x04whatever")
    with pytest.raises(CommandError, match=r"piano.xlsm: i file con macro \(.xlsm\)"):
        _run("import", str(path), "--year", "2019")
    with pytest.raises(CommandError, match="nessun ciclo 2031"):
        _run("import", str(path), "--year", "2031")
