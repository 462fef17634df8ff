"""Reading the YAML data files shipped with Traguardo (the 2019 demo, the seed's texts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's safe loader where PyYAML was built with it (it is, in the wheels): a dozen times
# faster on the 600 KB of the 2019 cycle, the same documents.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The document in `path`; yaml.YAMLError and OSError reach the caller."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SafeLoader)
