"""The sign-in forms (the application's and the admin's), refusing usernames locked by too
many failed attempts before checking their password (accounts.attempts)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext

from django import forms
from traguardo.accounts import attempts


def locked_message(seconds: int) -> str:
    n = attempts.minutes(seconds)
    return ngettext(
        "Troppi tentativi di accesso non riusciti: riprova tra %(n)s minuto.",
        "Troppi tentativi di accesso non riusciti: riprova tra %(n)s minuti.",
        n,
    ) % {"n": n}


class SignInForm(AuthenticationForm):
    locked = ""  # the message when the username or the address is locked

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            seconds = attempts.seconds_locked(username, self.request)
            if seconds:
                self.locked = locked_message(seconds)
                raise forms.ValidationError(self.locked, code="locked")
        return super().clean()


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    pass
