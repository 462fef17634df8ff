"""Issue 15, points 9 and 14: sign-in lock behind a proxy, CSP, API tokens, passwords,
demo users, backups."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.world import World
from traguardo.accounts.models import SignInFailure

pytestmark = pytest.mark.django_db

PASSWORD = "traguardo-demo"
LOGIN = "/accesso/entra/"


def _sign_in(client: Client, username: str, password: str, **extra: Any) -> str:
    response = client.post(LOGIN, {"username": username, "password": password}, **extra)
    return "signed in" if response.status_code == 302 else response.content.decode()


# -- point 9: the sign-in lock -------------------------------------------------------


def test_failures_from_elsewhere_do_not_lock_out_the_owner_of_the_account(
    world: World, settings: Any
) -> None:
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 5
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(60):  # more than the address limit too
        assert _sign_in(Client(), "ufficio", "sbagliata", **attacker) != "signed in"
    assert "Troppi tentativi" in _sign_in(Client(), "ufficio", PASSWORD, **attacker)
    office = {"REMOTE_ADDR": "198.51.100.7"}
    assert _sign_in(Client(), "ufficio", PASSWORD, **office) == "signed in"
    # the owner's success does not clear the attacker's count
    assert "Troppi tentativi" in _sign_in(Client(), "ufficio", PASSWORD, **attacker)


def test_behind_the_proxy_a_forged_forwarded_header_is_not_the_address(
    world: World, settings: Any
) -> None:
    """docs/deploy.md's nginx overwrites X-Forwarded-For with $remote_addr: the address is
    the proxy's word, whatever the client sent."""
    settings.TRAGUARDO_BEHIND_PROXY = True
    settings.TRAGUARDO_LOGIN_MAX_FAILURES = 2
    for _ in range(3):
        # nginx replaces the client's header: what reaches Django is only the real address
        _sign_in(Client(), "po", "sbagliata", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert set(SignInFailure.objects.values_list("address", flat=True)) == {"203.0.113.9"}
    assert "Troppi tentativi" in _sign_in(
        Client(), "po", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert _sign_in(Client(), "po", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7") == "signed in"


def test_the_documented_nginx_block_overwrites_x_forwarded_for() -> None:
    from pathlib import Path

    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    block = deploy.split("```nginx", 1)[1].split("```", 1)[0]
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in block
    assert "$proxy_add_x_forwarded_for" not in block  # that would keep the forged part
