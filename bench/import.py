"""Benchmark of the spreadsheet import (``traguardo.exchange``): rows per second.

Run from the repository root::

    .venv/bin/python bench/import.py                     # 50,000 rows, SQLite scratch file
    .venv/bin/python bench/import.py --rows 5000         # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/traguardo_bench .venv/bin/python bench/import.py

Without DATABASE_URL it works on a scratch SQLite file, ``var/bench-import.sqlite3``,
recreated at every run (the development database is never touched). On PostgreSQL the
database named in the URL must exist; its Traguardo tables are flushed first.

What it measures, on top of the 2019 demo cycle (state monitoring, 31.12 period open):

1. a plan workbook of ``--rows`` rows: one operational objective for every four indicators
   (objectives ``2.1/1000`` … spread over the demo's sectors, each with four indicators
   weighted 25 and a target), read, validated (every rule of the import) and saved;
2. the same file again: every row matched by its code and reported unchanged;
3. a values workbook of every indicator of the cycle, as downloaded and filled in, saved
   by the command-line path (batches); then its first ``--user-rows`` rows (default 5,000)
   by a signed-in user's path (``record_value`` for each row, with its permission check).

Building the files is not timed; reading them is (it is part of an import). Progress is
printed as the command prints it.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup() -> None:
    if "DATABASE_URL" not in os.environ:
        scratch = ROOT / "var" / "bench-import.sqlite3"
        scratch.parent.mkdir(exist_ok=True)
        scratch.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def progress_printer(label: str) -> Callable[[int, int, str], None]:
    last = [-1]

    def show(done: int, total: int, what: str) -> None:
        percent = int(done * 100 / total) if total else 100
        if percent // 10 != last[0]:
            last[0] = percent // 10
            print(f"  {label}: {percent:3d}% {done}/{total} {what}", flush=True)

    return show


def plan_file(cycle_year: int, rows: int) -> bytes:
    from openpyxl import Workbook

    from traguardo.core.tabular import neutralise

    book = Workbook(write_only=True)
    objectives = book.create_sheet("Obiettivi operativi")
    objectives.append(["Codice", "Titolo", "Categoria", "Obiettivi annuali"])
    indicators = book.create_sheet("Indicatori")
    indicators.append(["Codice", "Indicatore", "Peso", f"Target {cycle_year}"])
    units = ["0.1", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
    targets = [">= 100", "<= 5 gg", "= 100%", "SI", "compresi tra n. 10 e n. 15", "> 300.000 €"]
    count = max(1, rows // 5)  # one objective row + four indicator rows
    for k in range(count):
        unit = units[k % len(units)]
        code = f"{unit}/{1000 + k // len(units)}"
        objectives.append([code, f"Obiettivo di prova {k}", "operativo_individuale", "1.2"])
        for n in range(1, 5):
            indicators.append(
                [
                    f"{code}#{n}",
                    f"Indicatore {n} dell'obiettivo {k}",
                    25,
                    neutralise(targets[(k + n) % 6]),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filled_values(cycle, period) -> bytes:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from traguardo.exchange.workbooks import values_workbook

    book = load_workbook(io.BytesIO(values_workbook(cycle, period)))
    sheet = book["Valori"]
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        row[7].value = f"{number % 97},5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(label: str, call: Callable[[], object], rows: int) -> object:
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {rows:>7} rows {seconds:7.2f} s {rows / seconds:9.0f} rows/s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument(
        "--user-rows", type=int, default=5_000, help="rows for the record_value path (slower)"
    )
    args = parser.parse_args()
    setup()
    import platform

    from django.contrib.auth import get_user_model
    from django.db import connection

    from traguardo.demo.fixture import load_cycle
    from traguardo.demo.importer import import_cycle
    from traguardo.demo.users import create_demo_users
    from traguardo.exchange.services import import_file
    from traguardo.monitoring.models import Period
    from traguardo.plans.models import Cycle

    print(
        f"Python {platform.python_version()} · {platform.machine()} · "
        f"database: {connection.vendor} · rows: {args.rows}"
    )
    cycle = import_cycle(load_cycle(2019))
    create_demo_users(cycle.entity)
    Cycle.objects.filter(pk=cycle.pk).update(state="monitoring")
    cycle.refresh_from_db()
    Period.objects.filter(cycle=cycle).update(closed=False)
    period = Period.objects.get(cycle=cycle, code="31.12")

    data = plan_file(cycle.year, args.rows)
    rows = args.rows - args.rows % 5 or 5
    result = timed(
        "plan: dry run (read, validate, compare)",
        lambda: import_file("piano.xlsx", data, cycle, dry_run=True),
        rows,
    )
    assert not result.issues, result.issues[:3]  # type: ignore[attr-defined]
    result = timed(
        "plan: import (read, validate, save in one transaction)",
        lambda: import_file(
            "piano.xlsx", data, cycle, dry_run=False, progress=progress_printer("plan")
        ),
        rows,
    )
    assert result.totals()["create"] == rows, result.totals()  # type: ignore[attr-defined]
    result = timed(
        "plan: same file again (all unchanged)",
        lambda: import_file("piano.xlsx", data, cycle, dry_run=False),
        rows,
    )
    assert result.totals()["unchanged"] == rows  # type: ignore[attr-defined]

    values = filled_values(cycle, period)
    value_rows = rows // 5 * 4 + 256  # the new indicators and the demo's
    result = timed(
        "values: import, command line (batched)",
        lambda: import_file(
            "valori.xlsx", values, cycle, dry_run=False, progress=progress_printer("values")
        ),
        value_rows,
    )
    assert result.saved and not result.issues, result.issues[:3]  # type: ignore[attr-defined]
    ufficio = get_user_model().objects.get(username="ufficio")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(values))  # every value changed again, first rows only
    sheet = book["Valori"]
    for row in sheet.iter_rows(min_row=2):
        row[7].value = f"{row[7].value}1"
    user_rows = min(value_rows, args.user_rows)
    sheet.delete_rows(user_rows + 2, sheet.max_row)
    out = io.BytesIO()
    book.save(out)
    result = timed(
        "values: import as a signed-in user (record_value per row)",
        lambda: import_file("valori.xlsx", out.getvalue(), cycle, dry_run=False, user=ufficio),
        user_rows,
    )
    assert result.saved and not result.issues, result.issues[:3]  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
