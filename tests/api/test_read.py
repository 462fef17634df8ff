"""Reading through the API: cycles, tree, indicators, monitoring values, scores.

The figures are the demo's, as computed by the core: the API must return the very JSON of
`traguardo score --format json`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from rest_framework.test import APIClient

from tests.world import World
from traguardo.monitoring.models import Measurement
from traguardo.plans.models import (
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    StrategicObjective,
)

from .conftest import assert_error

pytestmark = pytest.mark.django_db

Api = Callable[[str], APIClient]


def test_cycles_lists_the_demo_cycle_for_a_member(world: World, api_as: Api) -> None:
    body = api_as("po").get("/api/v1/cycles/").json()
    assert body["count"] == 1
    (cycle,) = body["results"]
    assert (cycle["id"], cycle["year"], cycle["state"]) == (world.cycle.pk, 2019, "monitoring")
    assert cycle["entity"]["name"] == "Camera di Commercio di Treviso-Belluno"


def test_score_is_the_command_line_contract(demo: Cycle, api_as: Api) -> None:
    out = StringIO()
    call_command("score", year=2019, format="json", stdout=out)
    response = api_as("oiv").get(f"/api/v1/cycles/{demo.pk}/score/")
    assert response.status_code == 200
    body = response.json()
    assert body == json.loads(out.getvalue())
    assert body["schema"] == "traguardo.score/1"
    assert body["entity"]["performance"] == "98.61"  # the Relazione 2019's entity result


def test_explanation_of_an_entity_indicator(demo: Cycle, api_as: Api) -> None:
    response = api_as("po").get(f"/api/v1/cycles/{demo.pk}/score/explain/", {"code": "B14"})
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "B14"
    assert body["explanation"]["formula"] == "min(54,47 / 75; 1) = 72,63%"
    assert body["explanation"]["inputs"] == {"target": ">= 75%", "valore": "54,47%"}


def test_explanation_of_the_entity_and_of_an_objective_indicator(demo: Cycle, api_as: Api) -> None:
    client = api_as("po")
    entity = client.get(f"/api/v1/cycles/{demo.pk}/score/explain/?code=ENTE").json()
    assert entity["explanation"]["formula"].endswith("98,61")
    assert len(entity["explanation"]["parts"]) == EntityBlock.objects.filter(cycle=demo).count()
    # "#" must be percent-encoded in a URL: urlencode does it.
    query = urlencode({"code": "2.1/1#1"})
    row = client.get(f"/api/v1/cycles/{demo.pk}/score/explain/?{query}").json()
    contract = client.get(f"/api/v1/cycles/{demo.pk}/score/").json()
    (objective,) = [o for o in contract["objectives"] if o["code"] == "2.1/1"]
    assert row["explanation"] == objective["indicators"][0]["explanation"]


def test_explanation_of_an_unknown_code_is_404(world: World, api_as: Api) -> None:
    client = api_as("po")
    for code in ("NOPE", "BLOCCO-x", "B999", "9.9/9#9"):
        response = client.get(f"/api/v1/cycles/{world.cycle.pk}/score/explain/", {"code": code})
        error = assert_error(response, 404, "not_found")
        assert code in error["message"]
    missing = client.get(f"/api/v1/cycles/{world.cycle.pk}/score/explain/")
    assert "code" in assert_error(missing, 400, "invalid")["fields"]


def test_tree_goes_from_strategic_objectives_to_targets(demo: Cycle, api_as: Api) -> None:
    body = api_as("po").get(f"/api/v1/cycles/{demo.pk}/tree/").json()
    assert [s["code"] for s in body["strategic"]] == list(
        StrategicObjective.objects.filter(cycle=demo).values_list("code", flat=True)
    )
    objectives = {
        o["code"]: o for s in body["strategic"] for a in s["annual"] for o in a["objectives"]
    }
    assert set(objectives) == {o.code for o in OperationalObjective.objects.filter(cycle=demo)}
    assert body["unlinked_objectives"] == []
    objective = objectives["2.1/1"]
    assert objective["home_unit"]["code"] == "2.1"
    indicators = Indicator.objects.filter(objective_id=objective["id"]).order_by("number", "id")
    assert [i["id"] for i in objective["indicators"]] == [i.pk for i in indicators]
    first = objective["indicators"][0]
    assert first["key"] == "2.1/1#1"
    assert first["targets"] == [
        {"year": t.year, "text": t.text} for t in indicators[0].targets.order_by("year")
    ]
    assert [b["number"] for b in body["entity_blocks"]] == list(range(1, 19))
    assert (
        sum(len(b["indicators"]) for b in body["entity_blocks"])
        == Indicator.objects.filter(entity_block__cycle=demo).count()
    )


def test_tree_keeps_objectives_linked_to_no_annual_objective(world: World, api_as: Api) -> None:
    orphan = OperationalObjective.objects.get(cycle=world.cycle, home_unit__code="2.1", number=2)
    orphan.annual_objectives.clear()
    body = api_as("po").get(f"/api/v1/cycles/{world.cycle.pk}/tree/").json()
    assert [o["code"] for o in body["unlinked_objectives"]] == ["2.1/2"]
    linked = {o["code"] for s in body["strategic"] for a in s["annual"] for o in a["objectives"]}
    assert "2.1/2" not in linked


def test_indicators_carry_targets_and_scores(demo: Cycle, api_as: Api) -> None:
    client = api_as("po")
    body = client.get(f"/api/v1/cycles/{demo.pk}/indicators/", {"block": 10}).json()
    contract = client.get(f"/api/v1/cycles/{demo.pk}/score/").json()
    by_key = {i["key"]: i for i in contract["entity_indicators"]}
    assert body["count"] == EntityBlock.objects.get(cycle=demo, number=10).indicators.count()
    for item in body["results"]:
        assert item["block"] == 10 and item["objective"] is None
        assert item["score"]["degree"] == by_key[item["key"]]["degree"]
        assert item["score"]["value"] == by_key[item["key"]]["value"]
    b14 = client.get(f"/api/v1/cycles/{demo.pk}/indicators/", {"owner": "entity"}).json()
    (fourteen,) = [i for i in b14["results"] if i["key"] == "B14"]
    assert fourteen["score"]["degree"] == "72.63"
    assert {"year": 2019, "text": ">= 75%"} in fourteen["targets"]


def test_indicator_detail_has_values(demo: Cycle, api_as: Api, indicator_by_key) -> None:  # type: ignore[no-untyped-def]
    indicator = indicator_by_key("B14")
    body = api_as("po").get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert body["key"] == "B14"
    assert [(m["period"], m["text"]) for m in body["measurements"]] == [
        (m.period.code, m.text) for m in Measurement.objects.filter(indicator=indicator)
    ]
    assert body["score"]["formula"] == "min(54,47 / 75; 1) = 72,63%"


def test_pagination_with_a_maximum_page_size(demo: Cycle, api_as: Api) -> None:
    client = api_as("po")
    total = (
        Indicator.objects.filter(objective__cycle=demo).count()
        + Indicator.objects.filter(entity_block__cycle=demo).count()
    )
    first = client.get(f"/api/v1/cycles/{demo.pk}/indicators/", {"page_size": 10}).json()
    assert first["count"] == total and len(first["results"]) == 10
    assert first["previous"] is None and "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}
    capped = client.get(f"/api/v1/cycles/{demo.pk}/indicators/", {"page_size": 1000}).json()
    assert len(capped["results"]) == min(200, total)
    default = client.get(f"/api/v1/cycles/{demo.pk}/indicators/").json()
    assert len(default["results"]) == min(50, total)
    beyond = client.get(f"/api/v1/cycles/{demo.pk}/indicators/", {"page": 999})
    assert_error(beyond, 404, "not_found")


def test_filter_by_unit_includes_assigned_objectives(world: World, api_as: Api) -> None:
    body = (
        api_as("po")
        .get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"unit": "2.1", "page_size": 200})
        .json()
    )
    in_sector = Q(unit__code="2.1") | Q(unit__parent__code="2.1")  # its offices and staff
    objectives = set(
        ObjectiveAssignment.objects.filter(in_sector, cycle=world.cycle).values_list(
            "objective_id", flat=True
        )
    )
    expected = Indicator.objects.filter(objective_id__in=objectives)
    assert body["count"] == expected.count() > 0
    assert {i["id"] for i in body["results"]} == set(expected.values_list("id", flat=True))
    area = api_as("po").get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"unit": "2"}).json()
    assert area["count"] > body["count"]  # the area brings its sectors


def test_filter_off_target_splits_the_indicators(demo: Cycle, api_as: Api) -> None:
    client = api_as("po")
    url = f"/api/v1/cycles/{demo.pk}/indicators/"
    off = client.get(url, {"off_target": "true", "page_size": 200}).json()
    on = client.get(url, {"off_target": "false", "page_size": 200}).json()
    total = client.get(url).json()["count"]
    assert off["count"] > 0 and off["count"] + on["count"] == total
    for item in off["results"]:
        assert Decimal(item["score"]["degree"]) < 100
    for item in on["results"]:
        degree = item["score"]["degree"]
        assert degree is None or Decimal(degree) >= 100
    assert "B14" in {i["key"] for i in off["results"]}


def test_filter_by_objective(world: World, api_as: Api) -> None:
    body = (
        api_as("po")
        .get(f"/api/v1/cycles/{world.cycle.pk}/indicators/", {"objective": "2.1/1"})
        .json()
    )
    assert body["count"] > 0
    assert {i["objective"] for i in body["results"]} == {"2.1/1"}


def test_measurements_filtered_by_period_and_unit(world: World, api_as: Api) -> None:
    client = api_as("po")
    url = f"/api/v1/cycles/{world.cycle.pk}/measurements/"
    final = client.get(url, {"period": "31.12", "page_size": 200}).json()
    assert (
        final["count"]
        == Measurement.objects.filter(period__cycle=world.cycle, period__code="31.12").count()
    )
    assert {m["period"] for m in final["results"]} == {"31.12"}
    sector = client.get(url, {"unit": "2.1", "page_size": 200}).json()
    in_sector = Q(objective__assignments__unit__code="2.1") | Q(
        objective__assignments__unit__parent__code="2.1"
    )
    allowed = set(
        Indicator.objects.filter(in_sector, objective__cycle=world.cycle).values_list(
            "id", flat=True
        )
    )
    assert sector["count"] > 0
    assert {m["indicator"] for m in sector["results"]} <= allowed
    bad = client.get(url, {"period": "29.02"})
    assert "period" in assert_error(bad, 400, "invalid")["fields"]


def test_periods(world: World, api_as: Api) -> None:
    body = api_as("po").get(f"/api/v1/cycles/{world.cycle.pk}/periods/").json()
    assert [(p["code"], p["closed"]) for p in body] == [("30.06", True), ("31.12", True)]


# --- who reads what ----------------------------------------------------------------------


def test_anonymous_reads_only_published_cycles(demo: Cycle) -> None:
    anonymous = APIClient()
    assert anonymous.get("/api/v1/cycles/").json()["count"] == 0
    response = anonymous.get(f"/api/v1/cycles/{demo.pk}/score/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    Cycle.objects.filter(pk=demo.pk).update(state="published")
    assert anonymous.get("/api/v1/cycles/").json()["count"] == 1
    score = anonymous.get(f"/api/v1/cycles/{demo.pk}/score/")
    assert score.status_code == 200 and score.json()["entity"]["performance"] == "98.61"
    values = anonymous.get(f"/api/v1/cycles/{demo.pk}/measurements/").json()
    assert values["count"] > 0


def test_staff_names_are_hidden_from_anonymous_readers(world: World, api_as: Api) -> None:
    po = get_user_model().objects.get(username="po")
    Measurement.objects.filter(period__cycle=world.cycle).update(entered_by=po)
    Cycle.objects.filter(pk=world.cycle.pk).update(state="published")
    url = f"/api/v1/cycles/{world.cycle.pk}/measurements/"
    assert {m["entered_by"] for m in api_as("oiv").get(url).json()["results"]} == {"po"}
    assert {m["entered_by"] for m in APIClient().get(url).json()["results"]} == {None}


def test_a_user_without_role_is_refused(world: World) -> None:
    stranger = get_user_model().objects.create_user("estraneo", password="x-very-long-1")
    client = APIClient()
    client.force_authenticate(stranger)
    assert client.get("/api/v1/cycles/").json()["count"] == 0
    assert_error(client.get(f"/api/v1/cycles/{world.cycle.pk}/tree/"), 403, "permission_denied")


def test_session_authentication_reads(world: World, sign_in) -> None:  # type: ignore[no-untyped-def]
    response = sign_in("dirigente").get(f"/api/v1/cycles/{world.cycle.pk}/")
    assert response.status_code == 200 and response.json()["year"] == 2019
