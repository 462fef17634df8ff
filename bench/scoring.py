"""Benchmark of the pure-Python scoring engine (``traguardo.core.engine.score_plan``).

Run from the repository root::

    PYTHONPATH=src python3 bench/scoring.py                    # 1, 100 and 1,000 entities
    PYTHONPATH=src python3 bench/scoring.py --quick            # 1 and 100 entities only
    PYTHONPATH=src python3 bench/scoring.py --max-entities 300 # 1, 100 and 300 entities
    PYTHONPATH=src python3 bench/scoring.py --quick --baseline main   # and main's engine

What it measures: the throughput, in indicators scored per second, of ``score_plan`` on
synthetic plans of 1, 100 and 1,000 entities, each with 500 indicators (1 area, 5 sectors,
100 operational objectives of 5 indicators weighted 20, no entity table). Targets are drawn
from a fixed mix of the forms people write (``>= 100``, ``<= 5 gg``, ``= 100%``, ``SI``,
``compresi tra n. 10 e n. 15``, ``> 300.000 €``) and values are strings in Italian format,
so the timing includes parsing targets and values, every rule, the weighted mean of each
objective and the plain means of sectors and area. The plans are generated
deterministically (``random.Random(42)``); building them is not timed. Each size is timed
with explanations off (``explain=False``, the bulk path), cold (every text parsed) and
warm (texts parsed before, as when a cycle is scored again), and with explanations on.

Beside it, a NumPy vectorised baseline does the same arithmetic on pre-parsed float arrays
(degree per target form, weighted mean per objective, means of sectors and area): no
parsing, no Decimal, no objects, so it is a lower bound on the time the work needs, not a
competitor; ``x numpy`` is how many times slower the engine is. Its agreement with the
engine is checked on the first entity. Without NumPy the baseline is skipped.

``--baseline REF`` extracts the core of git commit REF (``git archive``) into a temporary
directory and, after each size, times it in a child process on the same plans: a
back-to-back comparison in the same machine state.

The aims are >= 200,000 indicators/s on one core with explanations off, within 5x of the
NumPy bound (the engine is single-threaded, so every figure here is one core). The
commit and the load average are printed first: figures from a busy machine are not final.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traguardo.core.engine import score_plan
from traguardo.core.model import Block, Indicator, Objective, Plan, Smvp, Unit, UnitKind

try:
    import numpy as np
except ImportError:  # pragma: no cover - depends on the machine
    np = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from numpy.typing import NDArray

AIM = 200_000  # indicators per second, one core, explanations off
RATIO_AIM = 5  # the engine within this factor of the NumPy bound (issue 17, point 1)
# CPU time of this process, not wall time: on a machine shared with other work it is the
# time the engine's one core really spent, without the time it waited for the core.
clock = time.process_time
SIZES = (1, 100, 1_000)
SECTORS = 5
OBJECTIVES_PER_SECTOR = 20
INDICATORS_PER_OBJECTIVE = 5
INDICATORS_PER_ENTITY = SECTORS * OBJECTIVES_PER_SECTOR * INDICATORS_PER_OBJECTIVE  # 500
WEIGHT = Decimal(20)

# How the baseline reads each target form (the SMVP default rule picks the same way).
HIGHER, LOWER, RANGE, YES_NO = 0, 1, 2, 3


@dataclass
class Parsed:
    """The indicators of all plans, pre-parsed to numbers for the NumPy baseline."""

    kind: list[int] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    actual: list[float] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)

    def add(self, kind: int, low: float, high: float, actual: float) -> None:
        self.kind.append(kind)
        self.low.append(low)
        self.high.append(high)
        self.actual.append(actual)
        self.weight.append(float(WEIGHT))


def italian(cents: int, unit: str = "") -> str:
    """An amount in hundredths written the Italian way: 67643356 -> ``676.433,56``."""
    whole, frac = divmod(cents, 100)
    text = f"{whole:,}".replace(",", ".")
    if frac:
        text += "," + f"{frac:02d}".rstrip("0")
    return f"{text} {unit}".rstrip() if unit not in ("", "%") else text + unit


def draw(rng: random.Random, parsed: Parsed) -> tuple[str, str]:
    """One (target, value) pair from the fixed mix of forms; records the parsed numbers."""
    form = rng.randrange(6)
    if form == 0:  # >= 100: higher is better
        cents = rng.randint(4_000, 16_000)
        parsed.add(HIGHER, 100.0, 0.0, cents / 100)
        return ">= 100", italian(cents)
    if form == 1:  # <= 5 gg: lower is better
        cents = rng.randrange(200, 950, 50)
        parsed.add(LOWER, 5.0, 0.0, cents / 100)
        return "<= 5 gg", italian(cents, "gg")
    if form == 2:  # = 100%: "at least" for the SMVP; a "SI" here reads as 100%
        if rng.random() < 0.2:
            parsed.add(HIGHER, 100.0, 0.0, 100.0)
            return "= 100%", "SI"
        cents = rng.randint(7_000, 10_000)
        parsed.add(HIGHER, 100.0, 0.0, cents / 100)
        return "= 100%", italian(cents, "%")
    if form == 3:  # SI: yes or no
        yes = rng.random() < 0.8
        parsed.add(YES_NO, 1.0, 0.0, 1.0 if yes else 0.0)
        return "SI", "SI" if yes else "NO"
    if form == 4:  # range, exceeded upwards counts as achieved
        count = rng.randint(5, 20)
        parsed.add(RANGE, 10.0, 15.0, float(count))
        return "compresi tra n. 10 e n. 15", str(count)
    cents = rng.randint(15_000_000, 70_000_000)  # > 300.000 €
    parsed.add(HIGHER, 300_000.0, 0.0, cents / 100)
    return "> 300.000 €", italian(cents, "€")


def build_plan(entity: int, rng: random.Random, parsed: Parsed) -> Plan:
    """One entity: 1 area, 5 sectors, 20 objectives per sector, 5 indicators each."""
    units = [Unit("1", UnitKind.AREA, "Area amministrativa", short="AA")]
    objectives: list[Objective] = []
    for s in range(1, SECTORS + 1):
        sector = f"1.{s}"
        units.append(Unit(sector, UnitKind.SECTOR, f"Settore {s}", parent="1", short=f"S{s}"))
        for o in range(1, OBJECTIVES_PER_SECTOR + 1):
            indicators = []
            for i in range(1, INDICATORS_PER_OBJECTIVE + 1):
                target, value = draw(rng, parsed)
                indicators.append(
                    Indicator(f"{sector}/{o}#{i}", i, f"Indicatore {i}", target, value, WEIGHT)
                )
            objectives.append(
                Objective(f"{sector}/{o}", sector, o, f"Obiettivo {o}", tuple(indicators))
            )
    blocks: tuple[Block, ...] = ()  # no entity table: all 500 indicators are in objectives
    return Plan(f"ente-{entity:04d}", 2024, tuple(units), blocks, tuple(objectives), (), Smvp())


def build(entities: int) -> tuple[list[Plan], Parsed]:
    rng = random.Random(42)
    parsed = Parsed()
    plans = [build_plan(n, rng, parsed) for n in range(entities)]
    return plans, parsed


def clear_caches() -> None:
    """Empty every memo of the core (parsed targets and values): scoring new texts."""
    for name, module in list(sys.modules.items()):
        if name.startswith("traguardo.core") and module is not None:
            for attribute in vars(module).values():
                clear = getattr(attribute, "cache_clear", None)
                if callable(clear):
                    clear()


def time_engine(plans: Sequence[Plan], explain: bool, cold: bool = False) -> float:
    """Best seconds to score every plan, over 3 runs (1 from 100,000 indicators up).

    Warm (``cold=False``): one untimed run first, so the texts are parsed already, as
    when a cycle is scored again or previewed; the memo keeps 65,536 texts, so a batch
    with more distinct values than that is partly cold. Cold: the core's memos are
    emptied before each run, so every target and value is parsed, as the first time."""
    repeats = 3 if len(plans) * INDICATORS_PER_ENTITY < 100_000 else 1
    if not cold:
        for plan in plans:
            score_plan(plan, explain=explain)
    best = float("inf")
    for _ in range(repeats):
        if cold:
            clear_caches()
        start = clock()
        for plan in plans:
            score_plan(plan, explain=explain)
        best = min(best, clock() - start)
    return best


def measure(plans: Sequence[Plan], size: int) -> dict[str, float]:
    """Seconds for the first `size` plans: cold and warm without explanations, and with."""
    batch = plans[:size]
    return {
        "cold": time_engine(batch, explain=False, cold=True),
        "warm": time_engine(batch, explain=False),
        "on": time_engine(batch, explain=True),
    }


# The engine of another commit, in its own process -------------------------------------------
def baseline_tree(ref: str, into: Path) -> str:
    """The core of commit `ref` extracted under `into`; returns its short hash."""
    root = Path(__file__).resolve().parent.parent
    commit = git(root, "rev-parse", "--short", ref)
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", ref, "src/traguardo/__init__.py", "src/traguardo/core"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return commit


def measure_elsewhere(source: Path, size: int) -> dict[str, float]:
    """measure() run by this script in a child process that imports the core from `source`."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    command = [sys.executable, __file__, "--worker", str(size)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


