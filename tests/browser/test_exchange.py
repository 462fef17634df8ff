"""The performance office uploads a values file, reads the dry-run preview, confirms,
follows the progress and sees the result: in Chromium, with accessibility checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, login
from tests.exchange.helpers import make_xlsx
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle


def test_office_imports_a_values_file(
    page: Page, live_server: Any, live_demo: Cycle, tmp_path: Path
) -> None:
    Period.objects.filter(cycle=live_demo, code="31.12").update(closed=False)
    path = tmp_path / "valori-31.12-2019.xlsx"
    path.write_bytes(
        make_xlsx(
            {
                "Valori": [
                    ["Codice", "Periodo", "Valore"],
                    ["B14", "31.12", "81,25%"],
                    ["2.1/1#2", "31.12", "1551"],  # as stored: unchanged
                ]
            }
        )
    )
    login(page, live_server.url, "ufficio")
    page.goto(f"{live_server.url}/dati/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importa ed esporta i dati")
    assert_accessible(page)

    page.set_input_files("#import-file", str(path))
    page.click("#import-submit")
    expect(
        page.get_by_role("heading", name="Anteprima: nulla è ancora stato salvato")
    ).to_be_visible()
    counts = page.locator("#counts tbody tr").first
    expect(counts).to_contain_text("Valori")
    expect(page.locator("#counts tfoot tr")).to_have_text("Totale011")
    assert_accessible(page)
    measurement = Measurement.objects.get(
        indicator__entity_block__cycle=live_demo, indicator__number=14, period__code="31.12"
    )
    assert measurement.text != "81,25%"  # nothing saved by the preview

    page.click("#confirm-import")
    expect(page.locator("#import-done")).to_contain_text(
        "Importazione completata: 0 righe create, 1 aggiornate, 1 invariate.", timeout=20_000
    )
    assert_accessible(page)
    measurement.refresh_from_db()
    assert measurement.text == "81,25%"


def test_office_sees_every_problem_of_a_bad_file(
    page: Page, live_server: Any, live_demo: Cycle, tmp_path: Path
) -> None:
    path = tmp_path / "piano.xlsx"
    path.write_bytes(
        make_xlsx(
            {
                "Indicatori": [
                    ["Codice", "Indicatore", "Peso", "Target 2019"],
                    ["9.9/1#1", "Indicatore di un obiettivo che non c'è", "100", ">= 5"],
                    ["2.1/1#1", "Peso sbagliato", "70", ">= qualcosa"],
                ]
            }
        )
    )
    login(page, live_server.url, "ufficio")
    page.goto(f"{live_server.url}/dati/")
    page.set_input_files("#import-file", str(path))
    page.click("#import-submit")
    expect(page.get_by_role("alert")).to_contain_text(
        "3 problemi nel file: non è stato salvato nulla."
    )
    rows = page.locator("#issues tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Indicatori2Codice")
    expect(rows.nth(1)).to_contain_text("Target 2019")
    expect(page.locator("#confirm-import")).to_have_count(0)
    assert_accessible(page)
