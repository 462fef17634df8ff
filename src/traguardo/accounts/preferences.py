"""A user's preferred language: remembered from the language switch, used for e-mails."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from traguardo.accounts.models import Preference

DEFAULT_LANGUAGE = "it"


def is_language(code: str) -> bool:
    return code in {c for c, _name in settings.LANGUAGES}


def preferred_language(user: Any) -> str:
    """The user's language, Italian if they never chose one."""
    try:
        preference: Preference = user.preference
    except (Preference.DoesNotExist, AttributeError):
        return DEFAULT_LANGUAGE
    return preference.language if is_language(preference.language) else DEFAULT_LANGUAGE


def remember_language(user: Any, code: str) -> None:
    """Store `code` as the language of a signed-in user (unknown codes are ignored)."""
    if not getattr(user, "is_authenticated", False) or not is_language(code):
        return
    Preference.objects.update_or_create(user=user, defaults={"language": code})