# NumPy baseline ----------------------------------------------------------------------------
Arrays = tuple["NDArray[Any]", ...]


def to_arrays(parsed: Parsed, indicators: int) -> Arrays:
    assert np is not None
    return (
        np.asarray(parsed.kind[:indicators], dtype=np.int8),
        np.asarray(parsed.low[:indicators], dtype=np.float64),
        np.asarray(parsed.high[:indicators], dtype=np.float64),
        np.asarray(parsed.actual[:indicators], dtype=np.float64),
        np.asarray(parsed.weight[:indicators], dtype=np.float64),
    )


def vectorised(
    kind: NDArray[Any],
    low: NDArray[Any],
    high: NDArray[Any],
    actual: NDArray[Any],
    weight: NDArray[Any],
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Degrees, then objective, sector and area performances, in percent points."""
    assert np is not None
    safe_low = np.where(low != 0, low, 1.0)
    safe_actual = np.where(actual != 0, actual, 1.0)
    up = np.where(low != 0, np.minimum(actual / safe_low * 100, 100), 100)  # min(a/t, 1)
    down = np.where(actual <= low, 100, np.minimum(low / safe_actual * 100, 100))  # min(t/a, 1)
    inside = np.where(actual < low, np.minimum(actual / safe_low * 100, 100), 100)  # above: full
    yes_no = np.where(actual == low, 100.0, 0.0)
    degree = np.select(
        [kind == HIGHER, kind == LOWER, kind == RANGE], [up, down, inside], default=yes_no
    )
    per_objective = (degree * weight).reshape(-1, INDICATORS_PER_OBJECTIVE).sum(axis=1)
    objectives = per_objective / weight.reshape(-1, INDICATORS_PER_OBJECTIVE).sum(axis=1)
    sectors = objectives.reshape(-1, OBJECTIVES_PER_SECTOR).mean(axis=1)
    areas = sectors.reshape(-1, SECTORS).mean(axis=1)
    return objectives, sectors, areas


def time_baseline(arrays: Arrays) -> float:
    """Best seconds over at least 5 runs and at least 0.2 s in all."""
    best, spent, runs = float("inf"), 0.0, 0
    while runs < 5 or spent < 0.2:
        start = clock()
        vectorised(*arrays)
        elapsed = clock() - start
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best


def check_baseline(plan: Plan, parsed: Parsed) -> float:
    """Largest gap between engine and baseline over one entity's objectives, sectors, area."""
    result = score_plan(plan, explain=False)
    engine = [float(o.performance or 0) for o in result.objectives.values()]
    by_code = {u.code: float(u.performance or 0) for u in result.units}
    engine += [by_code[f"1.{s}"] for s in range(1, SECTORS + 1)] + [by_code["1"]]
    objectives, sectors, areas = vectorised(*to_arrays(parsed, INDICATORS_PER_ENTITY))
    assert np is not None
    ours = np.concatenate([objectives, sectors, areas])
    return float(np.max(np.abs(ours - np.asarray(engine))))


# Report ------------------------------------------------------------------------------------
def rate(indicators: int, seconds: float) -> str:
    return f"{indicators / seconds:,.0f}" if seconds > 0 else "inf"


WIDTHS = (8, 10, 10, 11, 11, 9, 12, 7)


def row(cells: Sequence[str]) -> str:
    return "  ".join(cell.rjust(width) for cell, width in zip(cells, WIDTHS, strict=True))


def context() -> list[str]:
    root = Path(__file__).resolve().parent.parent
    dirty = " (with uncommitted changes)" if git(root, "status", "--porcelain", "src") else ""
    affinity = getattr(os, "sched_getaffinity", None)
    usable = len(affinity(0)) if callable(affinity) else os.cpu_count()
    numpy_version = np.__version__ if np is not None else "not installed"
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # pragma: no cover - not Linux
        load = "unknown"
    return [
        f"commit   {git(root, 'rev-parse', '--short', 'HEAD')}{dirty}",
        f"load     {load} (1, 5, 15 min) at the start",
        f"python   {platform.python_implementation()} {platform.python_version()}",
        f"platform {platform.platform()} ({platform.machine()})",
        f"cpus     {os.cpu_count()} (usable by this process: {usable}); the engine uses one",
        f"numpy    {numpy_version}",
        f"aim      >= {AIM:,} indicators/s on one core with explanations off; "
        f"within {RATIO_AIM}x of the NumPy bound",
    ]


def sizes_for(max_entities: int) -> list[int]:
    return [s for s in SIZES if s < max_entities] + [max_entities]


def worker(size: int) -> int:
    """--worker N: measure() on the first N plans, as JSON (for --baseline)."""
    plans, _parsed = build(size)
    score_plan(plans[0], explain=True)  # warm-up: imports, regexes
    print(json.dumps(measure(plans, size)))
    return 0


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--max-entities",
        type=int,
        default=SIZES[-1],
        metavar="N",
        help="largest number of entities to score (default: %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help="1 and 100 entities only")
    parser.add_argument(
        "--baseline",
        metavar="REF",
        help="also time the core of git commit REF (e.g. main), back to back, size by size",
    )
    parser.add_argument("--worker", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    largest = min(args.max_entities, 100) if args.quick else args.max_entities
    if largest < 1:
        parser.error("--max-entities must be at least 1")
    sizes = sizes_for(largest)

    for line in context():
        out(line)
    with tempfile.TemporaryDirectory(prefix="traguardo-bench-") as tmp:
        baseline = None
        if args.baseline:
            try:
                commit = baseline_tree(args.baseline, Path(tmp))
            except (OSError, subprocess.CalledProcessError) as exc:
                parser.error(f"--baseline {args.baseline}: cannot extract its core ({exc})")
            baseline = (args.baseline, commit, Path(tmp))
            out(f"baseline {args.baseline} = {commit}, timed in a child process after each size")
        report(sizes, largest, baseline, out)
    return 0


def report(
    sizes: list[int],
    largest: int,
    baseline: tuple[str, str, Path] | None,
    out: Callable[[str], None],
) -> None:
    started = time.perf_counter()
    plans, parsed = build(largest)
    out(
        f"built    {largest:,} plans x {INDICATORS_PER_ENTITY} indicators in "
        f"{time.perf_counter() - started:.1f} s (not timed)"
    )
    score_plan(plans[0], explain=True)  # warm-up: regexes, rule caches, imports
    if np is not None:
        out(
            f"check    max |engine - numpy| on entity 1 (objectives, sectors, area): "
            f"{check_baseline(plans[0], parsed):.2e} percent points"
        )
    else:
        out("numpy    not installed: the vectorised bound is skipped, and the ratio with it")
    out("")
    out("cold/warm: score_plan(explain=False) with the parse memos emptied before each run /")
    out("after one untimed run (texts already parsed: a cycle scored again, a what-if preview);")
    out("on: score_plan(explain=True), warm; numpy: the same arithmetic vectorised on")
    out("pre-parsed float arrays, the lower bound; x numpy: numpy ind/s / warm ind/s.")
    out("Figures are indicators per CPU second of this process (time.process_time), the best")
    out("of 3 runs (1 run from 100,000 indicators up).")
    out(
        row(
            (
                "entities",
                "indicators",
                "cold ind/s",
                "warm ind/s",
                "on ind/s",
                "engine",
                "numpy ind/s",
                "x numpy",
            )
        )
    )
    best_warm, ratios = 0.0, []
    for size in sizes:
        indicators = size * INDICATORS_PER_ENTITY
        lines = [("this", measure(plans, size))]
        if baseline is not None:
            name, _commit, source = baseline
            lines.append((name, measure_elsewhere(source, size)))
        if np is not None:
            base = time_baseline(to_arrays(parsed, indicators))
            numpy_cells = (rate(indicators, base), "")
        else:
            base, numpy_cells = 0.0, ("skipped", "-")
        for engine, seconds in lines:
            cells = numpy_cells
            if engine == "this":
                best_warm = max(best_warm, indicators / seconds["warm"])
                if base:
                    ratios.append(seconds["warm"] / base)
                    cells = (numpy_cells[0], f"{seconds['warm'] / base:,.0f}")
            elif base:
                cells = ("", f"{seconds['warm'] / base:,.0f}")
            out(
                row(
                    (
                        f"{size:,}",
                        f"{indicators:,}",
                        rate(indicators, seconds["cold"]),
                        rate(indicators, seconds["warm"]),
                        rate(indicators, seconds["on"]),
                        engine[:9],
                        *cells,
                    )
                )
            )
    out("")
    verdict = "met" if best_warm >= AIM else "not met"
    out(
        f"aim >= {AIM:,} indicators/s (one core, explanations off): {verdict}, "
        f"best {best_warm:,.0f} indicators/s (warm)"
    )
    if ratios:
        worst = max(ratios)
        verdict = "met" if worst <= RATIO_AIM else "not met"
        out(
            f"aim within {RATIO_AIM}x of the NumPy bound: {verdict}, "
            f"{min(ratios):,.0f}x to {worst:,.0f}x slower"
        )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.exit(main())
