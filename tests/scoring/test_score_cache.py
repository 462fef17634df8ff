"""One cache on the read side: scores and page parts kept per (cycle, data version).

The shared cache is used only for committed data: the tests that look at it commit their
rows (transaction=True), as the server's requests do. A transaction that bumped a cycle
and may still be rolled back keeps what it computes to itself (plans.versions.dirty).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from traguardo.organisation.models import Entity
from traguardo.plans import versions
from traguardo.plans.models import Cycle, EntityBlock
from traguardo.scoring import score_cache, services
from traguardo.scoring.services import plan_of, score_cycle


def _cycle() -> Cycle:
    entity = Entity.objects.create(name="Ente di prova", kind=Entity.Kind.CAMERA_COMMERCIO)
    cycle = Cycle.objects.create(
        entity=entity, year=2019, plan_period_start=2019, plan_period_end=2021
    )
    versions.bump([cycle.pk])  # as the write services do
    return cycle


def _block(cycle: Cycle, number: int, heading: str) -> EntityBlock:
    block = EntityBlock.objects.create(
        cycle=cycle, number=number, heading=heading, weight_b=Decimal("10")
    )
    versions.bump([cycle.pk])  # as the write services do
    return block


def _headings(cycle: Cycle) -> list[str]:
    return sorted(block.heading for block in plan_of(cycle).blocks)


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The cycles whose plan is fetched from the database from now on."""
    seen: list[int] = []
    real = services.fetch_plan

    def counting(cycle: Cycle, period: str) -> Any:
        seen.append(cycle.pk)
        return real(cycle, period)

    monkeypatch.setattr(services, "fetch_plan", counting)
    return seen


@pytest.fixture
def empty_cache() -> None:
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_committed_version_is_scored_once_and_a_bump_shows_the_change(
    fetches: list[int], empty_cache: None
) -> None:
    cycle = _cycle()
    _block(cycle, 1, "Primo blocco")
    assert _headings(cycle) == ["Primo blocco"]
    assert _headings(cycle) == ["Primo blocco"]
    assert score_cycle(cycle).entity.performance == score_cycle(cycle).entity.performance
    assert fetches == [cycle.pk]  # once for the version, whoever asks
    before = versions.version_of(cycle.pk)
    _block(cycle, 2, "Secondo blocco")  # committed, and its version bumped
    assert versions.version_of(cycle.pk) > before
    assert _headings(cycle) == ["Primo blocco", "Secondo blocco"]
    assert fetches == [cycle.pk, cycle.pk]


@pytest.mark.django_db(transaction=True)
def test_each_language_and_period_is_kept_apart(fetches: list[int], empty_cache: None) -> None:
    cycle = _cycle()
    score_cycle(cycle)
    with translation.override("en"):
        score_cycle(cycle)
        score_cycle(cycle)
    score_cycle(cycle, period="30.06")
    score_cycle(cycle)
    assert len(fetches) == 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_bump_never_leaves_a_score_for_the_number_it_gives_back(
    fetches: list[int], empty_cache: None
) -> None:
    cycle = _cycle()
    version = versions.version_of(cycle.pk)
    assert _headings(cycle) == []
    with pytest.raises(RuntimeError), transaction.atomic():
        _block(cycle, 1, "Anteprima annullata")  # a what-if, a failed import…
        assert versions.version_of(cycle.pk) == version + 1
        assert versions.dirty(cycle.pk) is not None
        assert _headings(cycle) == ["Anteprima annullata"]  # the transaction sees its own
        raise RuntimeError("rolled back")
    assert versions.version_of(cycle.pk) == version  # the number is given back…
    assert versions.dirty(cycle.pk) is None
    assert _headings(cycle) == []
    _block(cycle, 1, "Blocco vero")  # …and the next real change takes it again
    assert versions.version_of(cycle.pk) == version + 1
    assert _headings(cycle) == ["Blocco vero"]
    assert len(fetches) == 3  # the uncommitted score was never served for the real change


@pytest.mark.django_db(transaction=True)
def test_a_committed_transaction_fills_the_shared_cache_again(
    fetches: list[int], empty_cache: None
) -> None:
    cycle = _cycle()
    with transaction.atomic():
        _block(cycle, 1, "Nel blocco")
        _headings(cycle)
    assert versions.dirty(cycle.pk) is None  # outside every transaction: nothing dirty
    assert _headings(cycle) == ["Nel blocco"]
    assert _headings(cycle) == ["Nel blocco"]
    assert len(fetches) == 2  # inside (private), then once for the committed version


@pytest.mark.django_db
def test_inside_a_transaction_a_savepoint_rolled_back_is_never_served_later() -> None:
    """In the same open transaction two states of the data can share a version number:
    the private entries are told apart by the bump's generation, never given back."""
    cycle = _cycle()  # this transaction bumped it: dirty from now on
    _block(cycle, 1, "Primo")
    first = versions.dirty(cycle.pk)
    assert first is not None
    assert _headings(cycle) == ["Primo"]
    with pytest.raises(RuntimeError), transaction.atomic():
        _block(cycle, 2, "Annullato")
        assert _headings(cycle) == ["Annullato", "Primo"]
        raise RuntimeError("savepoint rolled back")
    assert _headings(cycle) == ["Primo"]
    _block(cycle, 2, "Secondo")  # the same version number as "Annullato" had
    assert _headings(cycle) == ["Primo", "Secondo"]
    generation = versions.dirty(cycle.pk)
    assert generation is not None and generation > first


@pytest.mark.django_db(transaction=True)
def test_a_page_part_is_rendered_once_per_version(
    monkeypatch: pytest.MonkeyPatch, empty_cache: None
) -> None:
    cycle = _cycle()
    rendered: list[str] = []

    def render(template: str, context: dict[str, Any]) -> str:
        rendered.append(template)
        return f"<p>{context['n']}</p>"

    monkeypatch.setattr(score_cache, "render_to_string", render)
    counter = iter(range(100))

    def context() -> dict[str, Any]:
        return {"n": next(counter)}

    def part(vary: Any) -> str:
        return score_cache.part("t.html", cycle.pk, vary, context)

    assert part(None) == "<p>0</p>"
    assert part(None) == "<p>0</p>"
    assert part("filtro") == "<p>1</p>"  # what the part varies on is kept apart
    versions.bump([cycle.pk])  # committed (autocommit): the next page renders again
    assert part(None) == "<p>2</p>"
    with pytest.raises(RuntimeError), transaction.atomic():
        versions.bump([cycle.pk])
        assert part(None) == "<p>3</p>"  # rendered for this transaction, not kept
        raise RuntimeError("rolled back")
    assert part(None) == "<p>2</p>"
    versions.bump([cycle.pk])  # the number the rollback gave back: a new rendering
    assert part(None) == "<p>4</p>"
    assert len(rendered) == 5
