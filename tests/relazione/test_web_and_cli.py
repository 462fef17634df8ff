"""The Relazione page (permissions, jobs, downloads, narratives), the CLI, the
XLSX of every table and the open data."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from traguardo.demo.relazione import ensure_content
from traguardo.plans.models import Cycle, Indicator
from traguardo.reports.models import Narrative, ReportJob
from traguardo.reports.relazione.content import pct
from traguardo.reports.relazione.jobs import run_job
from traguardo.reports.relazione.opendata import FIELDS
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_anonymous_users_are_sent_to_login(demo: Cycle) -> None:
    response = Client().get("/relazione/")
    assert response.status_code == 302 and "/accesso/entra/" in response["Location"]


def test_members_read_but_only_the_office_generates(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    po = client_as("po")
    page = po.get("/relazione/")
    assert page.status_code == 200
    assert 'id="generate-submit"' not in page.content.decode()
    assert po.post("/relazione/2019/genera/", {"format": "pdf"}).status_code == 403
    assert not ReportJob.objects.exists()
    office = client_as("ufficio")
    assert 'id="generate-submit"' in office.get("/relazione/").content.decode()


def test_office_generates_downloads_and_sees_the_file_listed(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    office = client_as("ufficio")
    response = office.post("/relazione/2019/genera/", {"format": "xlsx"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == "queued" and job.requested_by is not None
    assert office.get(f"/relazione/file/{job.pk}/stato/").json()["status"] == "queued"
    assert office.get(f"/relazione/file/{job.pk}/scarica/").status_code == 404
    done = run_job(job.pk)
    assert done is not None and done.status == "done" and done.progress == 100
    assert run_job(job.pk) is None  # a job runs once
    status = office.get(f"/relazione/file/{job.pk}/stato/").json()
    assert status["download"].endswith("/scarica/")
    listing = office.get("/relazione/").content.decode()
    assert "Scarica XLSX" in listing and "ufficio" in listing
    download = client_as("po").get(status["download"])  # members download
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.content))
    sheet = book["allegato_b"]
    total = [c.value for c in list(sheet.iter_rows())[-1]]
    assert total[0] == "Totale performance di Ente"
    assert total[-1] == pytest.approx(98.61)
    degrees = [row[11] for row in sheet.iter_rows(min_row=3) if isinstance(row[0].value, int)]
    assert len(degrees) == 31
    assert all(c.number_format == "0.00%" and 0 <= c.value <= 1 for c in degrees)


def test_bad_format_is_refused_with_a_message(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    response = client_as("ufficio").post("/relazione/2019/genera/", {"format": "exe"}, follow=True)
    assert "Scegli un formato" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_unknown_placeholder_is_refused_on_save_and_fails_generation(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    ensure_content(demo)
    before = Narrative.objects.get(cycle=demo, section="presentazione").html
    office = client_as("ufficio")
    response = office.post(
        "/relazione/2019/testi/",
        {"section": "presentazione", "html": "<p>Risultato {{ performance_entee }}</p>"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "{{ performance_entee }}" in page and 'role="alert"' in page
    assert Narrative.objects.get(cycle=demo, section="presentazione").html == before
    # a text stored by other means (admin, import) is reported at generation time
    Narrative.objects.filter(cycle=demo, section="genere").update(html="<p>{{ boh }}</p>")
    job = ReportJob.objects.create(cycle=demo, format="pdf")
    failed = run_job(job.pk)
    assert failed is not None and failed.status == "failed"
    assert "3.4 Bilancio di genere" in failed.message and "{{ boh }}" in failed.message


def test_narrative_is_sanitised_and_its_placeholders_filled(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    office = client_as("ufficio")
    response = office.post(
        "/relazione/2019/testi/",
        {
            "section": "risultati",
            "html": '<p onclick="x()">Ente al {{ performance_ente }}, area servizi '
            "{{ area.SERVI }}<script>alert(1)</script></p>",
        },
    )
    assert response.status_code == 302
    stored = Narrative.objects.get(cycle=demo, section="risultati").html
    assert "<script" not in stored and "onclick" not in stored
    servi = score_cycle(demo, explain=False).unit("SERVI").performance
    assert servi is not None
    preview = office.get("/relazione/2019/anteprima/").content.decode()
    assert f"Ente al 98,61%, area servizi {pct(servi)}" in preview
    assert (
        client_as("po")
        .post("/relazione/2019/testi/", {"section": "risultati", "html": "x"})
        .status_code
        == 403
    )


def test_imported_narratives_use_placeholders_not_typed_figures(demo: Cycle) -> None:
    ensure_content(demo)
    strategici = Narrative.objects.get(cycle=demo, section="strategici").html
    assert "{{ performance_ente }}" in strategici and "98,61" not in strategici
    genere = Narrative.objects.get(cycle=demo, section="genere").html
    assert "{{ personale_totale }}" in genere and "{{ personale_donne_pct }}" in genere


def test_cli_writes_every_format_it_is_asked_for(demo: Cycle, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("report", year=2019, format="opendata", out=str(tmp_path / "out"), stdout=out)
    archive = zipfile.ZipFile(tmp_path / "out" / "open-data-2019.zip")
    assert set(archive.namelist()) == {f"{name}.csv" for name in FIELDS} | {"relazione.json"}
    payload = json.loads(archive.read("relazione.json"))
    assert payload["performance_ente"] == "98.61"
    rows = list(csv.DictReader(io.StringIO(archive.read("indicatori.csv").decode("utf-8-sig"))))
    assert tuple(rows[0]) == FIELDS["indicatori"]
    entity_rows = [r for r in rows if r["ambito"] == "ente"]
    assert len(entity_rows) == 31
    assert len(rows) == Indicator.objects.filter(objective__cycle=demo).count() + 31
    b14 = next(r for r in entity_rows if r["codice"] == "B14")
    assert b14["grado"] == "72.63"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"year": 2018, "format": "pdf"}, "nessun ciclo 2018"),
        ({"year": 2019, "format": "doc"}, "formato «doc» non valido"),
    ],
)
def test_cli_errors_are_messages(
    demo: Cycle, tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", out=str(tmp_path), **options)


def test_exports_neutralise_formula_injection(demo: Cycle, tmp_path: Path) -> None:
    indicator = Indicator.objects.filter(entity_block__cycle=demo).order_by("number").first()
    assert indicator is not None
    Indicator.objects.filter(pk=indicator.pk).update(name='=HYPERLINK("http://x","clic")')
    call_command("report", year=2019, format="xlsx", out=str(tmp_path), stdout=io.StringIO())
    call_command("report", year=2019, format="opendata", out=str(tmp_path), stdout=io.StringIO())
    sheet = load_workbook(tmp_path / "relazione-performance-2019.xlsx")["allegato_b"]
    names = [row[2].value for row in sheet.iter_rows(min_row=3)]
    assert '\'=HYPERLINK("http://x","clic")' in names
    assert not any(
        str(v).startswith("=")
        for row in sheet.iter_rows()
        for v in (c.value for c in row)
        if v is not None
    )
    archive = zipfile.ZipFile(tmp_path / "open-data-2019.zip")
    text = archive.read("indicatori.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_a_second_cycle_adds_the_trend_across_years(demo: Cycle) -> None:
    from traguardo.reports.relazione.content import build_document

    Cycle.objects.create(
        entity=demo.entity, year=2018, plan_period_start=2018, plan_period_end=2020
    )
    document = build_document(demo)
    charts = [
        b for p in document.parts for b in p.blocks if getattr(b, "key", "") == "grafico_anni"
    ]
    assert len(charts) == 1
    assert "2018: Performance di Ente" in charts[0].description
    assert "2019: Performance di Ente 98,61%" in charts[0].description


def test_office_chooses_headline_indicators_whose_values_come_from_the_data(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    from traguardo.monitoring.models import Measurement
    from traguardo.reports.models import HeadlineIndicator

    ensure_content(demo)
    indicator = Indicator.objects.get(entity_block__cycle=demo, number=14)
    value = Measurement.objects.get(indicator=indicator, period__code="31.12").text
    office = client_as("ufficio")
    response = office.post(
        "/relazione/2019/testi/",
        {"action": "headline_add", "indicator": str(indicator.pk), "label": "Interventi"},
    )
    assert response.status_code == 302
    added = HeadlineIndicator.objects.get(cycle=demo, indicator=indicator)
    assert added.label == "Interventi" and added.value_text == ""
    preview = office.get("/relazione/2019/anteprima/").content.decode()
    assert f'<td>Interventi</td><td class="num">{value}</td>' in preview
    refused = office.post(
        "/relazione/2019/testi/", {"action": "headline_add", "indicator": "999999"}, follow=True
    )
    assert "Scegli un indicatore" in refused.content.decode()
    assert (
        client_as("po")
        .post("/relazione/2019/testi/", {"action": "headline_delete", "id": str(added.pk)})
        .status_code
        == 403
    )
    office.post("/relazione/2019/testi/", {"action": "headline_delete", "id": str(added.pk)})
    assert not HeadlineIndicator.objects.filter(pk=added.pk).exists()
