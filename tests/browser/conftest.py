"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against
`live_server`, with the 2019 demo loaded and committed (transactional tests).

Chromium is installed by `make test` (apt); no browser is downloaded at run time.
`assert_accessible(page)` runs axe-core (the copy shipped in axe-playwright-python) and
fails on any serious or critical WCAG violation.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import load_demo_cycle
from traguardo.demo.users import DEMO_PASSWORD
from traguardo.plans.models import Cycle

CHROMIUM = Path(os.environ.get("TRAGUARDO_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
# Flags for a closed network: no background connections to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class DemoSnapshot:
    """The rows `load_demo_cycle()` commits, copied once and written back for each test.

    Every browser test starts from the freshly loaded demo in an otherwise empty database
    (a transactional test empties every table when it ends). Importing the demo takes
    seconds; after the first import its rows are kept in memory (as the database returns
    them) and inserted again as they were, primary keys included. The content types and
    permissions Django recreates after each flush are not part of the snapshot.
    """

    SKIPPED = frozenset({"django_content_type", "auth_permission"})

    def __init__(self) -> None:
        self.tables: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []
        self.models: list[type[Model]] = []
        self.cycle_pk: int | None = None

    @staticmethod
    def _models() -> list[type[Model]]:
        seen: set[str] = set()
        models = []
        for model in apps.get_models(include_auto_created=True):
            opts = model._meta
            if not opts.managed or opts.proxy or opts.db_table in seen:
                continue
            seen.add(opts.db_table)
            models.append(model)
        return models

    def take(self, cycle: Cycle) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in self._models():
                table = model._meta.db_table
                if table in self.SKIPPED:
                    continue
                cursor.execute(f"SELECT * FROM {quote(table)}")
                rows = [tuple(row) for row in cursor.fetchall()]
                if rows:
                    columns = [column[0] for column in cursor.description]
                    self.tables.append((table, columns, rows))
                    self.models.append(model)
        self.cycle_pk = cycle.pk

    def restore(self) -> Cycle:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, rows in self.tables:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
                assert cursor.fetchone()[0] == 0, f"{table} is not empty before the demo"
                names = ", ".join(quote(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
                    rows,
                )
            # PostgreSQL: the sequences go on after the inserted ids (SQLite does it itself).
            for sql in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(sql)
        return Cycle.objects.get(pk=self.cycle_pk)


_snapshot = DemoSnapshot()


@pytest.fixture
def live_demo(transactional_db: None, live_server: Any) -> Cycle:
    """The 2019 demo committed to the database that `live_server` serves."""
    # The rows come back with the same ids and data versions every test: what the previous
    # test cached under those versions (scores, page parts) names other data. A database
    # replaced wholesale empties the cache with it, as `traguardo restore` moves versions on.
    cache.clear()
    if _snapshot.cycle_pk is None:
        cycle = load_demo_cycle()
        _snapshot.take(cycle)
        return cycle
    return _snapshot.restore()


def login(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accesso/entra/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")
    assert "/accesso/entra/" not in page.url, f"login failed for {username}"


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation (WCAG 2.1 A and AA rules) on the page."""
    # Evaluated through the DevTools protocol: an inline <script> tag would be refused by
    # the pages' Content-Security-Policy (traguardo/web/csp.py), as it should be.
    page.evaluate("(source) => { (0, eval)(source); }", AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in bad
    ]
    assert not bad, f"{page.url}: " + json.dumps(summary, indent=1)


def open_final_period_indicator(cycle: Cycle) -> Any:
    """The year-end period of the demo opened for entry, and the indicator the value-entry
    tests use: objective 2.1/2, indicator 1 ("Posizioni verificate nell'anno", "= 150")."""
    from traguardo.monitoring.models import Period
    from traguardo.plans.models import Indicator

    Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).update(
        closed=False, deadline=datetime.date(2099, 1, 31)
    )
    return Indicator.objects.get(
        objective__cycle=cycle, objective__home_unit__code="2.1", objective__number=2, number=1
    )
