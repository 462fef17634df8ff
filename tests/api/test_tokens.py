"""Token authentication: get one's token (endpoint or command), use it, revoke it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.world import World

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def get_token(username: str, password: str = "traguardo-demo") -> str:
    response = APIClient().post(
        "/api/v1/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["username"] == username
    token: str = response.json()["token"]
    return token


def test_token_from_the_endpoint_reads_the_plan(world: World) -> None:
    old = get_token("po")
    token = get_token("po")
    assert token != old  # a new token replaces the old one (rotation)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/v1/cycles/{world.cycle.pk}/tree/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert_error(client.get(f"/api/v1/cycles/{world.cycle.pk}/tree/"), 401, "authentication_failed")


def test_wrong_password_gets_no_token(world: World) -> None:
    response = APIClient().post(
        "/api/v1/token/", {"username": "po", "password": "sbagliata"}, format="json"
    )
    error = assert_error(response, 400, "invalid_credentials")
    assert "password" in error["message"]
    missing = APIClient().post("/api/v1/token/", {"username": "po"}, format="json")
    assert set(assert_error(missing, 400, "invalid")["fields"]) == {"password"}


def test_revoked_token_no_longer_works(world: World) -> None:
    token = get_token("oiv")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete("/api/v1/token/").status_code == 204
    assert_error(client.get("/api/v1/cycles/"), 401, "authentication_failed")
    assert get_token("oiv") != token


def test_revoking_needs_authentication(world: World) -> None:
    assert_error(APIClient().delete("/api/v1/token/"), 401, "not_authenticated")


def test_command_prints_a_new_token_that_works(world: World) -> None:
    out = StringIO()
    call_command("api_token", "segretario", stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert client.get("/api/v1/cycles/").status_code == 200
    reset = StringIO()
    call_command("api_token", "segretario", "--reset", stdout=reset)
    assert reset.getvalue().strip() != out.getvalue().strip()
    assert_error(client.get("/api/v1/cycles/"), 401, "authentication_failed")
    with pytest.raises(CommandError, match="nessuno"):
        call_command("api_token", "nessuno")
