"""Scale benchmark (not a test): one administration's office, alone or among 200 (issue 13).

    PYTHONPATH=src .venv/bin/python bench/tenants.py [--admins 200] [--cycles 3] [--runs 30]
        [--rounds 2] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
        [--prefix traguardo_bench] [--reuse] [--keep] [--cache-url redis://...]

PostgreSQL only (SQLite is refused: a provider's installation runs on PostgreSQL). It
creates two databases of its own, `<prefix>_one` and `<prefix>_many`, dropped at the end
unless `--keep` (`--reuse` measures again databases kept by an earlier run):

- installation A, one administration: the 2019 demo (`traguardo load-demo`, `demo-users`),
  then `traguardo cycle add --from` for 2020 and 2021, whose indicators get the values of
  the indicator they continue (same lineage) in the demo, both periods: 3 cycles with values;
- installation B: a copy of A (`CREATE DATABASE ... TEMPLATE`), then `--admins - 1` more
  administrations, each a full copy of the demo's (units, people, users and roles, the 3
  cycles with plan, targets, values, report cards, fund, staff, OIV and audit rows) under
  its own code (`pa002`, ...), made by `traguardo.ops.clone.clone_entity` (one
  `INSERT ... SELECT` per table and copy: the loader would take hours). Both databases are
  then VACUUM ANALYZEd. The build time of each is printed.

Then, for the office of `tvbl` (user `ufficio`, the performance office of the demo), in each
installation, `--rounds` times alternately (A, B, A, B: back to back on the same machine),
it requests each of the office's main pages under `/tvbl/` `--runs` times and times the
`score` command for 2019. Each measurement runs in a fresh process with Django's test Client
in-process: the figures are the application's own time (middleware, views, queries,
templates), without a server, a network or a browser, so that the only difference between A
and B is the number of administrations in the database. Cache: the default per-process
cache (LocMemCache) or `--cache-url`; it is cleared before each page's series, the first
request (which fills it) checks the status (200, else the exit code is 1) and is not
counted; the figures are warm. The `score` command is timed with the cache cleared before
every call: 2019 is closed, so `score` reads its stored snapshot (which the process also
keeps after its first call); `score --live` fetches the plan and scores it (cold).

Background tasks (the Relazione, imports) are not on these paths: the pages only read, and
jobs go through Celery to the broker (`TRAGUARDO_BROKER_URL`, docs/deploy.md) with their row
in the database as the truth (jobs.services): a worker can run on another machine that shares
the database, the media storage and the cache (heartbeats). Nothing measured here needs a
local worker.

Prints: page | A p50 | A p95 | B p50 | B p95 | B/A (p95) | queries A/B, with the load
average at start and end, the commit and PostgreSQL's version. Aim: ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from traguardo.ops.appserver import child_env, manage, prepare_demo  # noqa: E402

AIM = 1.2
SOURCE = "tvbl"
OFFICE = "ufficio"  # traguardo.demo.users: the performance office of the demo
YEAR = 2019
STATIC_ROOT = ROOT / "var" / "bench-static"  # debug off: pages need the collected manifest


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def database_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def admin_sql(admin_url: str, *statements: str) -> list[Any]:
    import psycopg

    rows: list[Any] = []
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
            if cursor.description:
                rows.extend(cursor.fetchall())
    return rows


def bench_env(url: str, cache_url: str = "") -> dict[str, str]:
    env = child_env(
        url,
        TRAGUARDO_DEBUG="0",
        TRAGUARDO_SECRET_KEY="bench-" + "q8Lr2Vx7Nc4Ht9Zp3Wm6Ks1Bd5Gf0Jy" * 2,
        TRAGUARDO_ALLOWED_HOSTS="testserver",
        TRAGUARDO_SSL_REDIRECT="0",
        TRAGUARDO_SECURE_COOKIES="0",
        TRAGUARDO_HSTS_SECONDS="0",
        TRAGUARDO_STATIC_ROOT=str(STATIC_ROOT),
    )
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    if cache_url:
        env["TRAGUARDO_CACHE_URL"] = cache_url
    return env


def child(
    env: dict[str, str], *args: str, script: str = __file__, timeout: float | None = None
) -> dict[str, Any]:
    """`script` (this one by default) in another process, on the database of `env`; its
    JSON answer. subprocess.TimeoutExpired after `timeout` seconds."""
    result = subprocess.run(
        [sys.executable, script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- inside a child process (Django set up on one database) ----------------------------------


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traguardo.project.settings")
    django.setup()


def do_values() -> dict[str, Any]:
    """The carried-forward cycles' indicators get the demo values of their lineage."""
    from traguardo.monitoring.models import Measurement, Period
    from traguardo.plans import scope

    source = {
        (m.indicator.lineage, m.period.code): m
        for m in Measurement.objects.select_related("indicator", "period").filter(
            period__cycle__entity__code=SOURCE, period__cycle__year=YEAR
        )
    }
    made = 0
    for period in Period.objects.filter(cycle__entity__code=SOURCE, cycle__year__gt=YEAR):
        indicators = scope.indicators_of(period.cycle)
        rows = []
        for indicator in indicators:
            old = source.get((indicator.lineage, period.code))
            if old is not None:
                rows.append(
                    Measurement(
                        indicator=indicator,
                        period=period,
                        text=old.text,
                        number=old.number,
                        reading_kind=old.reading_kind,
                        not_measurable_reason=old.not_measurable_reason,
                        comment=old.comment,
                        justification=old.justification,
                        entered_by=old.entered_by,
                    )
                )
        made += len(Measurement.objects.bulk_create(rows))
    return {"values": made}


