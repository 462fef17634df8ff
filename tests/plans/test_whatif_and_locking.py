"""What-if before saving equals the real save; two people editing the same item collide
cleanly (the second is told, nothing is lost)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from tests.plans.helpers import indicator_post, open_revision, target_of, text
from tests.world import World
from traguardo.core.engine import score_plan
from traguardo.monitoring.models import Period
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective
from traguardo.scoring import whatif
from traguardo.scoring.fetch import fetch_plan
from traguardo.scoring.services import score_cycle


def _scored_indicator(cycle: Cycle) -> Indicator:
    """An indicator of an operational objective that reached its target (degree 100)."""
    score = score_cycle(cycle, explain=False)
    for objective in OperationalObjective.objects.filter(cycle=cycle).order_by("pk"):
        if objective.indicators.count() < 2:
            continue
        for indicator in objective.indicators.order_by("number"):
            key = whatif.indicator_key(indicator)
            found = next(i for i in score.objectives[objective.code].indicators if i.key == key)
            if found.degree.value == 100 and found.target is not None and found.target.low:
                return indicator
    raise AssertionError("no suitable indicator")


def test_whatif_of_a_target_equals_the_real_save(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _scored_indicator(world.cycle)
    objective = indicator.objective
    assert objective is not None
    before = score_cycle(world.cycle, explain=False)
    old_target = target_of(indicator, world.cycle.year)
    harder = ">= 1.000.000"
    url = reverse("plans:indicator", args=[indicator.pk])

    response = client.post(url, indicator_post(indicator, **{f"target_{world.cycle.year}": harder}))
    preview = response.context["preview"]
    assert "Anteprima dell'effetto (non ancora salvata)" in text(response)
    assert target_of(indicator, world.cycle.year) == old_target  # nothing saved yet
    assert preview.entity.before == before.entity.performance
    objective_figure = next(f for f in preview.figures if f.label == f"Obiettivo {objective.code}")
    assert objective_figure.before == before.objectives[objective.code].performance
    assert objective_figure.after is not None and objective_figure.before is not None
    assert objective_figure.after < objective_figure.before  # a harder target lowers it

    confirmed = indicator_post(
        indicator, **{f"target_{world.cycle.year}": harder, "confirmed": "on"}
    )
    assert client.post(url, confirmed).status_code == 302
    assert target_of(indicator, world.cycle.year) == harder
    after = score_cycle(world.cycle, explain=False)
    assert objective_figure.after == after.objectives[objective.code].performance
    assert preview.entity.after == after.entity.performance
    for figure in preview.figures:
        if figure.label.startswith("Unità "):
            code = figure.label.removeprefix("Unità ")
            assert figure.after == after.unit(code).performance


def test_whatif_of_a_weight_and_of_block_weight_b(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _scored_indicator(world.cycle)
    response = client.post(
        reverse("plans:indicator", args=[indicator.pk]), indicator_post(indicator, weight="0")
    )
    preview = response.context["preview"]
    changed = whatif.apply_indicator_change(
        fetch_plan(world.cycle), whatif.indicator_key(indicator), whatif.Change(weight=Decimal(0))
    )
    expected = score_plan(changed, explain=False)
    assert preview.entity.after == expected.entity.performance

    block = EntityBlock.objects.filter(cycle=world.cycle).order_by("number").first()
    assert block is not None
    url = reverse("plans:block", args=[block.pk])
    data = {
        "number": block.number,
        "heading": block.heading,
        "weight_b": "10",
        "annual_objective": block.annual_objective_id or "",
        "version": block.version,
    }
    preview = client.post(url, data).context["preview"]
    block.refresh_from_db()
    assert block.weight_b != Decimal(10)
    assert client.post(url, {**data, "confirmed": "on"}).status_code == 302
    assert preview.entity.after == score_cycle(world.cycle, explain=False).entity.performance
    assert preview.entity.after != preview.entity.before


def test_whatif_of_an_entity_indicator_value(world: World) -> None:
    """Allegato B: a value change moves the block's A and the entity result as the engine says."""
    Period.objects.filter(cycle=world.cycle).update(closed=False)
    indicator = Indicator.objects.filter(entity_block__cycle=world.cycle).order_by("number").first()
    assert indicator is not None
    result = whatif.preview_indicator(world.cycle, indicator, whatif.Change(value="0"))
    labels = [f.label for f in result.figures]
    assert labels[1] == f"Grado dell'indicatore B{indicator.number}"
    assert result.figures[1].after == 0
    assert result.entity.after is not None and result.entity.before is not None
    assert result.entity.after < result.entity.before


