"""docs/new-administration.md followed step by step, from an empty installation to a first
scored monitoring, with the commands only (through call_command)."""

from __future__ import annotations

import re
import shlex
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from traguardo.plans.models import Cycle

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "new-administration.md"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def doc_commands() -> list[str]:
    """The `traguardo …` lines of the document's shell blocks, in order."""
    text = DOC.read_text(encoding="utf-8")
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        joined = block.replace("\\\n", " ")
        lines += [
            " ".join(line.split()) for line in joined.splitlines() if line.startswith("traguardo ")
        ]
    return lines


def fill(path: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Write rows into the sheets of a downloaded template, by column title."""
    book = load_workbook(path)
    for title, items in rows.items():
        sheet = book[title]
        headers = [c.value for c in sheet[1]]
        for item in items:
            sheet.append([item.get(h) for h in headers])
    book.save(path)


def fill_values(path: Path, values: dict[str, str]) -> None:
    book = load_workbook(path)
    sheet = book["Valori"]
    headers = [c.value for c in sheet[1]]
    code, value = headers.index("Codice"), headers.index("Valore")
    for row in sheet.iter_rows(min_row=2):
        row[value].value = values[row[code].value]
    book.save(path)


PLAN = {
    "Unità": [
        {"Codice": "1", "Tipo": "area", "Denominazione": "Area servizi"},
        {
            "Codice": "1.1",
            "Tipo": "settore",
            "Denominazione": "Settore anagrafe",
            "Unità superiore": "1",
        },
    ],
    "Persone": [{"Nome": "Anna Bianchi"}],
    "Incarichi": [{"Persona": "Anna Bianchi", "Unità": "1.1", "Ruolo": "po", "Dal": "01/01/2026"}],
    "Obiettivi strategici": [{"Codice": "1", "Titolo": "Servizi vicini ai cittadini"}],
    "Obiettivi annuali": [
        {"Codice": "1.1", "Obiettivo strategico": "1", "Titolo": "Tempi di risposta più brevi"}
    ],
    "Obiettivi operativi": [
        {"Codice": "1.1/1", "Titolo": "Certificati in giornata", "Obiettivi annuali": "1.1"}
    ],
    "Blocchi ente": [
        {
            "Numero": 1,
            "Intestazione": "Tempi di risposta",
            "Peso B": 100,
            "Obiettivo annuale": "1.1",
        }
    ],
    "Indicatori": [
        {
            "Codice": "1.1/1#1",
            "Indicatore": "Certificati rilasciati in giornata",
            "Peso": 100,
            "Target 2026": ">= 90%",
        },
        {
            "Codice": "B1",
            "Blocco ente": 1,
            "Indicatore": "Pratiche evase",
            "Peso": 100,
            "Target 2026": ">= 1000",
        },
    ],
}


def test_the_document_takes_an_empty_installation_to_a_scored_monitoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    commands = doc_commands()
    assert commands, "no command found in docs/new-administration.md"
    outputs: dict[str, str] = {}
    filled: set[str] = set()
    for line in commands:
        args = shlex.split(line)[1:]
        name = args[0].replace("-", "_")
        if name == "import" and args[1] not in filled:  # the person fills the template in
            filled.add(args[1])
            if args[1] == "piano.xlsx":
                fill(tmp_path / "piano.xlsx", PLAN)
            else:
                fill_values(tmp_path / "valori.xlsx", {"1.1/1#1": "95%", "B1": "600"})
        outputs[line] = run(name, *args[1:])
    text = "\n".join(outputs.values())
    cycle = Cycle.objects.get(entity__code="pd", year=2026)
    assert cycle.state == Cycle.State.MONITORING
    # The scored monitoring at 30.06: B1 600 of 1000 (60%), 1.1/1#1 reached.
    score = outputs[next(line for line in commands if line.startswith("traguardo score"))]
    assert "Comune di Padova — Tabella calcolo Performance dell'Ente 2026" in score
    assert "PERFORMANCE DELL'ENTE: 60,00" in score
    # The link printed for the office lets rossi choose a password and sign in.
    link = re.search(r"/accesso/imposta-password/\S+", text)
    assert link is not None
    client = Client()
    form = client.get(link.group(0), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Mare-Verde-Lampione-73", "new_password2": "Mare-Verde-Lampione-73"},
    )
    assert client.login(username="rossi", password="Mare-Verde-Lampione-73")
    assert client.get("/monitoraggio/?anno=2026").status_code == 200
