"""Shared fixtures: the 2019 demo cycle in the database, with one demo user per role.

`demo` loads the cycle once for all the tests that use it and gives every test its own
transaction on top of it, rolled back at the end. The load itself happens inside an outer
transaction that is never committed (Django's `TestCase` class-level transaction, opened
and rolled back through its public `setUpClass`/`tearDownClass`): the tests that use the
demo are run one after the other (see `pytest_collection_modifyitems`), and after the last
of them the outer transaction is rolled back, so that every other test starts from an
empty database, as before.

The demo is for acceptance tests (fidelity, Relazione, browser, the demo itself); unit
tests build the few rows they need with tests/factories.py, or take `world`, a miniature
of the demo (tests/world.py). Tests that need real commits (browser tests with
`live_server`) load the demo themselves with `load_demo_cycle()`.

Passwords are hashed with MD5 in tests (Django's advice for test suites): the demo users
and every login would otherwise cost a full PBKDF2 round each (over a second here).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.utils import translation

from tests.world import SECOND_WORLD, World, build_world
from traguardo.core.results import PlanScore
from traguardo.demo.fixture import load_cycle
from traguardo.demo.importer import import_cycle
from traguardo.demo.relazione import ensure_content
from traguardo.demo.users import DEMO_PASSWORD, create_demo_users
from traguardo.plans.models import Cycle
from traguardo.scoring.lifecycle import ensure_snapshot


def load_demo_cycle(state: str = "monitoring") -> Cycle:
    """Import the 2019 demo cycle, create the demo users and put the cycle in `state`."""
    # A shared demo is built before the first test that asks for it, so before that test's
    # own cache reset (_empty_cache): its snapshot must not be scored from what an earlier
    # test on this worker left in the cache or in the process's snapshot memo.
    from django.core.cache import cache

    from traguardo.scoring import snapshots

    cache.clear()
    snapshots._local.clear()
    cycle = import_cycle(load_cycle(2019))
    ensure_content(cycle)  # the Relazione's narratives, as `traguardo load-demo` stores them
    create_demo_users(cycle.entity)
    Cycle.objects.filter(pk=cycle.pk).update(state=state)
    cycle.refresh_from_db()
    # A closed cycle shows its stored scores, as if closed through lifecycle.change_state.
    ensure_snapshot(cycle, "Ciclo dimostrativo")
    return cycle


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


class _SharedRows(TestCase):
    """Django's own class-level test transaction, through its public API: `setUpClass()`
    opens it and runs `setUpTestData()` (which writes the shared rows) inside it,
    `tearDownClass()` rolls it back. pytest-django drives every test's own transaction the
    same way. `rows` is what the tests get (a pk, or the small world)."""

    databases = frozenset({"default"})
    rows: Any


class _DemoRows(_SharedRows):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.rows = load_demo_cycle().pk


class _WorldRows(_SharedRows):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.rows = build_world()


class _TwoWorldsRows(_SharedRows):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.rows = (build_world(), build_world(**SECOND_WORLD))


class _Shared:
    """Rows written once inside an outer, never committed transaction, for all the tests
    that request `fixture` (run one after the other, see pytest_collection_modifyitems)."""

    def __init__(self, fixture: str, case: type[_SharedRows]) -> None:
        self.fixture = fixture
        self.case = case
        self.loaded = False
        self.blocker: Any = None

    def ensure(self, blocker: Any) -> Any:
        if not self.loaded:
            self.blocker = blocker
            with blocker.unblock():
                self.case.setUpClass()  # rolls back by itself if the load fails
            self.loaded = True
        return self.case.rows

    def discard(self) -> None:
        if not self.loaded:
            return
        with self.blocker.unblock():
            self.case.tearDownClass()
            self.case.doClassCleanups()
        self.loaded = False


_SHARED = [
    _Shared("_demo_module", _DemoRows),
    _Shared("_world_module", _WorldRows),
    _Shared("_two_worlds_module", _TwoWorldsRows),
]


def _shared_of(item: pytest.Item) -> _Shared | None:
    names = getattr(item, "fixturenames", ())
    return next((shared for shared in _SHARED if shared.fixture in names), None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--demo-count",
        action="store_true",
        help="after collection, print how many tests per folder use the 2019 demo",
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """`pytest --collect-only -q --demo-count`: the demo is for acceptance tests only;
    this shows where it is still used."""
    if not session.config.getoption("--demo-count"):
        return
    total: dict[str, int] = {}
    demo: dict[str, int] = {}
    for item in session.items:
        folder = item.nodeid.split("/")[1] if item.nodeid.count("/") > 1 else "tests"
        total[folder] = total.get(folder, 0) + 1
        names = getattr(item, "fixturenames", ())
        if "_demo_module" in names or "live_demo" in names:
            demo[folder] = demo.get(folder, 0) + 1
    for folder in sorted(total):
        print(f"demo used by {demo.get(folder, 0):4} of {total[folder]:4} tests in {folder}")
    print(f"demo used by {sum(demo.values()):4} of {sum(total.values()):4} tests in all")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that use the demo one after the other, where pytest-django put the
    first of them (among the tests in a transaction that is rolled back), and likewise the
    tests that use the small world: each is written once for all of its tests. The
    relative order of every other test is unchanged."""
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        shared = _shared_of(item)
        if shared is not None:
            groups.setdefault(shared.fixture, []).append(item)
    ordered: list[pytest.Item] = []
    for item in items:
        shared = _shared_of(item)
        if shared is None:
            ordered.append(item)
        elif groups[shared.fixture][0] is item:
            ordered.extend(groups[shared.fixture])
    items[:] = ordered


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    # After the test's own fixtures are gone: leaving the tests that share rows, roll them
    # back so that the next test finds an empty database.
    following = _shared_of(nextitem) if nextitem is not None else None
    for shared in _SHARED:
        if shared.loaded and shared is not following:
            shared.discard()
    return result


