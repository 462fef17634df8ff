"""Cached parts of the score pages follow the data, the language and the reader's units."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client

from tests.web.changes import (
    final_value_of,
    lower_a_value,
    objective_2_1_1,
    rows_rendered,
    tree_row,
)
from traguardo.core.numbers import format_it
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator
from traguardo.scoring.services import score_cycle
from traguardo.web import fragments


def _b14_value(cycle: Cycle) -> Measurement:
    indicator = Indicator.objects.get(entity_block__cycle=cycle, number=14)
    return Measurement.objects.get(
        indicator=indicator, period__cycle=cycle, period__code=Period.Code.FINAL
    )


def test_pages_show_the_new_figure_after_a_saved_value(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    office = client_as("ufficio")
    pages = ("/cruscotto/", "/albero/", f"/risultati/{demo.year}/")
    before = {url: office.get(url).content.decode() for url in pages}
    old = score_cycle(demo).entity.performance
    value = _b14_value(demo)
    value.text = "0"
    value.save()
    versions.bump([demo.pk])  # raw write: bump as the services do
    new = score_cycle(demo).entity.performance
    assert new != old
    after = {url: office.get(url).content.decode() for url in pages}
    for url in pages:
        assert after[url] != before[url], url
    shown = f'id="entity-performance">{format_it(new)}%'
    assert shown in after[f"/risultati/{demo.year}/"]
    assert f'id="entity-performance">{format_it(old)}%' in before[f"/risultati/{demo.year}/"]


def test_the_dashboard_part_is_not_shared_between_readers_of_different_units(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    po = client_as("po").get("/cruscotto/").content.decode()
    po2 = client_as("po2").get("/cruscotto/").content.decode()
    # Each PO's own units are listed on their dashboard only.
    assert '<tr data-unit="2.1">' in po and '<tr data-unit="2.1">' not in po2
    assert '<tr data-unit="3.1">' in po2 and '<tr data-unit="3.1">' not in po


def test_the_tree_part_follows_the_language(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    office = client_as("ufficio")
    italian = office.get("/albero/").content.decode()
    office.cookies.load({"django_language": "en"})
    english = office.get("/albero/").content.decode()
    assert "obiettivi operativi" in italian
    assert "operational objectives" in english


def test_tree_rows_are_rendered_again_only_when_their_figures_move(
    demo: Cycle, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = client_as("ufficio")
    office.get("/albero/")  # every row rendered and cached
    rendered = rows_rendered(monkeypatch, "web/_tree_row.html")
    new_figure = lower_a_value(demo)
    page = office.get("/albero/").content.decode()
    assert rendered == ["2.1/1"]  # the one row whose figures moved, once
    assert f">{new_figure}%</a>" in tree_row(page, "2.1/1")


def test_completeness_rows_are_rendered_again_only_for_the_units_a_value_concerns(
    demo: Cycle, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = client_as("ufficio")
    office.get("/cruscotto/")  # every row rendered and cached
    rendered = rows_rendered(monkeypatch, "web/_missing_row.html")
    objective, indicator = objective_2_1_1(demo)
    final_value_of(indicator).delete()
    versions.bump([demo.pk])  # raw write: bump as the services do
    page = office.get("/cruscotto/").content.decode()
    units = set(objective.assignments.values_list("unit__code", flat=True))
    assert units and sorted(rendered) == sorted(units)  # at 31.12 only; 30.06 is unchanged
    table = page.split('data-period="31.12"', 1)[1].split("</table>", 1)[0]
    assert f'data-indicator="{indicator.pk}"' in table


def test_a_changed_template_does_not_reuse_parts_rendered_by_the_old_one(
    demo: Cycle, client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = client_as("ufficio")
    office.get("/albero/")  # every row rendered and cached
    before = fragments.fragment_keys("web/_tree_body.html", demo.pk, None)
    real = fragments.get_template

    class Upgraded:  # the same template after an upgrade that changed its text
        def __init__(self, name: str) -> None:
            self.template = SimpleNamespace(source=real(name).template.source + "<!-- v2 -->")

    monkeypatch.setattr(fragments, "get_template", Upgraded)
    assert fragments.fragment_keys("web/_tree_body.html", demo.pk, None) != before
    rendered = rows_rendered(monkeypatch, "web/_tree_row.html")
    office.get("/albero/")
    assert len(rendered) == len(set(rendered)) > 100  # every row again, once each
