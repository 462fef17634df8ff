"""The scoring core must stay free of Django so it can run anywhere."""

import ast
from pathlib import Path

import traguardo.core

CORE = Path(traguardo.core.__file__).parent


def test_core_imports_no_django() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"django", "rest_framework"}
            ]
    assert offenders == []
    assert len(list(CORE.glob("*.py"))) >= 5  # the scan really looked at the core
