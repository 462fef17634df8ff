"""Whoever has just saved something sees it; other readers may get the part as it was
while another request renders the new one."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.web.changes import lower_a_value, tree_row
from traguardo.accounts import permissions
from traguardo.plans.models import Cycle
from traguardo.web.fragments import fragment_keys
from traguardo.web.middleware import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Tests roll the database back but not the cache: a part kept by an earlier test would
    # stand in for "the previous state" here.
    cache.clear()


def _another_worker_renders_the_tree(demo: Cycle) -> None:
    with translation.override("it"):
        key, _previous = fragment_keys(
            "web/_tree_body.html", demo.pk, (None, False, False, False, False)
        )
    cache.add(f"{key}:lock", f"{time.time()}:another worker", 60)


def test_a_reader_gets_the_previous_tree_while_another_request_renders_the_new_one(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    reader = client_as("oiv")
    old = tree_row(reader.get("/albero/").content.decode(), "2.1/1")
    new_figure = lower_a_value(demo)
    _another_worker_renders_the_tree(demo)
    assert tree_row(reader.get("/albero/").content.decode(), "2.1/1") == old
    assert f">{new_figure}%</a>" not in old


def test_whoever_just_saved_gets_the_new_tree(
    demo: Cycle, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("traguardo.scoring.once.WAIT_SECONDS", 0.3)  # the other never ends
    writer = client_as("ufficio")
    writer.get("/albero/")
    # any change saved through the web marks the session (here: the language, kept Italian)
    assert writer.post("/i18n/setlang/", {"language": "it", "next": "/albero/"}).status_code == 302
    assert isinstance(writer.session[SESSION_KEY], float)
    new_figure = lower_a_value(demo)
    _another_worker_renders_the_tree(demo)
    assert f">{new_figure}%</a>" in tree_row(writer.get("/albero/").content.decode(), "2.1/1")


def test_signing_in_and_reading_do_not_count_as_changes(demo: Cycle) -> None:
    client = Client()
    client.get("/albero/")
    assert (
        client.post("/accesso/entra/", {"username": "po", "password": "traguardo-demo"}).status_code
        == 302
    )
    client.get("/cruscotto/")
    assert SESSION_KEY not in client.session


def _parts(demo: Cycle) -> dict[str, str]:
    with translation.override("it"):
        return {
            template: fragment_keys(template, demo.pk, vary)[0]
            for template, vary in [
                ("web/_tree_body.html", (None, False, False, False, False)),
                ("web/_dashboard_body.html", None),
                ("reports/_results_body.html", None),
            ]
        }


def test_a_change_saved_through_the_web_renders_the_main_parts_after_its_response(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    writer = client_as("ufficio")
    new_figure = lower_a_value(demo)  # a new state of the data: no part rendered for it yet
    assert all(cache.get(key) is None for key in _parts(demo).values())
    assert writer.post("/i18n/setlang/", {"language": "it", "next": "/"}).status_code == 302
    for template, key in _parts(demo).items():
        assert cache.get(key) is not None, template
    # the new figure is in the tree part the next reader gets
    page = client_as("oiv").get("/albero/").content.decode()
    assert f">{new_figure}%</a>" in tree_row(page, "2.1/1")


def test_signing_in_renders_nothing(demo: Cycle) -> None:
    lower_a_value(demo)
    client = Client()
    assert (
        client.post("/accesso/entra/", {"username": "po", "password": "traguardo-demo"}).status_code
        == 302
    )
    assert all(cache.get(key) is None for key in _parts(demo).values())


def test_signing_out_renders_nothing(
    demo: Cycle, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed: list[object] = []
    monkeypatch.setattr("traguardo.web.warm.warm", warmed.append)
    client = client_as("po")
    assert client.post("/accesso/esci/").status_code == 302
    assert warmed == []
    client = client_as("po")
    assert client.post("/i18n/setlang/", {"language": "it", "next": "/"}).status_code == 302
    assert [getattr(user, "username", None) for user in warmed] == ["po"]


def test_whoever_saved_before_the_previous_tree_was_rendered_gets_it_without_waiting(
    demo: Cycle, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("traguardo.scoring.once.WAIT_SECONDS", 60.0)  # waiting would show
    writer = client_as("ufficio")
    assert writer.post("/i18n/setlang/", {"language": "it", "next": "/albero/"}).status_code == 302
    cache.clear()  # the parts rendered after the change are the previous ones below
    after_my_change = tree_row(client_as("oiv").get("/albero/").content.decode(), "2.1/1")
    new_figure = lower_a_value(demo)  # somebody else's change, still being rendered
    _another_worker_renders_the_tree(demo)
    started = time.monotonic()
    assert tree_row(writer.get("/albero/").content.decode(), "2.1/1") == after_my_change
    assert time.monotonic() - started < 5
    assert f">{new_figure}%</a>" not in after_my_change


def test_the_dashboard_heads_read_lately_are_rendered_after_a_change_too(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    po = client_as("po")
    assert po.get("/cruscotto/").status_code == 200  # the PO's own units are noted
    mine = permissions.units_in_scope(User.objects.get(username="po"), demo)
    lower_a_value(demo)
    with translation.override("it"):
        head, _previous = fragment_keys("web/_dashboard_head.html", demo.pk, tuple(sorted(mine)))
    assert cache.get(head) is None
    office = client_as("ufficio")
    assert office.post("/i18n/setlang/", {"language": "it", "next": "/"}).status_code == 302
    assert cache.get(head) is not None
