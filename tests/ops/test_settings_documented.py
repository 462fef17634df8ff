"""Every environment variable the settings and the gunicorn config read is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = [
    ROOT / "src/traguardo/project/settings.py",
    ROOT / "deploy/gunicorn.conf.py",
    *sorted((ROOT / "src/traguardo/ops").glob("*.py")),
]


def test_every_variable_is_in_docs_settings() -> None:
    documented = set(
        re.findall(r"`(TRAGUARDO_[A-Z_]+|DATABASE_URL)`", (ROOT / "docs/settings.md").read_text())
    )
    used = {name for path in READERS for name in re.findall(r"TRAGUARDO_[A-Z_]+", path.read_text())}
    assert used, "no variable found: the pattern is wrong"
    assert used - documented == set()
