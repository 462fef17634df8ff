"""Every error of the API has one JSON shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.world import World

from .conftest import assert_error

pytestmark = pytest.mark.django_db

Api = Callable[[str], APIClient]


def test_400_bad_filter_names_the_field(world: World, api_as: Api) -> None:
    response = api_as("po").get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"block": "dieci"})
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["block"]
    assert error["message"].startswith("block: ")


def test_400_malformed_json(world: World, api_as: Api) -> None:
    url = f"/api/v1/indicators/{world.indicator('2.1/2', 1).pk}/measurements/"
    response = api_as("po").post(url, "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_401_with_a_wrong_token(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert_error(client.get("/api/v1/cycles/"), 401, "authentication_failed")


def test_404_for_unknown_objects(world: World, api_as: Api) -> None:
    client = api_as("po")
    assert_error(client.get("/api/v1/cycles/999999/"), 404, "not_found")
    assert_error(client.get("/api/v1/indicators/999999/"), 404, "not_found")
    assert_error(client.get("/api/v1/cycles/999999/score/"), 404, "not_found")


def test_404_for_unknown_api_urls_is_json(world: World) -> None:
    client = Client()
    for url in ("/api/v1/nothing/", "/api/v2/cycles/", "/api/", "/api/v1/cycles/abc/"):
        error = assert_error(client.get(url), 404, "not_found")
        assert url in error["message"]


def test_405_method_not_allowed(world: World, api_as: Api) -> None:
    response = api_as("ufficio").delete(f"/api/v1/cycles/{world.cycle.pk}/")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_406_not_acceptable(world: World, api_as: Api) -> None:
    response = api_as("po").get("/api/v1/cycles/", HTTP_ACCEPT="text/html")
    assert_error(response, 406, "not_acceptable")


def test_415_unsupported_media_type(world: World, api_as: Api) -> None:
    response = api_as("po").post(
        f"/api/v1/indicators/{world.indicator('2.1/2', 1).pk}/measurements/",
        "period=31.12",
        content_type="text/plain",
    )
    assert_error(response, 415, "unsupported_media_type")


def test_500_is_json_and_says_nothing_of_the_internals(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("traguardo.api.views.plan_score", broken)
    client = Client(raise_request_exception=False)
    client.login(username="po", password="traguardo-demo")
    response = client.get(f"/api/v1/cycles/{world.cycle.pk}/score/")
    error = assert_error(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert error["fields"] == {}


def test_pages_outside_the_api_keep_their_html_errors(world: World) -> None:
    response = Client().get("/pagina-che-non-esiste/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_errors_speak_english_when_asked(world: World, api_as: Api) -> None:
    response = api_as("po").get("/api/v1/cycles/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert assert_error(response, 404, "not_found")["message"] == "No cycle with id 999999."
    italian = api_as("po").get("/api/v1/cycles/999999/", HTTP_ACCEPT_LANGUAGE="it")
    assert assert_error(italian, 404)["message"] == "Nessun ciclo con id 999999."


def test_out_of_range_and_odd_filter_values_are_400_not_500(world: World, api_as: Api) -> None:
    client = api_as("po")
    for params in ({"year": "1e5"}, {"year": "99999999999999999999"}, {"year": "-1"}):
        response = client.get("/api/v1/cycles/", params)
        assert list(assert_error(response, 400, "invalid")["fields"]) == ["year"]
    huge = client.get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"block": str(10**30)})
    assert_error(huge, 400, "invalid")
    too_long = client.get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"objective": "9" * 40})
    assert list(assert_error(too_long, 400, "invalid")["fields"]) == ["objective"]
    for odd in ("2.1/²", "2.1/" + "9" * 20, "2.1", "/"):
        response = client.get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"objective": odd})
        assert response.status_code == 200 and response.json()["count"] == 0, odd
    assert_error(client.get(f"/api/v1/cycles/{10**30}/"), 404, "not_found")
