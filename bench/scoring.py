"""Benchmark of the pure-Python scoring engine (``traguardo.core.engine.score_plan``).

Run from the repository root::

    PYTHONPATH=src python3 bench/scoring.py                    # 1, 100 and 1,000 entities
    PYTHONPATH=src python3 bench/scoring.py --quick            # 1 and 100 entities only
    PYTHONPATH=src python3 bench/scoring.py --max-entities 300 # 1, 100 and 300 entities

What it measures: the throughput, in indicators scored per second, of ``score_plan`` on
synthetic plans of 1, 100 and 1,000 entities, each with 500 indicators (1 area, 5 sectors,
100 operational objectives of 5 indicators weighted 20, no entity table). Targets are drawn
from a fixed mix of the forms people write (``>= 100``, ``<= 5 gg``, ``= 100%``, ``SI``,
``compresi tra n. 10 e n. 15``, ``> 300.000 €``) and values are strings in Italian format,
so the timing includes parsing targets and values, every rule, the weighted mean of each
objective and the plain means of sectors and area. The plans are generated
deterministically (``random.Random(42)``); building them is not timed. Each size is timed
with explanations off (``explain=False``, the bulk path) and on (``explain=True``).

Beside it, a NumPy vectorised baseline does the same arithmetic on pre-parsed float arrays
(degree per target form, weighted mean per objective, means of sectors and area): no
parsing, no Decimal, no objects, so it is a lower bound on the time the work needs, not a
competitor. Its agreement with the engine is checked on the first entity. Without NumPy the
baseline is skipped.

The aim is >= 200,000 indicators/s on one core with explanations off (the engine is
single-threaded, so every figure here is one core).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
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


def time_engine(plans: Sequence[Plan], explain: bool) -> float:
    """Seconds to score every plan; best of 5 for a small batch, one run for a large one."""
    repeats = 5 if len(plans) * INDICATORS_PER_ENTITY < 50_000 else 1
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for plan in plans:
            score_plan(plan, explain=explain)
        best = min(best, time.perf_counter() - start)
    return best


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
        start = time.perf_counter()
        vectorised(*arrays)
        elapsed = time.perf_counter() - start
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


def row(cells: Sequence[str]) -> str:
    widths = (8, 10, 8, 10, 8, 10, 9, 12)
    return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True))


def context() -> list[str]:
    affinity = getattr(os, "sched_getaffinity", None)
    usable = len(affinity(0)) if callable(affinity) else os.cpu_count()
    numpy_version = np.__version__ if np is not None else "not installed"
    return [
        f"python   {platform.python_implementation()} {platform.python_version()}",
        f"platform {platform.platform()} ({platform.machine()})",
        f"cpus     {os.cpu_count()} (usable by this process: {usable}); the engine uses one",
        f"numpy    {numpy_version}",
        f"aim      >= {AIM:,} indicators/s on one core with explanations off",
    ]


def sizes_for(max_entities: int) -> list[int]:
    return [s for s in SIZES if s < max_entities] + [max_entities]


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
    args = parser.parse_args(argv)
    largest = min(args.max_entities, 100) if args.quick else args.max_entities
    if largest < 1:
        parser.error("--max-entities must be at least 1")
    sizes = sizes_for(largest)

    for line in context():
        out(line)
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
        out("numpy    not installed: the vectorised baseline is skipped")
    out("")
    out("off/on: score_plan(explain=False/True); numpy: the same arithmetic vectorised on")
    out("pre-parsed arrays, the lower bound; small batches are the best of 5 runs")
    out(
        row(
            (
                "entities",
                "indicators",
                "off s",
                "off ind/s",
                "on s",
                "on ind/s",
                "numpy s",
                "numpy ind/s",
            )
        )
    )
    best_off = 0.0
    for size in sizes:
        indicators = size * INDICATORS_PER_ENTITY
        batch = plans[:size]
        off = time_engine(batch, explain=False)
        on = time_engine(batch, explain=True)
        best_off = max(best_off, indicators / off)
        if np is not None:
            base = time_baseline(to_arrays(parsed, indicators))
            base_cells = (f"{base:.5f}", rate(indicators, base))
        else:
            base_cells = ("skipped", "-")
        out(
            row(
                (
                    f"{size:,}",
                    f"{indicators:,}",
                    f"{off:.3f}",
                    rate(indicators, off),
                    f"{on:.3f}",
                    rate(indicators, on),
                    *base_cells,
                )
            )
        )
    out("")
    verdict = "met" if best_off >= AIM else "not met"
    out(
        f"aim >= {AIM:,} indicators/s (one core, explanations off): {verdict}, "
        f"best {best_off:,.0f} indicators/s"
    )
    return 0


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.exit(main())
