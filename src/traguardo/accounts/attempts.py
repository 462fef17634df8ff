"""Failed sign-ins slow down password guessing: after TRAGUARDO_LOGIN_MAX_FAILURES failures
for one username from one address within TRAGUARDO_LOGIN_LOCK_MINUTES, that username cannot
sign in from that address until the oldest of them is that old; one address gets ten times as
many failures, whatever the usernames (a whole office may share it behind NAT).

The lock is per username AND address: failures made by someone else, elsewhere, never lock
out the owner of an account who signs in with the right password from their own address
(otherwise anyone could lock out `ufficio` at will). Behind a reverse proxy the address is
the one the proxy writes in X-Forwarded-For (docs/deploy.md overwrites the header).

The same rule holds for the sign-in page, the admin's and the API's token endpoint. Failures
are rows in the database, so every server process sees the same count, and the lock holds
whether or not the username exists (the answer reveals nothing about accounts). A locked
attempt does not check the password at all.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest
from django.utils import timezone

from traguardo.accounts.models import SignInFailure

ADDRESS_FACTOR = 10


def client_address(request: HttpRequest | None) -> str:
    """The client's IP: behind our own reverse proxy (TRAGUARDO_BEHIND_PROXY) the last
    address of X-Forwarded-For, the one the proxy added; the others are the client's word."""
    if request is None:
        return ""
    if settings.TRAGUARDO_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return str(forwarded).split(",")[-1].strip()[:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TRAGUARDO_LOGIN_LOCK_MINUTES)


def _wait(failures: list[datetime.datetime], allowed: int, now: datetime.datetime) -> int:
    if len(failures) < allowed:
        return 0
    # Locked until the oldest failure that keeps the count at the limit leaves the window.
    unlock = sorted(failures)[len(failures) - allowed] + _window()
    return max(1, math.ceil((unlock - now).total_seconds()))


def seconds_locked(username: str, request: HttpRequest | None) -> int:
    """0 when `username` may try to sign in from this request's address, else how long
    (in seconds) until it may."""
    now = timezone.now()
    recent = SignInFailure.objects.filter(at__gt=now - _window())
    allowed = settings.TRAGUARDO_LOGIN_MAX_FAILURES
    address = client_address(request)
    wait = _wait(
        list(
            recent.filter(username=username.strip().lower(), address=address).values_list(
                "at", flat=True
            )
        ),
        allowed,
        now,
    )
    if address:
        wait = max(
            wait,
            _wait(
                list(recent.filter(address=address).values_list("at", flat=True)),
                allowed * ADDRESS_FACTOR,
                now,
            ),
        )
    return wait


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    now = timezone.now()
    SignInFailure.objects.create(
        username=str(credentials.get("username", "")).strip().lower()[:150],
        address=client_address(request),
        at=now,
    )
    # Old rows are of no use: keep the table small.
    SignInFailure.objects.filter(at__lt=now - 4 * _window()).delete()


def succeeded(username: str, request: HttpRequest | None = None) -> None:
    """A right password: the username's failures from this address no longer count (those
    made elsewhere, perhaps by someone guessing, still do)."""
    SignInFailure.objects.filter(
        username=username.strip().lower(), address=client_address(request)
    ).delete()


def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    succeeded(user.get_username(), request)


def connect() -> None:
    user_login_failed.connect(_failed, dispatch_uid="traguardo.accounts.attempts:failed")
    user_logged_in.connect(_signed_in, dispatch_uid="traguardo.accounts.attempts:signed_in")
