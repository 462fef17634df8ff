"""A password validator that knows the context: the administration and Traguardo itself.

Django's validators (AUTH_PASSWORD_VALIDATORS) refuse short, numeric and common passwords
and those too similar to the username or the person's name. This one also refuses a password
that contains, accents, case and punctuation aside, the username, the administration's name
or one of its distinctive words ("Comune di Roccabella" -> "roccabella"), or words everyone
would try first here ("traguardo", "performance").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from traguardo.organisation.models import Entity

# Words of an administration's name that say nothing about it.
COMMON_WORDS = frozenset(
    {
        "comune",
        "provincia",
        "regione",
        "citta",
        "metropolitana",
        "unione",
        "comuni",
        "ente",
        "azienda",
        "agenzia",
        "camera",
        "commercio",
        "della",
        "delle",
        "degli",
        "dello",
        "nazionale",
        "istituto",
        "universita",
        "studi",
    }
)
OBVIOUS = ("traguardo", "performance", "password", "cambiami")
MIN_WORD = 4


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.lower())


def _entity_words(user: Any) -> set[str]:
    entities = Entity.objects.all()
    if user is not None and getattr(user, "pk", None):
        own = entities.filter(memberships__user=user)
        if own.exists():
            entities = own
    words: set[str] = set()
    for name, short in entities.values_list("name", "short_name")[:50]:
        for text in (name, short):
            if fold(text) and len(fold(text)) >= MIN_WORD:
                words.add(fold(text))
            for word in re.split(r"[\s'’\-/,.]+", text or ""):
                folded = fold(word)
                if len(folded) >= MIN_WORD and folded not in COMMON_WORDS:
                    words.add(folded)
    return words


class ContextPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        folded = fold(password)
        username = fold(getattr(user, "username", "") or "") if user is not None else ""
        if len(username) >= 3 and username in folded:
            raise ValidationError(
                _("La password non può contenere il nome utente."), code="password_has_username"
            )
        for word in sorted(_entity_words(user)):
            if word in folded:
                raise ValidationError(
                    _(
                        "La password non può contenere il nome dell'amministrazione "
                        "(«%(word)s»): è la prima cosa che si prova."
                    )
                    % {"word": word},
                    code="password_has_entity",
                )
        for word in OBVIOUS:
            if word in folded:
                raise ValidationError(
                    _("La password non può contenere «%(word)s»: è troppo facile da indovinare.")
                    % {"word": word},
                    code="password_obvious",
                )

    def get_help_text(self) -> str:
        return _(
            "La password non può contenere il nome utente, il nome dell'amministrazione "
            "né parole come «traguardo» o «performance»."
        )
