"""The layers of docs/architecture.md hold: every part of Traguardo has its place in the
import-linter contract of pyproject.toml, and no import goes against it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "traguardo"


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _parts() -> set[str]:
    """traguardo's direct subpackages and modules (a new app is one of them)."""
    names = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    names |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {f"traguardo.{name}" for name in names}


def test_every_part_of_traguardo_sits_in_a_layer() -> None:
    layers = _contracts()["layers"]["layers"]
    assert isinstance(layers, list)
    placed = {name.strip() for layer in layers for name in str(layer).split("|")}
    assert _parts() - placed == set(), "add the new part to a layer in pyproject.toml"
    assert placed - _parts() == set(), "a layer names a part that does not exist"


def test_the_core_is_forbidden_every_other_part_and_django() -> None:
    forbidden = _contracts()["pure-core"]["forbidden_modules"]
    assert isinstance(forbidden, list)
    assert set(forbidden) == (_parts() - {"traguardo.core"}) | {"django"}


def test_no_import_goes_against_the_layers() -> None:
    # Exit status 0: every contract kept (the same check as `lint-imports` in `make test`).
    assert lint_imports(str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