@pytest.fixture(scope="module")
def _demo_module(django_db_setup: Any, django_db_blocker: Any) -> int:
    """The pk of the shared demo cycle (loaded on first use)."""
    pk: int = _SHARED[0].ensure(django_db_blocker)
    return pk


@dataclass(frozen=True)
class DemoRelazione:
    """The 2019 demo's Relazione as the office downloads it, and the score it was made from."""

    cycle_pk: int
    pdf: bytes
    docx: bytes
    score: PlanScore


@pytest.fixture(scope="session")
def demo_relazione(django_db_setup: Any, django_db_blocker: Any) -> DemoRelazione:
    """The heavy documents (the PDF takes most of a minute here), generated once per test
    session for every test that reads them back. Request it from a test that also uses the
    demo (`_demo_module`), so that it runs among the demo's tests."""
    from traguardo.reports.relazione.generate import generate
    from traguardo.scoring.services import score_cycle

    pk = _SHARED[0].ensure(django_db_blocker)
    with django_db_blocker.unblock():
        cycle = Cycle.objects.select_related("entity").get(pk=pk)
        return DemoRelazione(
            cycle_pk=pk,
            pdf=generate(cycle, "pdf").content,
            docx=generate(cycle, "docx").content,
            score=score_cycle(cycle, explain=False),
        )


@pytest.fixture(scope="module")
def _world_module(django_db_setup: Any, django_db_blocker: Any) -> World:
    """The shared small world (built on first use)."""
    world: World = _SHARED[1].ensure(django_db_blocker)
    return world


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


@pytest.fixture
def world(_world_module: World, db: None) -> World:
    """A small plan built with factories (tests/world.py): the demo's shape, its usernames
    and codes, in about fifty rows. For unit tests; the demo is for acceptance tests.
    Written once, like the demo; each test gets its own copy of the Python objects (as
    Django's setUpTestData does) and its own transaction, rolled back."""
    return copy.deepcopy(_world_module)


@pytest.fixture(scope="module")
def _two_worlds_module(django_db_setup: Any, django_db_blocker: Any) -> tuple[World, World]:
    """The shared pair of small worlds (built on first use)."""
    pair: tuple[World, World] = _SHARED[2].ensure(django_db_blocker)
    return pair


@pytest.fixture
def two_worlds(_two_worlds_module: tuple[World, World], db: None) -> tuple[World, World]:
    """Two administrations of the same shape (tests/world.py): the world's and a second one
    (`SECOND_WORLD`: "Comune di Altrove", users b_ufficio, b_po, ..., objectives «Attività
    ...»), for the isolation tests. Written once, like `world`."""
    return copy.deepcopy(_two_worlds_module)


@pytest.fixture
def sign_in(db: None) -> Callable[[str], Client]:
    """`sign_in("po")`: a test client signed in (through the sign-in form's backend) as the
    user of that name, from `world` or from factories."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


@pytest.fixture(autouse=True)
def _italian_by_default() -> Iterator[None]:
    """A request in English leaves English active in the test's thread (Django activates
    the language per request and does not reset it): every test starts in Italian."""
    translation.activate("it")
    yield
    translation.activate("it")


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Every test starts with an empty cache. Scores are cached by cycle id and data
    version; a test's rows are rolled back, and SQLite gives the next test's cycle the
    same id and version, so a score cached by an earlier test would be served for other
    rows (seen once tests ran in another order, under pytest-xdist).

    The same for what a transaction keeps on its connection: plans.versions' record of the
    cycles it bumped (score_cache keeps private scores under their generation). A test's
    transaction is rolled back without leaving every atomic block, so nothing empties that
    record: the next test's cycle of the same id would look bumped by the old test and be
    served its score. The record goes back to what it was before the test (the rows of a
    module's shared transaction, e.g. the demo, stay bumped as they are)."""
    from collections import OrderedDict

    from django.core.cache import cache
    from django.db import connections

    cache.clear()
    before = {
        connection.alias: dict(connection.traguardo_bumped.cycles)
        for connection in connections.all(initialized_only=True)
        if hasattr(connection, "traguardo_bumped")
    }
    # Likewise the scores score_cache keeps on the connection under a bumped cycle's
    # generation: a test's own entries would be served to the next test's cycle of the
    # same id and generation (a demo score of 88,61 instead of 98,61, once, on PostgreSQL).
    scores_before = {
        connection.alias: OrderedDict(connection.traguardo_scores)
        for connection in connections.all(initialized_only=True)
        if hasattr(connection, "traguardo_scores")
    }
    yield
    for connection in connections.all(initialized_only=True):
        record = getattr(connection, "traguardo_bumped", None)
        if record is not None:
            record.cycles = dict(before.get(connection.alias, {}))
        if hasattr(connection, "traguardo_scores"):
            connection.traguardo_scores = OrderedDict(scores_before.get(connection.alias, {}))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Files a test stores (evidence, generated Relazioni, e.g. by `traguardo report`) go to
    a temporary folder, never to the working copy's var/media. A test may set its own."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