def do_clone(admins: int) -> dict[str, Any]:
    from traguardo.ops.clone import clone_entity
    from traguardo.organisation.models import Entity

    codes = [f"pa{n:03d}" for n in range(2, admins + 1)]
    start = time.perf_counter()
    report = clone_entity(Entity.objects.get(code=SOURCE), codes)
    return {
        "seconds": time.perf_counter() - start,
        "rows": report.total,
        "rows_per_admin": sum(report.rows_per_copy.values()),
    }


def office_pages() -> list[tuple[str, str]]:
    from traguardo.monitoring.models import Measurement, Period
    from traguardo.plans.models import OperationalObjective

    value = (
        Measurement.objects.filter(
            period__cycle__entity__code=SOURCE,
            period__cycle__year=YEAR,
            period__code=Period.Code.FINAL,
        )
        .order_by("indicator_id")
        .first()
    )
    objective = OperationalObjective.objects.filter(
        cycle__entity__code=SOURCE, cycle__year=YEAR
    ).order_by("id")[0]
    year = f"?anno={YEAR}"
    pages = [
        ("home", "/"),
        ("cruscotto", f"/cruscotto/{year}"),
        ("albero", f"/albero/{year}"),
        ("obiettivo", f"/obiettivo/{objective.pk}/"),
        ("piano", f"/piano/{year}"),
        ("monitoraggio", f"/monitoraggio/{year}"),
        ("risultati", f"/risultati/{YEAR}/"),
        ("perché B14", f"/risultati/{YEAR}/perche/B14/"),
        ("schede", f"/schede/{year}"),
        ("premi", f"/premi/{year}"),
        ("personale", f"/personale/{year}"),
        ("oiv", f"/oiv/{year}"),
    ]
    if value is not None:
        pages += [
            ("indicatore", f"/monitoraggio/indicatore/{value.indicator_id}/"),
            ("storico", f"/storico/plans.indicator/{value.indicator_id}/"),
        ]
    return [(name, f"/{SOURCE}{path}") for name, path in pages]


