"""Failed sign-ins slow down password guessing: the page, the admin and the API's token."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.world import World
from traguardo.accounts.models import SignInFailure

pytestmark = pytest.mark.django_db

PASSWORD = "traguardo-demo"
LOGIN = "/accesso/entra/"


def _sign_in(client: Client, username: str, password: str, **extra: Any) -> str:
    response = client.post(LOGIN, {"username": username, "password": password}, **extra)
    if response.status_code == 302:
        return "signed in"
    return response.content.decode()


def _fail(client: Client, username: str, times: int, **extra: Any) -> None:
    for _ in range(times):
        assert _sign_in(client, username, "sbagliata", **extra) != "signed in"


def test_five_failures_lock_the_username_even_with_the_right_password(
    world: World, settings: Any
) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 5
    settings.TRAGUARDO_LOGIN_LOCK_MINUTES = 15
    _fail(Client(), "po", 4)
    assert _sign_in(Client(), "po", PASSWORD) == "signed in"  # a success clears the count
    _fail(Client(), "po", 5)
    page = _sign_in(Client(), "po", PASSWORD)
    assert "Troppi tentativi di accesso non riusciti: riprova tra 15 minuti." in page
    assert _sign_in(Client(), "po2", PASSWORD) == "signed in"  # other users are not locked


def test_the_lock_ends_when_the_failures_are_older_than_the_lock_time(
    world: World, settings: Any
) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 3
    settings.TRAGUARDO_LOGIN_LOCK_MINUTES = 10
    _fail(Client(), "po", 3)
    assert "riprova tra 10 minuti" in _sign_in(Client(), "po", PASSWORD)
    # the oldest failure is now 9 minutes old: one minute left
    oldest = SignInFailure.objects.order_by("at").first()
    assert oldest is not None
    oldest.at = timezone.now() - datetime.timedelta(minutes=9)
    oldest.save()
    assert "riprova tra 1 minuto." in _sign_in(Client(), "po", PASSWORD)
    oldest.at = timezone.now() - datetime.timedelta(minutes=11)
    oldest.save()
    assert _sign_in(Client(), "po", PASSWORD) == "signed in"


def test_unknown_usernames_are_locked_like_real_ones(world: World, settings: Any) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 2
    _fail(Client(), "nessuno", 2)
    assert "Troppi tentativi" in _sign_in(Client(), "nessuno", "x")
    assert "Troppi tentativi" in _sign_in(Client(), "NESSUNO", "x")  # any case


def test_one_address_trying_many_usernames_is_locked(world: World, settings: Any) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 1  # an address gets ten times as many
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(10):
        _fail(Client(), f"utente{n}", 1, **attacker)
    assert "Troppi tentativi" in _sign_in(Client(), "po", PASSWORD, **attacker)
    assert _sign_in(Client(), "po", PASSWORD, REMOTE_ADDR="198.51.100.7") == "signed in"


def test_behind_the_proxy_the_address_it_added_counts(world: World, settings: Any) -> None:
    settings.TRAGUARDO_BEHIND_PROXY = True
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 1
    for n in range(10):
        # the client writes any X-Forwarded-For it likes; the proxy appends the real address
        forged = {"HTTP_X_FORWARDED_FOR": f"10.0.0.{n}, 203.0.113.9", "REMOTE_ADDR": "10.1.1.1"}
        _fail(Client(), f"utente{n}", 1, **forged)
    assert set(SignInFailure.objects.values_list("address", flat=True)) == {"203.0.113.9"}
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.1.1.1"}
    assert _sign_in(Client(), "po", PASSWORD, **colleague) == "signed in"


def test_the_admin_sign_in_obeys_the_same_lock(world: World, settings: Any) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        Client().post("/admin/login/", {"username": "ufficio", "password": "sbagliata"})
    page = Client().post("/admin/login/", {"username": "ufficio", "password": PASSWORD})
    assert page.status_code == 200
    assert "Troppi tentativi di accesso non riusciti" in page.content.decode()


def test_the_api_token_answers_429_with_retry_after(world: World, settings: Any) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 2
    api = APIClient()
    for _ in range(2):
        wrong = api.post("/api/v1/token/", {"username": "po", "password": "x"}, format="json")
        assert wrong.status_code == 400
    locked = api.post("/api/v1/token/", {"username": "po", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    # the web page shares the count
    assert "Troppi tentativi" in _sign_in(Client(), "po", PASSWORD)


def test_the_english_page_says_it_in_english(world: World, settings: Any) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 1
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    _fail(client, "po", 1)
    assert "Too many failed sign-in attempts: try again in 15 minutes." in _sign_in(
        client, "po", PASSWORD
    )
