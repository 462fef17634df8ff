"""The core's messages (explanations, refusals) have an English translation each, with the
same `{fields}`, and the application shows them in the reader's language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from django.utils import translation

import traguardo.core
from traguardo.core.i18n import _

CORE = Path(traguardo.core.__file__).parent
CATALOGUE = CORE / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n?)+)')


def _messages() -> dict[str, str]:
    """Every literal passed to `_` or `N_` in the core, with where it is."""
    found: dict[str, str] = {}
    for path in sorted(CORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


def _catalogue() -> dict[str, str]:
    def text(block: str) -> str:
        return "".join(ast.literal_eval(line) for line in block.strip().splitlines())

    entries = ENTRY.findall(CATALOGUE.read_text(encoding="utf-8"))
    return {text(msgid): text(msgstr) for msgid, msgstr in entries if text(msgid)}


def _fields(message: str) -> set[str]:
    return {name for _t, name, _s, _c in string.Formatter().parse(message) if name is not None}


def test_the_core_has_messages_to_translate() -> None:
    assert len(_messages()) > 100  # the loop found the calls


def test_every_message_of_the_core_has_an_english_translation_with_its_fields() -> None:
    catalogue = _catalogue()
    missing = [
        f"{where} {message!r}"
        for message, where in _messages().items()
        if not catalogue.get(message)
    ]
    assert missing == []
    wrong = [m for m, english in catalogue.items() if _fields(m) != _fields(english)]
    assert wrong == []


def test_the_compiled_catalogue_is_the_one_in_use() -> None:
    with translation.override("en"):
        stale = [m for m, english in _catalogue().items() if _(m) != english]
    assert stale == []
    with translation.override("it"):
        assert all(_(m) == m for m in _messages())