def rows_read(connection: Any) -> int:
    """Rows PostgreSQL has read so far in this database (sequential and by index): unlike
    times, the same on a busy and on an idle machine, so a scan of every administration
    shows here even when the load hides it in the times."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT 1")  # the flush happens as this statement ends
        cursor.execute(
            "SELECT COALESCE(SUM(seq_tup_read), 0) + COALESCE(SUM(idx_tup_fetch), 0) "
            "FROM pg_stat_user_tables"
        )
        return int(cursor.fetchone()[0])


def do_measure(runs: int) -> dict[str, Any]:
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    count = [0]

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    def get(path: str) -> tuple[int, int]:
        """Status and number of queries of one request."""
        count[0] = 0
        with connection.execute_wrapper(counted):
            status = client.get(path).status_code
        return status, count[0]

    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICE))
    out: dict[str, Any] = {"pages": {}, "failed": {}}
    for name, path in office_pages():
        cache.clear()
        status, cold = get(path)
        if status != 200:
            out["failed"][name] = f"{path}: {status}"
            continue
        _status, warm = get(path)
        times = []
        before = rows_read(connection)
        for _ in range(runs):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        rows = (rows_read(connection) - before) / runs
        out["pages"][name] = {
            "rows": [rows],
            "path": path,
            "ms": times,
            "queries": warm,
            "queries_cold": cold,
        }
    for name, extra in (("score", ()), ("score --live", ("--live",))):
        times = []
        for _ in range(max(3, runs // 3)):
            cache.clear()
            start = time.perf_counter()
            call_command(
                "score", "--year", str(YEAR), "--entity", SOURCE, *extra, stdout=StringIO()
            )
            times.append((time.perf_counter() - start) * 1000)
        out["pages"][name] = {"path": "(command)", "ms": times, "rows": [], "queries": 0}
    return out


# --- the parent: build, measure, print -------------------------------------------------------


def build_one(admin_url: str, name: str, cycles: int) -> float:
    start = time.perf_counter()
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    env = bench_env(database_url(admin_url, name))
    prepare_demo({**env, "TRAGUARDO_DEBUG": "1"})
    for year in range(YEAR + 1, YEAR + cycles):
        manage(env, "cycle", "add", "--year", str(year), "--plan", f"{year}-{year + 2}",
               "--from", str(year - 1), "--entity", SOURCE)  # fmt: skip
    if cycles > 1:
        child(env, "_values")
    admin_sql(database_url(admin_url, name), "VACUUM ANALYZE")
    return time.perf_counter() - start


def build_many(admin_url: str, one: str, name: str, admins: int) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    admin_sql(
        admin_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}" TEMPLATE "{one}"'
    )
    cloned = child(bench_env(database_url(admin_url, name)), "_clone", str(admins))
    admin_sql(database_url(admin_url, name), "VACUUM ANALYZE")
    return time.perf_counter() - start, cloned


def _rows(figures: dict[str, Any]) -> str:
    return f"{statistics.median(figures['rows']):,.0f}" if figures["rows"] else "-"


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " (modified)" if git("status", "--porcelain", "--", "src", "bench") else ""
    )


def main() -> int:
    if sys.argv[1:2] and sys.argv[1].startswith("_"):
        _django()
        action, rest = sys.argv[1], sys.argv[2:]
        result = {
            "_values": lambda: do_values(),
            "_clone": lambda: do_clone(int(rest[0])),
            "_measure": lambda: do_measure(int(rest[0])),
        }[action]()
        print(json.dumps(result))
        return 0

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--admins", type=int, default=200, help="administrations in B")
    parser.add_argument("--cycles", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and round")
    parser.add_argument("--rounds", type=int, default=2, help="A then B, this many times")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--prefix", default="traguardo_bench")
    parser.add_argument("--cache-url", default="", help="TRAGUARDO_CACHE_URL (default: none)")
    parser.add_argument("--reuse", action="store_true", help="measure databases kept earlier")
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    args = parser.parse_args()
    if not args.admin_url.startswith(("postgres://", "postgresql://")):
        print(
            "bench/tenants.py misura un'installazione su PostgreSQL: --admin-url deve essere "
            f"un indirizzo postgres://, non {args.admin_url!r} (SQLite non è supportato qui).",
            file=sys.stderr,
        )
        return 2
    if args.admins < 2:
        print("--admins deve essere almeno 2", file=sys.stderr)
        return 2

    one, many = f"{args.prefix}_one", f"{args.prefix}_many"
    start_load = loadavg()
    version = admin_sql(args.admin_url, "SHOW server_version")[0][0]
    print(f"commit {commit()}, PostgreSQL {version}, load average at start {start_load}")
    if not args.reuse:
        seconds = build_one(args.admin_url, one, args.cycles)
        print(f"A: 1 administration x {args.cycles} cycles built in {seconds:.1f} s")
        seconds, cloned = build_many(args.admin_url, one, many, args.admins)
        print(
            f"B: {args.admins} administrations x {args.cycles} cycles built in {seconds:.1f} s "
            f"(clone {cloned['seconds']:.1f} s, {cloned['rows']:,} rows, "
            f"{cloned['rows_per_admin']:,} per administration)"
        )
    manage(bench_env(database_url(args.admin_url, one)), "collectstatic", "--noinput", "-v0")
    results: dict[str, dict[str, Any]] = {one: {}, many: {}}
    failed: dict[str, str] = {}
    for _round in range(args.rounds):
        for name in (one, many):
            env = bench_env(database_url(args.admin_url, name), args.cache_url)
            measured = child(env, "_measure", str(args.runs))
            failed.update({f"{name} {k}": v for k, v in measured["failed"].items()})
            for page, figures in measured["pages"].items():
                into = results[name].setdefault(page, {**figures, "ms": [], "rows": []})
                into["ms"] += figures["ms"]
                into["rows"] += figures["rows"]

    header = (
        f"{'page':<14} {'A p50':>7} {'A p95':>7} {'B p50':>7} {'B p95':>7} {'B/A p95':>8}"
        "  queries A/B  rows read A/B"
    )
    print(f"\n{header}\n{'-' * len(header)}")
    over = []
    for page, a in results[one].items():
        b = results[many].get(page)
        if b is None:
            continue
        ratio = percentile(b["ms"], 0.95) / percentile(a["ms"], 0.95)
        if ratio > AIM:
            over.append(page)
        print(
            f"{page:<14} {statistics.median(a['ms']):7.1f} {percentile(a['ms'], 0.95):7.1f} "
            f"{statistics.median(b['ms']):7.1f} {percentile(b['ms'], 0.95):7.1f} {ratio:8.2f}  "
            f"{a['queries']}/{b['queries']}  {_rows(a)}/{_rows(b)}"
        )
    print(
        f"\nms; {args.runs * args.rounds} requests per page and installation (score: "
        f"{len(results[one]['score']['ms'])} calls, cold); A = 1 administration, "
        f"B = {args.admins}; aim B/A <= {AIM}: "
        + ("met" if not over else "NOT met for " + ", ".join(over))
    )
    print(f"load average at start {start_load}, at end {loadavg()}")
    if not args.keep:
        admin_sql(
            args.admin_url, f'DROP DATABASE IF EXISTS "{many}"', f'DROP DATABASE IF EXISTS "{one}"'
        )
    for page, reason in failed.items():
        print(f"FAILED {page}: {reason}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
