"""Shared fixtures: the 2019 demo cycle in the database, with one demo user per role.

`demo` loads the cycle once per test module (0.7 s) and gives every test its own
transaction on top of it, rolled back at the end; the module's data is flushed afterwards
so that other modules start from an empty database. Tests that need real commits
(browser tests with `live_server`) load the demo themselves with `load_demo_cycle()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from traguardo.accounts.demo_users import DEMO_PASSWORD, create_demo_users
from traguardo.demo.fixture import load_cycle
from traguardo.plans.importer import import_cycle
from traguardo.plans.models import Cycle


def load_demo_cycle(state: str = "monitoring") -> Cycle:
    """Import the 2019 demo cycle, create the demo users and put the cycle in `state`."""
    cycle = import_cycle(load_cycle(2019))
    create_demo_users(cycle.entity)
    Cycle.objects.filter(pk=cycle.pk).update(state=state)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture(scope="module")
def _demo_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[int]:
    with django_db_blocker.unblock():
        cycle = load_demo_cycle()
    yield cycle.pk
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(_demo_module: int, db: None) -> Cycle:
    """The 2019 demo cycle (state: monitoring), demo users included."""
    return Cycle.objects.select_related("entity").get(pk=_demo_module)


@pytest.fixture
def client_as(demo: Cycle) -> Callable[[str], Client]:
    """`client_as("po")`: a test client signed in as one of the demo users."""

    def make(username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        return client

    return make
