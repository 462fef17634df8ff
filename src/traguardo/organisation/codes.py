"""The administration's short code (`Entity.code`): how URLs and commands name it.

A code is lowercase letters, digits and hyphens, 2 to 20 characters, starting with a letter
or digit (e.g. ``tvbl``). It is stable: chosen once, never derived again from the name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,19}$")
MAX_LENGTH = 20

# A URL may start with an administration's code (/tvbl/risultati/2019/): a code is never
# one of the first segments of the application's own URLs (tests/web/test_administrations.py
# checks this list against the URL configuration).
RESERVED = frozenset(
    {
        "accesso", "admin", "albero", "api", "cerca", "cruscotto", "dati", "ente", "i18n",
        "installazione", "logo", "media", "monitoraggio", "obiettivo", "oiv", "personale",
        "piano", "premi", "relazione", "risultati", "schede", "scostamenti", "sito", "static",
        "storico", "trasparenza",
    }
)  # fmt: skip

# Names every installation knows by their code (the demo administration).
KNOWN_CODES = {"Camera di Commercio di Treviso-Belluno": "tvbl"}

_STOP = {"di", "del", "della", "dei", "delle", "e", "ed", "la", "il", "lo", "le", "the", "of"}


def code_problem(code: str) -> str | None:
    """Why `code` is not a valid administration code, or None."""
    if not CODE_PATTERN.match(code):
        return (
            f"codice «{code}» non valido: da 2 a 20 caratteri tra lettere minuscole, cifre e "
            "trattini, senza trattino iniziale (es. «tvbl»)"
        )
    if code in RESERVED:
        return f"codice «{code}» non disponibile: è una parte degli indirizzi di Traguardo"
    return None


def suggested_code(name: str, taken: Callable[[str], bool]) -> str:
    """A free code for an administration called `name` (for rows that have none yet)."""
    if name in KNOWN_CODES and not taken(KNOWN_CODES[name]):
        return KNOWN_CODES[name]
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", plain) if w and w not in _STOP]
    base = "-".join(words)[:MAX_LENGTH].strip("-") or "ente"
    if len(base) < 2:
        base = f"{base}-x"
    candidate, n = base, 1
    while taken(candidate) or candidate in RESERVED:
        n += 1
        suffix = f"-{n}"
        candidate = base[: MAX_LENGTH - len(suffix)].strip("-") + suffix
    return candidate
