"""Shared fixtures: the 2019 demo cycle in the database, with one demo user per role.

`demo` loads the cycle once for all the tests that use it and gives every test its own
transaction on top of it, rolled back at the end. The load itself happens inside an outer
transaction that is never committed: the tests that use the demo are run one after the
other (see `pytest_collection_modifyitems`), and after the last of them the outer
transaction is rolled back, so that every other test starts from an empty database, as
before. Tests that need real commits (browser tests with `live_server`) load the demo
themselves with `load_demo_cycle()`.

Passwords are hashed with MD5 in tests (Django's advice for test suites): the demo users
and every login would otherwise cost a full PBKDF2 round each (over a second here).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation

from traguardo.demo.fixture import load_cycle
from traguardo.demo.importer import import_cycle
from traguardo.demo.relazione import ensure_content
from traguardo.demo.users import DEMO_PASSWORD, create_demo_users
from traguardo.plans.models import Cycle


def load_demo_cycle(state: str = "monitoring") -> Cycle:
    """Import the 2019 demo cycle, create the demo users and put the cycle in `state`."""
    cycle = import_cycle(load_cycle(2019))
    ensure_content(cycle)  # the Relazione's narratives, as `traguardo load-demo` stores them
    create_demo_users(cycle.entity)
    Cycle.objects.filter(pk=cycle.pk).update(state=state)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


class _SharedDemo:
    """The demo loaded once inside an outer, never committed transaction."""

    def __init__(self) -> None:
        self.atomic: Any = None
        self.pk: int | None = None
        self.blocker: Any = None

    def ensure(self, blocker: Any) -> int:
        if self.pk is None:
            self.blocker = blocker
            with blocker.unblock():
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                # As for Django's TestCase atomics: a durable atomic block inside the
                # tests' own transactions is allowed.
                self.atomic._from_testcase = True
                try:
                    self.pk = load_demo_cycle().pk
                except BaseException:
                    self.discard()
                    raise
        return self.pk

    def discard(self) -> None:
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None
        self.pk = None


_shared_demo = _SharedDemo()


def _uses_demo(item: pytest.Item) -> bool:
    return "_demo_module" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that use the demo one after the other, where pytest-django put the
    first of them (among the tests in a transaction that is rolled back): the demo is
    loaded once for all of them. The relative order of every other test is unchanged."""
    demo_items = [item for item in items if _uses_demo(item)]
    if not demo_items:
        return
    first = items.index(demo_items[0])
    others = [item for item in items if not _uses_demo(item)]
    items[:] = others[:first] + demo_items + others[first:]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    # After the test's own fixtures are gone: leaving the tests that use the demo, roll it
    # back so that the next test finds an empty database.
    if _shared_demo.pk is not None and (nextitem is None or not _uses_demo(nextitem)):
        _shared_demo.discard()
    return result


@pytest.fixture(scope="module")
def _demo_module(django_db_setup: Any, django_db_blocker: Any) -> int:
    """The pk of the shared demo cycle (loaded on first use)."""
    return _shared_demo.ensure(django_db_blocker)


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


@pytest.fixture(autouse=True)
def _italian_by_default() -> Iterator[None]:
    """A request in English leaves English active in the test's thread (Django activates
    the language per request and does not reset it): every test starts in Italian."""
    translation.activate("it")
    yield
    translation.activate("it")
