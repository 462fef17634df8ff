"""Large-plan benchmark (not a test): the demo's plan at 1x, 10x and 100x (issue 18).

    PYTHONPATH=src .venv/bin/python bench/large.py [--sizes 1,10,100] [--reuse] [--keep]
        [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--db traguardo_large]
        [--skip relazione-pdf,...] [--timeout 900]

PostgreSQL only. It creates the database `--db` (dropped at the end unless `--keep`;
`--reuse` measures a database kept by an earlier run), loads the 2019 demo and, for each
size k, makes the administration `x<k>` with `traguardo.ops.multiply.multiply_cycle`: the
demo's units, operational objectives, indicators, targets and values k times over, under
the same strategic objectives and entity table (deterministic: no random data). Its cycle
is open for monitoring (both periods open), so the pages compute the score live.

For each size, in a fresh process (Django's test Client in-process: the application's own
time, no server, no browser), as the administration's performance office (`ufficio.x<k>`)
and, for the monitoring to-do, its dirigente (`dirigente.x<k>`): every main page cold (the
cache cleared just before) and then warm (the same request again), with its size in bytes.
Then, each in a process of its own so that its peak memory (ru_maxrss) is its own: `score
--live`, the Relazione in each format (`traguardo report --format ...`), a full export
(`traguardo export`) and a values import (every indicator at 30.06, through the same
service as `traguardo import`). Prints one table per size with the load average, the commit
and PostgreSQL's version. Aim (issue 18): every page under 300 ms cold at 100x and under
300 KB; every peak under 1 GB.

The report cards and the fund of the copies are empty (cards are per person: the copies
have no people but their office and one dirigente): those two pages are measured on the
demo's own figures only at 1x.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from tenants import (  # noqa: E402
    admin_sql,
    bench_env,
    commit,
    database_url,
    loadavg,
)
from tenants import child as tenants_child  # noqa: E402

from traguardo.ops.appserver import manage, prepare_demo  # noqa: E402

SOURCE = "tvbl"
YEAR = 2019
PAGE_AIM_MS = 300
PAGE_AIM_BYTES = 300 * 1024
MEMORY_AIM_MB = 1024
FORMATS = ("html", "docx", "xlsx", "pdf", "opendata")


def _django() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")
    django.setup()


def child(env: dict[str, str], *args: str, timeout: float | None = None) -> dict[str, Any]:
    """This script in another process (bench/tenants.py's runner); its JSON answer."""
    return tenants_child(env, *args, script=__file__, timeout=timeout)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- inside a child process ----------------------------------------------------------------


def do_build(size: int) -> dict[str, Any]:
    from traguardo.monitoring.models import Period
    from traguardo.ops.multiply import multiply_cycle
    from traguardo.plans.models import Cycle, Indicator

    start = time.perf_counter()
    source = Cycle.objects.get(entity__code=SOURCE, year=YEAR)
    cycle = multiply_cycle(source, f"x{size}", size)
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.MONITORING)
    Period.objects.filter(cycle=cycle).update(closed=False)
    return {
        "seconds": time.perf_counter() - start,
        "indicators": Indicator.objects.filter(objective__cycle=cycle).count(),
    }


def pages(code: str) -> list[tuple[str, str, str]]:
    """(name, user, path) of the main pages of administration `code`."""
    from traguardo.plans.models import OperationalObjective

    objective = OperationalObjective.objects.filter(
        cycle__entity__code=code, cycle__year=YEAR
    ).order_by("id")[0]
    office, manager = f"ufficio.{code}", f"dirigente.{code}"
    year = f"?anno={YEAR}"
    listed = [
        ("cruscotto", office, f"/cruscotto/{year}"),
        ("albero", office, f"/albero/{year}"),
        ("risultati", office, f"/risultati/{YEAR}/"),
        ("perché ENTE", office, f"/risultati/{YEAR}/perche/ENTE/"),
        (
            "perché obiettivo",
            office,
            f"/risultati/{YEAR}/perche/{objective.home_unit.code}/{objective.number}/",
        ),
        ("monitoraggio (ufficio)", office, f"/monitoraggio/{year}"),
        ("monitoraggio (dirigente)", manager, f"/monitoraggio/{year}"),
        ("piano", office, f"/piano/{year}"),
        ("oiv", office, f"/oiv/{year}"),
        ("schede", office, f"/schede/{year}"),
        ("premi", office, f"/premi/{year}"),
    ]
    return [(name, user, f"/{code}{path}") for name, user, path in listed]


def do_pages(code: str) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    users = get_user_model().objects
    clients: dict[str, Client] = {}
    out: dict[str, Any] = {}
    for name, username, path in pages(code):
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(users.get(username=username))
        client = clients[username]
        cache.clear()
        start = time.perf_counter()
        response = client.get(path)
        cold = (time.perf_counter() - start) * 1000
        size = len(response.content)
        start = time.perf_counter()
        client.get(path)
        warm = (time.perf_counter() - start) * 1000
        out[name] = {"status": response.status_code, "cold": cold, "warm": warm, "bytes": size}
    return out


