"""Helpers of the API tests: clients with a user's token, indicators by code.

The API's contract on the demo's figures is tested on the demo (`demo`); the rest on the
small world (`world`): these helpers serve both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api_clients import api_client
from traguardo.api.scores import indicator_keys
from traguardo.plans.models import Cycle, Indicator


@pytest.fixture
def api_as(db: None) -> Callable[[str], APIClient]:
    """`api_as("po")`: a client sending the token of the user of that name (from `world` or
    `demo`, whichever the test uses); `api_as("")`: anonymous."""

    return api_client


@pytest.fixture
def indicator_by_key(request: pytest.FixtureRequest) -> Callable[[str], Indicator]:
    """The indicator with a contract key: "2.1/1#1" (objective row) or "B14", in the demo's
    cycle if the test uses the demo, else in the world's."""
    if "_demo_module" in request.fixturenames:
        cycle: Cycle = request.getfixturevalue("demo")
    else:
        cycle = request.getfixturevalue("world").cycle
    keys = {key: pk for pk, key in indicator_keys(cycle).items()}

    def find(key: str) -> Indicator:
        return Indicator.objects.get(pk=keys[key])

    return find


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an error with the API's one JSON shape; returns its `error`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["fields"], dict), error
    if code is not None:
        assert error["code"] == code, error
    return dict(error)
