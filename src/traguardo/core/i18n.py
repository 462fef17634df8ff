"""Messages of the core in the reader's language, without depending on Django.

The core writes its messages (explanations, refusals) in Italian and passes each one
through `_`, with its values as `{name}` fields filled in afterwards by `str.format`:

    _("{label}: senza target nell'anno, escluso dalla media").format(label=part.label)

Alone, `_` returns the Italian text unchanged. The application installs Django's gettext
at start-up (`install`), so the same call gives the English text to an English reader;
the catalogue lives in core/locale (built by `makemessages` from these `_` calls).
Texts defined at import time (class attributes, constants) are marked with `N_`, which
only marks them for the catalogue, and translated with `_` where they are shown.
"""

from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str


def _(message: str) -> str:
    """`message` (Italian) in the language of the moment."""
    return _translate(message)


def N_(message: str) -> str:
    """Marks `message` for the catalogue; translated later with `_`."""
    return message


def install(translate: Callable[[str], str]) -> None:
    """Translate with `translate` from now on (the application passes Django's gettext)."""
    global _translate
    _translate = translate
