"""Benchmark of the spreadsheet import (``traguardo.exchange``): rows per second.

Run from the repository root::

    .venv/bin/python bench/import.py                     # 50,000 values, SQLite scratch file
    .venv/bin/python bench/import.py --rows 5000 --no-plan-timings   # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/traguardo_bench .venv/bin/python bench/import.py

Without DATABASE_URL it works on a scratch SQLite file, ``var/bench-import.sqlite3``,
recreated at every run (the development database is never touched). On PostgreSQL the
database named in the URL must exist; its Traguardo tables are flushed first.

What it measures, on top of the 2019 demo cycle (state monitoring, both periods open):

1. a plan workbook with enough indicators for the values file (``--rows / 2``: each
   indicator has a value at 30.06 and at 31.12): one operational objective for every four
   indicators (objectives ``2.1/1000`` … spread over the demo's sectors, each with four
   indicators weighted 25 and a target), read, validated (every rule of the import) and
   saved; its dry run and a second import (all unchanged) unless ``--no-plan-timings``;
2. a values workbook of ``--rows`` rows (code, period, value, comment), by the command
   line: new values, the same file again (all unchanged), every value changed;
3. the web path: a preview and then the confirmed import (as the job runs it: acting as
   the user, with the preview's versions) by the office (every row) and by the demo
   dirigente (a file with the rows of their own units only), every value changed again;
4. a baseline: ``--baseline-rows`` values saved one by one with ``record_value``, the way
   signed-in users' imports saved before issue 17.3.

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


def values_file(cycle, rows: int, round_: int, units: set[int] | None = None) -> bytes:  # type: ignore[no-untyped-def]
    """A values workbook as an owner fills it in: every indicator of the cycle at both
    periods (30.06 and 31.12), so that ``rows`` values need only ``rows / 2`` indicators;
    the first ``rows`` of them. `round_` changes every value (``12,5`` → ``12,51``...).
    `units`: only the indicators of those units' objectives (a dirigente's file)."""
    from openpyxl import Workbook

    from traguardo.exchange.codes import indicators_by_code

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Valori")
    sheet.append(["Codice", "Periodo", "Valore", "Commento"])
    written = 0
    for period in ("30.06", "31.12"):
        for number, (code, indicator) in enumerate(indicators_by_code(cycle).items(), start=1):
            if written == rows:
                break
            objective = indicator.objective
            if units is not None and (objective is None or objective.home_unit_id not in units):
                continue
            value = f"{number % 97},5{round_ or ''}"
            sheet.append([code, period, value, f"nota {round_}" if number % 10 == 0 else ""])
            written += 1
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
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the values file")
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=1_000,
        help="rows saved one by one with record_value (the way before issue 17.3), 0: none",
    )
    parser.add_argument(
        "--no-plan-timings",
        action="store_true",
        help="skip the plan's dry run and second import (the plan is imported anyway)",
    )
    args = parser.parse_args()
    setup()
    import platform

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from traguardo.accounts.permissions import units_in_scope
    from traguardo.audit.models import AuditEntry
    from traguardo.audit.recorder import acting_as
    from traguardo.demo.fixture import load_cycle
    from traguardo.demo.importer import import_cycle
    from traguardo.demo.users import create_demo_users
    from traguardo.exchange.codes import indicators_by_code
    from traguardo.exchange.services import import_file
    from traguardo.monitoring.models import Measurement, Period
    from traguardo.monitoring.services import record_value
    from traguardo.plans.models import Cycle

    print(
        f"Python {platform.python_version()} · {platform.machine()} · "
        f"database: {connection.vendor} · values rows: {args.rows} · "
        f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    )
    cycle = import_cycle(load_cycle(2019))
    create_demo_users(cycle.entity)
    Cycle.objects.filter(pk=cycle.pk).update(state="monitoring")
    cycle.refresh_from_db()
    Period.objects.filter(cycle=cycle).update(closed=False)
    users = get_user_model().objects

    # Enough indicators for the values file: two values (30.06, 31.12) per indicator.
    needed = max(0, -(-args.rows // 2) - len(indicators_by_code(cycle)))
    plan_rows = max(5, -(-needed // 4) * 5)
    data = plan_file(cycle.year, plan_rows)
    rows = plan_rows - plan_rows % 5
    if not args.no_plan_timings:
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
    if not args.no_plan_timings:
        result = timed(
            "plan: same file again (all unchanged)",
            lambda: import_file("piano.xlsx", data, cycle, dry_run=False),
            rows,
        )
        assert result.totals()["unchanged"] == rows  # type: ignore[attr-defined]

    def check(result: object, changed: int) -> None:
        assert result.saved and not result.issues, result.issues[:3]  # type: ignore[attr-defined]
        totals = result.totals()  # type: ignore[attr-defined]
        assert totals["create"] + totals["update"] == changed, totals

    values = values_file(cycle, args.rows, 0)
    entries = AuditEntry.objects.count()
    result = timed(
        "values: command line, new values",
        lambda: import_file(
            "valori.xlsx", values, cycle, dry_run=False, progress=progress_printer("values")
        ),
        args.rows,
    )
    check(result, args.rows - result.totals()["unchanged"])  # type: ignore[attr-defined]
    written = AuditEntry.objects.count() - entries
    print(f"  audit entries written: {written} (one per value and the import's summary)")
    result = timed(
        "values: command line, same file again (all unchanged)",
        lambda: import_file("valori.xlsx", values, cycle, dry_run=False),
        args.rows,
    )
    assert result.totals()["unchanged"] == args.rows  # type: ignore[attr-defined]
    result = timed(
        "values: command line, every value changed",
        lambda: import_file("valori.xlsx", values_file(cycle, args.rows, 1), cycle, dry_run=False),
        args.rows,
    )
    check(result, args.rows)

    def web(username: str, label: str, data: bytes, rows: int) -> None:
        """What the upload page does: a preview, then the job that saves what it showed
        (as exchange.tasks runs it: acting as the user, with the preview's versions)."""
        user = users.get(username=username)
        preview = timed(
            f"values: web preview, {label}",
            lambda: import_file("valori.xlsx", data, cycle, dry_run=True, user=user),
            rows,
        )
        assert not preview.issues, preview.issues[:3]  # type: ignore[attr-defined]
        with acting_as(user):
            saved = timed(
                f"values: web import, {label}",
                lambda: import_file(
                    "valori.xlsx",
                    data,
                    cycle,
                    dry_run=False,
                    user=user,
                    seen=preview.seen,  # type: ignore[attr-defined]
                    progress=progress_printer("web"),
                ),
                rows,
            )
        check(saved, rows)

    web("ufficio", "office (every unit)", values_file(cycle, args.rows, 2), args.rows)
    dirigente = users.get(username="dirigente")
    units = units_in_scope(dirigente, cycle)
    theirs = values_file(cycle, args.rows, 3, units)
    count = Measurement.objects.filter(  # the rows of that file: their units' objectives
        period__cycle=cycle, indicator__objective__home_unit__in=units
    ).count()
    web("dirigente", "dirigente (own units only)", theirs, min(count, args.rows))

    if args.baseline_rows:
        # Baseline: the way signed-in users' imports saved before issue 17.3, record_value
        # for every row in one transaction (its permission check, lock and audit entry).
        user = users.get(username="ufficio")
        final = Period.objects.get(cycle=cycle, code="31.12")
        todo = list(indicators_by_code(cycle).values())[: args.baseline_rows]

        def one_by_one() -> None:
            with acting_as(user), transaction.atomic():
                for indicator in todo:
                    record_value(user, indicator, final, "7,25")

        timed("baseline: record_value row by row, office", one_by_one, len(todo))


if __name__ == "__main__":
    main()
