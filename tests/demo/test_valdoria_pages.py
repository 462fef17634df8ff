"""The fictional Comune di Valdoria (`vald`, SMVP «medie-semplici», no Allegato B) loaded as
`make demo` loads it, beside nothing else: every main page of its office, dirigente and OIV
answers 200 under /vald/, the exports and the Relazione's preview included, and none speaks
of an Allegato B or of A × B, which its SMVP does not have.

DEPENDS ON the loader's own dependencies (see tests/demo/test_valdoria_walkthrough.py):
empty weights accepted by the plan import, no weight-B check at approval without blocks.
"""

from __future__ import annotations

import re
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from traguardo.demo.users import DEMO_PASSWORD
from traguardo.demo.valdoria import CODE, YEAR, load_valdoria
from traguardo.plans.models import Cycle, Indicator, OperationalObjective

pytestmark = pytest.mark.django_db

# The main pages of each role (tests/browser/test_bootstrap_italia.py's list, for `vald`).
PAGES: dict[str, list[str]] = {
    "vald-ufficio": [
        "/cruscotto/",
        "/albero/",
        "/obiettivo/{objective}/",
        "/piano/",
        "/piano/stato/",
        "/piano/revisioni/",
        "/monitoraggio/",
        "/premi/",
        "/personale/",
        "/oiv/",
        "/relazione/",
        "/relazione/{year}/anteprima/",
        "/dati/",
        "/dati/modello/piano/",
        "/dati/modello/valori/31.12/",
        "/dati/esporta/",
        "/risultati/{year}/",
        "/risultati/{year}/perche/ENTE/",
        "/risultati/{year}/perche/{objective_code}/",
    ],
    "vald-dirigente": [
        "/cruscotto/",
        "/albero/",
        "/obiettivo/{objective}/",
        "/monitoraggio/",
        "/monitoraggio/indicatore/{indicator}/",
        "/schede/",
        "/risultati/{year}/",
    ],
    "vald-oiv": [
        "/cruscotto/",
        "/albero/",
        "/oiv/",
        "/oiv/{year}/target-sfidanti/",
        "/oiv/{year}/verifica/obiettivo/{objective}/",
        "/storico/plans.indicator/{indicator}/",
        "/risultati/{year}/",
        "/relazione/",
    ],
}
# Pages whose wording follows the SMVP: HTML, not the downloads.
# Case-sensitive words, on the text people read: random tokens in the markup (CSRF, CSP
# nonces) contain "axb" and the like.
WORDING = re.compile(r"Allegato B|\bA\s*[×x]\s*B\b|Σ\s*A\b")


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", html)


def _urls(cycle: Cycle) -> dict[str, list[str]]:
    objective = OperationalObjective.objects.filter(cycle=cycle, home_unit__code="1.1").order_by(
        "number"
    )[0]
    indicator = Indicator.objects.filter(objective=objective).order_by("number")[0]
    ids = {
        "objective": objective.pk,
        "objective_code": objective.code,
        "indicator": indicator.pk,
        "year": cycle.year,
    }
    return {
        user: [f"/{CODE}" + page.format(**ids) for page in pages] for user, pages in PAGES.items()
    }


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD), username
    return client


def _html(response: object) -> str:
    kind = response["Content-Type"]  # type: ignore[index]
    return response.content.decode() if kind.startswith("text/html") else ""  # type: ignore[attr-defined]


def _relazione_html(folder: Path) -> str:
    """The Relazione as `traguardo report --format html` writes it."""
    where = ("--entity", CODE, "--year", str(YEAR))
    call_command("report", *where, "--format", "html", "--out", str(folder), stdout=StringIO())
    return (folder / f"relazione-performance-{YEAR}.html").read_text(encoding="utf-8")


def test_every_main_page_of_valdoria_answers_for_office_dirigente_and_oiv(
    tmp_path: Path,
) -> None:
    cycle, created = load_valdoria(passwords=True)
    assert created and cycle.entity.code == CODE and cycle.year == YEAR
    assert cycle.state == Cycle.State.MONITORING
    failed = []
    for username, urls in _urls(cycle).items():
        client = _client(username)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                failed.append((username, url, response.status_code))
    assert failed == [], failed
    # The exports and the Relazione, from the command line too.
    where = ("--entity", CODE, "--year", str(YEAR))
    archive = tmp_path / "vald.zip"
    call_command("export", *where, "--out", str(archive), stdout=StringIO())
    with zipfile.ZipFile(archive) as opened:
        assert {"manifest.json", "data.json", "data.xlsx"} <= set(opened.namelist())
    assert cycle.entity.name in _relazione_html(tmp_path)
    again, created = load_valdoria(passwords=True)  # `make demo` run again: nothing to do
    assert again.pk == cycle.pk and not created


def test_valdoria_pages_do_not_speak_of_allegato_b(tmp_path: Path) -> None:
    cycle, _created = load_valdoria(passwords=True)
    found = []
    hit = WORDING.search(_text(_relazione_html(tmp_path)))
    if hit:
        found.append(("report", "relazione.html", hit.group(0)))
    for username, urls in _urls(cycle).items():
        client = _client(username)
        for url in urls:
            hit = WORDING.search(_text(_html(client.get(url))))
            if hit:
                found.append((username, url, hit.group(0)))
    assert found == [], found
