"""Property-based tests of the API against its committed OpenAPI schema (Schemathesis).

Schemathesis generates requests for every operation of docs/openapi.yaml — valid and
invalid ones — and sends them to the Django WSGI application, authenticated with a demo
user's token. No request may cause a server error, and every documented response must
match its schema. Examples are few and derandomized: the run is the same in CI each time
and stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from traguardo.api import tokens
from traguardo.api.schema import SCHEMA_FILE
from traguardo.api.scores import indicator_keys
from traguardo.monitoring.models import Period
from traguardo.plans.models import Cycle
from traguardo.project.wsgi import application

schema = schemathesis.openapi.from_path(SCHEMA_FILE)

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_connection_recycling() -> Iterator[None]:
    """The real WSGI handler closes the database connection at the end of each request when
    it is inside a transaction (the test's, here); Django's test client disconnects it too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def context(demo: Cycle, no_connection_recycling: None) -> dict[str, Any]:
    """A PO's token, an open period to write in, and real ids to aim at."""
    Period.objects.filter(cycle=demo, code="31.12").update(closed=False)
    token, _row = tokens.issue(get_user_model().objects.get(username="po"))
    keys = {key: pk for pk, key in indicator_keys(demo).items()}
    return {
        "token": token,
        # Random ids would only ever meet 404s: most examples are mapped onto the demo's
        # rows (an indicator PO-2.1 may write, one they may not, an entity indicator).
        "cycles": [demo.pk, demo.pk + 10_000],
        "indicators": [keys["2.1/1#1"], keys["3.1/1#1"], keys["B14"], max(keys.values()) + 10_000],
    }


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails(case: Any, context: dict[str, Any]) -> None:
    identifier = (case.path_parameters or {}).get("id")
    if isinstance(identifier, str) and identifier.isascii() and identifier.isdigit():
        identifier = int(identifier)
    if isinstance(identifier, int) and not isinstance(identifier, bool) and identifier >= 0:
        pool = context["indicators" if "/indicators/" in case.path else "cycles"]
        case.path_parameters["id"] = pool[identifier % len(pool)]
    response = case.call(app=application, headers={"Authorization": f"Token {context['token']}"})
    case.validate_response(
        response,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