def test_second_editor_gets_a_conflict_and_nothing_is_lost(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    first, second = sign_in("ufficio"), sign_in("ufficio")
    open_revision(first, world.cycle)
    indicator = _scored_indicator(world.cycle)
    url = reverse("plans:indicator", args=[indicator.pk])
    # both open the page: the form carries the version they saw
    seen = indicator_post(indicator)
    shown = second.get(url)
    assert f'name="version" value="{indicator.version}"' in text(shown)

    mine = {**seen, f"target_{world.cycle.year}": ">= 7", "weight": "40", "confirmed": "on"}
    assert first.post(url, mine).status_code == 302
    theirs = {**seen, f"target_{world.cycle.year}": ">= 9", "confirmed": "on"}
    response = second.post(url, theirs)
    page = text(response)
    assert response.status_code == 200
    assert "è stato modificato da un altro utente" in page
    assert "Conflitto di modifica." in page
    assert 'value=">= 9"' in page  # the second user's input is still in the form
    assert "<td>&gt;= 7</td>" in response.content.decode()  # and the saved value is shown
    # the first user's save is intact
    assert target_of(indicator, world.cycle.year) == ">= 7"
    indicator.refresh_from_db()
    assert indicator.weight == Decimal(40)


def test_conflict_on_an_objective(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    objective = OperationalObjective.objects.filter(cycle=world.cycle).order_by("pk").first()
    assert objective is not None
    url = reverse("plans:objective", args=[objective.pk])
    data = {
        "home_unit": objective.home_unit_id,
        "number": objective.number,
        "category": objective.category,
        "version": objective.version,
    }
    assert client.post(url, {**data, "title": "Prima versione"}).status_code == 302
    response = client.post(url, {**data, "title": "Seconda versione"})
    assert "è stato modificato da un altro utente" in text(response)
    objective.refresh_from_db()
    assert objective.title == "Prima versione"


def test_whatif_and_save_of_a_final_value(world: World, sign_in: Callable[[str], Client]) -> None:
    """A value goes through monitoring's record_value after the preview; no revision needed."""
    Period.objects.filter(cycle=world.cycle).update(closed=False)
    client = sign_in("ufficio")
    indicator = _scored_indicator(world.cycle)
    objective = indicator.objective
    assert objective is not None
    url = reverse("plans:indicator", args=[indicator.pk])
    assert 'name="value"' in text(client.get(url))
    response = client.post(url, indicator_post(indicator, value="0"))
    preview = response.context["preview"]
    figure = next(f for f in preview.figures if f.label == f"Obiettivo {objective.code}")
    assert figure.after is not None and figure.before is not None and figure.after < figure.before
    response = client.post(url, indicator_post(indicator, value="0", confirmed="on"))
    assert response.status_code == 302, text(response)[:3000]
    final = indicator.measurements.get(period__code=Period.Code.FINAL)
    assert final.text == "0"
    assert (
        score_cycle(world.cycle, explain=False).objectives[objective.code].performance
        == figure.after
    )


def test_indicator_page_warns_when_its_weight_breaks_the_sum(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _scored_indicator(world.cycle)
    response = client.post(
        reverse("plans:indicator", args=[indicator.pk]), indicator_post(indicator, weight="1")
    )
    objective = indicator.objective
    assert objective is not None
    assert f"Obiettivo {objective.code}: con questo peso i pesi degli indicatori sommano a" in text(
        response
    )
