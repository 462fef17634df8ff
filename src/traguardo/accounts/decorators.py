"""View decorators that turn a permission check into 302 (not signed in) or 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from traguardo.accounts.permissions import is_member

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Signed in and holding at least one role; otherwise login page or 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_member(request.user):
            raise PermissionDenied("Il tuo utente non ha un ruolo nel ciclo della performance.")
        return view(request, *args, **kwargs)

    return wrapper


def check(allowed: bool, message: str = "Operazione non consentita al tuo ruolo.") -> None:
    """Raise 403 unless `allowed`; call after loading the object the check is about."""
    if not allowed:
        raise PermissionDenied(message)
