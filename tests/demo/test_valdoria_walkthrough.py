"""Issue 14, "Done when": a person sets up the fictional Comune di Valdoria's SMVP with
commands only (docs/new-administration.md, docs/smvp.md), imports its plan and values from
the templates in src/traguardo/demo/data/valdoria/ and gets the figures its rules define,
with no weight invented anywhere.

The expected figures are worked out HERE, from the files (read with openpyxl, not with the
project's reader) and the ``medie-semplici`` preset's rules written out in plain Python:
degree of an indicator by the form of its target, objective = mean of its indicators,
sector = mean of its objectives, area = mean of its sectors, annual objective = mean of its
operational objectives, strategic = mean of its annual objectives, entity = mean of the
strategic objectives. Nothing is hard-coded and the engine is not called for them.

DEPENDS ON (the test expects success once they are on main; until then it fails at the
step named):
- the plan import accepting an empty «Peso» where the SMVP's method needs no weights
  (today: «valore obbligatorio mancante» on every indicator row);
- the approval checks not asking the Allegato B's weights B to sum to 100 when the SMVP's
  entity does not come from blocks (today: «i pesi B dei blocchi sommano a 0»);
- the engine following the levels ("Engine: levels …": annual, strategic, entity from
  strategic);
- the smvp preset's bare targets read by their «Verso» (1.1/2#2, 1.1/3#3, 2.2/2#3 are bare
  with «lower»).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands
from openpyxl import load_workbook

from traguardo.demo import valdoria
from traguardo.plans.models import Cycle, Indicator
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db

DATA = Path(valdoria.__file__).resolve().parent / "data" / "valdoria"
HUNDRED = Decimal(100)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- the files, read plainly ----------------------------------------------------------------


def sheet(path: Path, title: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(path, read_only=True)[title].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]


def text(cell: Any) -> str:
    return "" if cell is None else str(cell).lstrip("'").strip()


def number(written: str) -> Decimal:
    """An Italian number as the files write it: 1.200, 63,5%, 162.400 €."""
    plain = written.replace("€", "").replace("%", "").replace(" ", "")
    return Decimal(plain.replace(".", "").replace(",", "."))


def degree(target: str, direction: str, value: str) -> Decimal:
    """The preset's rule (the SMVP's default rule), for the target forms the files use."""
    t = target.strip()
    if t.upper() in ("SI", "NO"):
        return HUNDRED if value.strip().upper() == t.upper() else Decimal(0)
    if t.startswith("compresi tra"):
        low, _high = (number(x) for x in t.removeprefix("compresi tra").split(" e "))
        v = number(value)
        if v < low:
            return v / low * HUNDRED
        return HUNDRED  # inside, or above: a range exceeded upwards is achieved
    for symbol in (">=", "<=", ">", "<"):
        if t.startswith(symbol):
            lower = symbol.startswith("<")
            goal = number(t[len(symbol) :])
            break
    else:  # a bare number: its «Verso» says which way is better
        assert direction in ("higher", "lower"), (target, direction)
        lower = direction == "lower"
        goal = number(t)
    v = number(value)
    if lower:
        return HUNDRED if v <= goal else goal / v * HUNDRED
    return min(v / goal, Decimal(1)) * HUNDRED


def mean(values: list[Decimal]) -> Decimal:
    assert values
    return sum(values, Decimal(0)) / len(values)


def expected(values_file: Path) -> dict[str, dict[str, Decimal]]:
    plan = DATA / "piano.xlsx"
    indicators = sheet(plan, "Indicatori")
    assert all(text(row["Peso"]) == "" for row in indicators), "no weight in the plan"
    assert not sheet(plan, "Blocchi ente"), "no Allegato B"
    values = {text(r["Codice"]): text(r["Valore"]) for r in sheet(values_file, "Valori")}
    by_code = {
        text(row["Codice"]): degree(
            text(row[f"Target {valdoria.YEAR}"]), text(row["Verso"]), values[text(row["Codice"])]
        )
        for row in indicators
    }
    by_objective: dict[str, list[Decimal]] = defaultdict(list)
    for code, figure in by_code.items():
        by_objective[code.partition("#")[0]].append(figure)
    objectives = {code: mean(figures) for code, figures in by_objective.items()}
    sectors: dict[str, list[Decimal]] = defaultdict(list)
    annual_parts: dict[str, list[Decimal]] = defaultdict(list)
    for row in sheet(plan, "Obiettivi operativi"):
        code = text(row["Codice"])
        sectors[code.partition("/")[0]].append(objectives[code])
        for annual_code in text(row["Obiettivi annuali"]).split(","):
            annual_parts[annual_code.strip()].append(objectives[code])
    units = {code: mean(figures) for code, figures in sectors.items()}
    areas: dict[str, list[Decimal]] = defaultdict(list)
    for row in sheet(plan, "Unità"):
        if text(row["Tipo"]) == "settore":
            areas[text(row["Unità superiore"])].append(units[text(row["Codice"])])
    units |= {code: mean(figures) for code, figures in areas.items()}
    annual = {code: mean(figures) for code, figures in annual_parts.items()}
    strategic_parts: dict[str, list[Decimal]] = defaultdict(list)
    for row in sheet(plan, "Obiettivi annuali"):
        strategic_parts[text(row["Obiettivo strategico"])].append(annual[text(row["Codice"])])
    strategic = {code: mean(figures) for code, figures in strategic_parts.items()}
    return {
        "indicators": by_code,
        "objectives": objectives,
        "units": units,
        "annual": annual,
        "strategic": strategic,
        "entity": {"ENTE": mean(list(strategic.values()))},
    }


def same(computed: Decimal | None, wanted: Decimal) -> bool:
    """Equal as shown (2 decimals, half up) and within a millionth unrounded."""
    if computed is None:
        return False
    cent = Decimal("0.01")
    shown = computed.quantize(cent, ROUND_HALF_UP) == wanted.quantize(cent, ROUND_HALF_UP)
    return shown and abs(computed - wanted) < Decimal("0.000001")


def shown(figure: Decimal) -> str:
    """As the commands print a figure: 2 decimals, decimal comma (all below 1.000 here)."""
    return str(figure.quantize(Decimal("0.01"), ROUND_HALF_UP)).replace(".", ",")


# --- the walkthrough ------------------------------------------------------------------------


def set_smvp(year: int) -> str:
    """docs/smvp.md: `traguardo smvp set --entity vald --year 2025 --preset medie-semplici`."""
    if "smvp" in get_commands():
        return run(
            "smvp", "set", "--entity", valdoria.CODE, "--year", str(year),
            "--preset", valdoria.PRESET, "--atto", valdoria.SMVP_ACT,
        )  # fmt: skip
    # TODO(lead): `traguardo smvp set` is not on main yet (smvpcfg helper): until it is,
    # the document is stored by the loader's one function.
    valdoria.store_smvp(Cycle.objects.get(entity__code=valdoria.CODE, year=year), valdoria.PRESET)
    return ""


def test_valdoria_from_an_empty_database_with_commands_only(tmp_path: Path) -> None:
    year, code = str(valdoria.YEAR), valdoria.CODE
    where = ("--entity", code, "--year", year)
    run("entity", "add", code, "--name", valdoria.NAME, "--kind", "comune")
    run("cycle", "add", "--entity", code, "--year", year, "--plan", valdoria.PLAN)
    set_smvp(valdoria.YEAR)
    plan = str(DATA / "piano.xlsx")
    assert "Anteprima" in run("import", plan, *where, "--dry-run")
    assert "Importazione completata" in run("import", plan, *where)
    run("user", "add", "vald-ufficio", "--entity", code, "--role", "ufficio_performance")
    for state in ("approved", "monitoring"):
        run("cycle_state", state, *where, "--user", "vald-ufficio")
    for name in ("valori-30-06.xlsx", "valori-31-12.xlsx"):
        assert "Importazione completata" in run("import", str(DATA / name), *where)

    # The templates Traguardo writes now, imported as they are, change nothing.
    for kind, extra in (("plan", ()), ("values", ("--period", "31.12"))):
        written = tmp_path / f"{kind}.xlsx"
        run("template", kind, *where, *extra, "--out", str(written))
        again = run("import", str(written), *where, "--dry-run")
        assert "0 da creare, 0 da aggiornare" in again, again

    cycle = Cycle.objects.get(entity__code=code, year=valdoria.YEAR)
    assert cycle.state == Cycle.State.MONITORING
    indicators = Indicator.objects.filter(objective__cycle=cycle)
    assert 30 <= indicators.count() <= 40
    assert not Indicator.objects.filter(entity_block__cycle=cycle).exists()

    for period, values_file in (("30.06", "valori-30-06.xlsx"), ("31.12", "valori-31-12.xlsx")):
        wanted = expected(DATA / values_file)
        table = run("score", *where, "--period", period)
        score = score_cycle(cycle, period=period)
        wrong = []
        for key, figure in wanted["indicators"].items():
            scored = score.objectives[key.partition("#")[0]].indicators
            got = next(i.degree.value for i in scored if i.key == key)
            if not same(got, figure):
                wrong.append((key, got, figure))
        for key, figure in wanted["objectives"].items():
            if not same(score.objectives[key].performance, figure):
                wrong.append((key, score.objectives[key].performance, figure))
        for key, figure in wanted["units"].items():
            if not same(score.unit(key).performance, figure):
                wrong.append((key, score.unit(key).performance, figure))
        for level in ("annual", "strategic"):
            nodes = score.levels.get(level, {})
            for key, figure in wanted[level].items():
                got = nodes[key].performance if key in nodes else None
                if not same(got, figure):
                    wrong.append((f"{level} {key}", got, figure))
        entity = wanted["entity"]["ENTE"]
        if not same(score.entity.performance, entity):
            wrong.append(("ENTE", score.entity.performance, entity))
        assert wrong == [], period
        assert shown(entity) in table, period
    # `traguardo explain` gives each strategic objective's figure and how it was made.
    for key, figure in expected(DATA / "valori-31-12.xlsx")["strategic"].items():
        explained = run("explain", f"OS-{key}", *where)
        assert f"= {shown(figure)}%" in explained.splitlines()[0], key


def test_the_expected_figures_are_not_trivial() -> None:
    """The files exercise every form and both sides of each rule: not all 100, not all 0."""
    wanted = expected(DATA / "valori-31-12.xlsx")
    objectives = wanted["objectives"]
    assert len(objectives) == 12
    assert all(Decimal(0) < f <= HUNDRED for f in objectives.values())
    assert any(f < HUNDRED for f in objectives.values())
    degrees = wanted["indicators"].values()
    assert HUNDRED in degrees and Decimal(0) in degrees
    assert any(Decimal(0) < d < HUNDRED for d in degrees)
    assert len(wanted["annual"]) == 6 and len(wanted["strategic"]) == 3
    forms = {
        text(r[f"Target {valdoria.YEAR}"]).split(" ")[0]
        for r in sheet(DATA / "piano.xlsx", "Indicatori")
    }
    assert {">=", "<=", ">", "<", "SI", "NO", "compresi"} <= forms
    assert Decimal(0) < wanted["entity"]["ENTE"] < HUNDRED