def do_op(code: str, op: str) -> dict[str, Any]:
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        if op == "score":
            call_command(
                "score", "--year", str(YEAR), "--entity", code, "--live", stdout=StringIO()
            )
        elif op.startswith("relazione-"):
            call_command(
                "report", "--year", str(YEAR), "--entity", code, "--format", op.split("-", 1)[1],
                "--out", folder, "--no-record", stdout=StringIO(),
            )  # fmt: skip
        elif op == "export":
            call_command(
                "export", "--year", str(YEAR), "--entity", code, "--out", f"{folder}/a.zip",
                stdout=StringIO(),
            )  # fmt: skip
        elif op == "import":
            return _import(code, start)
        else:
            raise SystemExit(f"unknown operation {op}")
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb()}


def _import(code: str, _start: float) -> dict[str, Any]:
    """Every indicator of the cycle at 30.06, through the import service."""
    import io

    from openpyxl import Workbook

    from traguardo.exchange.codes import indicators_by_code
    from traguardo.exchange.services import import_file
    from traguardo.plans.models import Cycle

    cycle = Cycle.objects.get(entity__code=code, year=YEAR)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Valori")
    sheet.append(["Codice", "Periodo", "Valore", "Commento"])
    rows = 0
    for number, code_ in enumerate(indicators_by_code(cycle), start=1):
        sheet.append([code_, "30.06", f"{number % 97},25", ""])
        rows += 1
    data = io.BytesIO()
    book.save(data)
    start = time.perf_counter()  # building the file is not timed; reading it is
    result = import_file("valori.xlsx", data.getvalue(), cycle, dry_run=False)
    issues = getattr(result, "issues", [])
    return {
        "seconds": time.perf_counter() - start,
        "peak_mb": peak_mb(),
        "rows": rows,
        "issues": len(issues),
    }


# --- the parent ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--db", default="traguardo_large")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--skip", default="", help="operations to skip, e.g. relazione-pdf")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per operation")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    skip = {s for s in args.skip.split(",") if s}
    url = database_url(args.admin_url, args.db)
    env = bench_env(url)
    print(
        f"bench/large.py · commit {commit()} · sizes {sizes} · load average at start {loadavg()}",
        flush=True,
    )
    if not args.reuse:
        admin_sql(
            args.admin_url, f'DROP DATABASE IF EXISTS "{args.db}"', f'CREATE DATABASE "{args.db}"'
        )
        start = time.perf_counter()
        prepare_demo({**env, "TRAGUARDO_DEBUG": "1"})
        print(f"demo loaded in {time.perf_counter() - start:.0f} s", flush=True)
        for size in sizes:
            built = child(env, "_build", str(size))
            print(
                f"x{size}: {built['indicators']:,} indicators of objectives, built in "
                f"{built['seconds']:.0f} s",
                flush=True,
            )
        admin_sql(url, "VACUUM ANALYZE")
    manage(env, "collectstatic", "--noinput", "-v0")  # debug off: the manifest is needed
    version = admin_sql(url, "SHOW server_version")[0][0]
    print(f"PostgreSQL {version}", flush=True)
    failed = False
    for size in sizes:
        code = f"x{size}"
        print(f"\n## {size}x (administration {code}) · load average {loadavg()}")
        print("| page | cold ms | warm ms | bytes | status |")
        print("|---|---:|---:|---:|---|")
        try:
            measured = child(env, "_pages", code, timeout=args.timeout * 4)
        except subprocess.TimeoutExpired:
            print(f"| every page | over {args.timeout * 4:.0f} s in all: stopped | | |", flush=True)
            failed = True
            measured = {}
        for name, f in measured.items():
            flag = "" if f["cold"] <= PAGE_AIM_MS and f["bytes"] <= PAGE_AIM_BYTES else " ✗"
            failed |= f["status"] != 200
            row = f"{f['cold']:,.0f} | {f['warm']:,.0f} | {f['bytes']:,} | {f['status']}{flag}"
            print(f"| {name} | {row} |", flush=True)
        print("\n| operation | seconds | peak MB |")
        print("|---|---:|---:|")
        for op in ("score", *(f"relazione-{f}" for f in FORMATS), "export", "import"):
            if op in skip:
                print(f"| {op} | skipped | |", flush=True)
                continue
            try:
                f = child(env, "_op", code, op, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"| {op} | over {args.timeout:.0f} s: stopped | |", flush=True)
                failed = True
                continue
            except RuntimeError as exc:
                print(f"| {op} | failed: {str(exc).splitlines()[-1][:120]} | |", flush=True)
                failed = True
                continue
            extra = f" ({f['rows']:,} rows, {f['issues']} issues)" if "rows" in f else ""
            flag = " ✗" if f["peak_mb"] > MEMORY_AIM_MB else ""
            print(f"| {op}{extra} | {f['seconds']:,.1f} | {f['peak_mb']:,.0f}{flag} |", flush=True)
    print(f"\nload average at end {loadavg()}")
    if not args.keep:
        admin_sql(args.admin_url, f'DROP DATABASE IF EXISTS "{args.db}"')
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        _django()
        command, rest = sys.argv[1], sys.argv[2:]
        if command == "_build":
            answer = do_build(int(rest[0]))
        elif command == "_pages":
            answer = do_pages(rest[0])
        else:
            answer = do_op(rest[0], rest[1])
        print(json.dumps(answer))
    else:
        main()
