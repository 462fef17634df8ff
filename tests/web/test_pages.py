"""Dashboard, tree explorer, objective page and public results: who sees what, and the figures."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from traguardo.core.numbers import format_percent
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import OrgUnit
from traguardo.organisation.selectors import unit_heads_on
from traguardo.plans import versions
from traguardo.plans.models import (
    Cycle,
    CycleTransition,
    ObjectiveAssignment,
    OperationalObjective,
)
from traguardo.scoring.services import score_cycle
from traguardo.web import selectors

pytestmark = pytest.mark.django_db

MEMBERS = ("ufficio", "segretario", "dirigente", "po", "po2", "oiv")


def _client(client_as: Callable[[str], Client], who: str) -> Client:
    return Client() if who == "anonymous" else client_as(who)


def _objective(demo: Cycle, code: str) -> OperationalObjective:
    unit, _, number = code.partition("/")
    return OperationalObjective.objects.get(cycle=demo, home_unit__code=unit, number=number)


@pytest.mark.parametrize("who", ["anonymous", *MEMBERS])
def test_role_by_page_matrix(demo: Cycle, client_as: Callable[[str], Client], who: str) -> None:
    client = _client(client_as, who)
    objective = _objective(demo, "2.1/1")
    member = who != "anonymous"
    staff_pages = ["/cruscotto/", "/albero/", f"/obiettivo/{objective.pk}/", "/albero/?art67=1"]
    for url in staff_pages:
        response = client.get(url)
        assert response.status_code == (200 if member else 302), (who, url)
        if not member:
            assert response["Location"].startswith("/accesso/entra/")
    assert client.get("/").status_code == 200
    # the demo cycle is being monitored, not published: citizens get 404, members read it
    for url in ["/risultati/2019/", "/risultati/2019/perche/ENTE/", "/risultati/"]:
        assert client.get(url).status_code == (200 if member else 404), (who, url)


@pytest.mark.parametrize("who", ["anonymous", "po"])
def test_crafted_urls_answer_404_not_500(
    demo: Cycle, client_as: Callable[[str], Client], who: str
) -> None:
    client = _client(client_as, who)
    assert client.get("/risultati/1999/").status_code == 404
    assert client.get("/risultati/2019/perche/NON-ESISTE/").status_code == 404
    if who == "po":
        assert client.get("/obiettivo/999999/").status_code == 404
        assert client.get("/cruscotto/?year=1999").status_code == 404
        assert client.get("/cruscotto/?year=abc").status_code == 404
        assert client.get("/albero/?year=1999").status_code == 404
        # unknown filter values are ignored, never an error
        assert client.get("/albero/?unit=abc&art67=forse").status_code == 200
        assert client.get("/albero/?unit=999999").status_code == 200


def test_published_cycle_is_public_and_the_home_lists_it(demo: Cycle) -> None:
    client = Client()
    assert "2019" not in client.get("/").content.decode().split("<main", 1)[1]
    Cycle.objects.filter(pk=demo.pk).update(state=Cycle.State.PUBLISHED)
    home = client.get("/").content.decode()
    assert "/risultati/2019/" in home and "98,61%" in home
    CycleTransition.objects.create(
        cycle=demo,
        source=Cycle.State.VALIDATED,
        target=Cycle.State.PUBLISHED,
        at=datetime.datetime(2020, 6, 30, 10, tzinfo=datetime.UTC),
    )
    page = client.get("/risultati/2019/").content.decode()
    assert "98,61%" in page
    assert "not-published" not in page
    assert "Risultati pubblicati il 30/06/2020" in page
    assert client.get("/risultati/2019/perche/2.1/1/").status_code == 200
    assert client.get("/risultati/").status_code == 200
    # the staff pages stay closed to citizens even for a published cycle
    assert Client().get("/albero/").status_code == 302


def test_members_see_that_an_unpublished_cycle_is_not_public_yet(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    page = client_as("oiv").get("/risultati/2019/").content.decode()
    assert 'id="not-published"' in page


def test_dashboard_figures_come_from_the_scoring_engine(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    score = score_cycle(demo)
    html = client_as("ufficio").get("/cruscotto/?year=2019").content.decode()
    assert format_percent(score.entity.performance) == "98,61%"
    assert re.search(r'id="entity-performance">98,61%<', html)
    areas = [u for u in score.units if u.kind.value == "area"]
    assert areas
    table = html.split('id="areas-table"', 1)[1].split("</table>", 1)[0]
    for unit in score.units:
        if unit.kind.value in ("area", "settore"):
            assert escape(unit.name) in table
            assert f'/perche/{unit.code}/">{format_percent(unit.performance)}<' in table
    off = selectors.off_target(score)
    assert len(off) == html.count('<td class="num off">')
    for row in off:
        assert reverse("reports:explain", args=[2019, row.key]) in html
    # the chart carries its text alternative
    assert 'role="img"' in html and '<title id="chart-areas-title">' in html


def _my_units(html: str) -> dict[str, list[str]]:
    """The cells of the reader's own units table, by unit code ({} when there is none)."""
    if 'id="my-units"' not in html:
        return {}
    table = html.split('id="my-units"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', table, re.S)
    return {
        code: [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for code, row in rows
    }


def test_dashboard_shows_the_readers_own_units_first(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    score = score_cycle(demo)
    units = {u.code: u for u in score.units}
    off = selectors.off_target(score)
    for username, codes in [("po", ["2.1"]), ("po2", ["3.1"]), ("dirigente", ["2", "2.1", "2.2"])]:
        html = client_as(username).get("/cruscotto/").content.decode()
        mine = _my_units(html)
        assert list(mine)[: len(codes)] == codes, username
        assert html.index('id="my-units"') < html.index('id="areas-table"')
        for code, cells in mine.items():
            assert cells[0] == format_percent(units[code].performance), (username, code)
            home = [r for r in off if r.objective_key.partition("/")[0].startswith(code)]
            assert cells[1] == str(len(home)), (username, code)
    # the Segretario generale heads areas of his own; the office and the OIV head none
    assert list(_my_units(client_as("segretario").get("/cruscotto/").content.decode()))[:2] == [
        "0",
        "0.0",
    ]
    for username in ("ufficio", "oiv"):
        assert _my_units(client_as(username).get("/cruscotto/").content.decode()) == {}


def test_own_units_count_a_deleted_value_as_missing(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    final = Period.objects.get(cycle=demo, code=Period.Code.FINAL)
    client = client_as("po")
    before = _my_units(client.get("/cruscotto/").content.decode())["2.1"]
    missing, expected = (int(n) for n in before[-1].split()[0::2][:2])
    indicator = (
        _objective(demo, "2.1/1").indicators.exclude(direction="derived").order_by("number")[0]
    )
    assert Measurement.objects.filter(indicator=indicator, period=final).delete()[0]
    versions.bump([demo.pk])  # raw write: bump as the services do
    after = _my_units(client.get("/cruscotto/").content.decode())["2.1"]
    assert after[-1].startswith(f"{missing + 1} su {expected}")


def _period_table(html: str, code: str) -> str:
    return html.split(f'data-period="{code}"', 1)[1].split("</table>", 1)[0]


def test_completeness_lists_an_indicator_once_its_value_is_deleted(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    final = Period.objects.get(cycle=demo, code=Period.Code.FINAL)
    objective = _objective(demo, "2.1/1")
    indicator = objective.indicators.exclude(direction="derived").order_by("number").first()
    assert indicator is not None
    marker = f'data-indicator="{indicator.pk}"'
    client = client_as("po")
    before = client.get("/cruscotto/completezza/").content.decode()
    assert 'data-period="31.12"' not in before or marker not in _period_table(before, "31.12")
    Measurement.objects.filter(indicator=indicator, period=final).delete()
    versions.bump([demo.pk])  # raw write: bump as the services do
    after = client.get("/cruscotto/completezza/").content.decode()
    table = _period_table(after, "31.12")
    assert marker in table
    # listed under every unit the objective is assigned to, with the unit's head that day
    units = ObjectiveAssignment.objects.filter(objective=objective).values_list(
        "unit__code", flat=True
    )
    report = {r.code: r for r in selectors.completeness(demo)[1].units}
    for code in units:
        assert indicator.pk in {i.pk for i in report[code].missing}
        assert indicator.pk in report[code].expected_ids
        assert report[code].heads, code
    assert report["2.1"].heads[0] in table
    head = unit_heads_on(OrgUnit.objects.get(entity=demo.entity, code="2.1"), final.date)
    assert report["2.1"].heads == tuple(p.display_name for p in head)


def test_completeness_of_an_empty_period_lists_every_expected_indicator(demo: Cycle) -> None:
    interim, final = selectors.completeness(demo)
    assert interim.period.code == "30.06" and final.period.code == "31.12"
    assert interim.missing == interim.expected > 0  # nothing entered at 30.06 in the demo
    assert final.missing < final.expected


def _tree_codes(html: str) -> set[str]:
    return set(re.findall(r'data-objective="([^"]+)"', html))


def test_tree_filters_return_the_right_objectives(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    client = client_as("segretario")
    everything = _tree_codes(client.get("/albero/").content.decode())
    objectives = OperationalObjective.objects.filter(cycle=demo).select_related("home_unit")
    assert everything == {o.code for o in objectives}

    revised = _tree_codes(client.get("/albero/?revised=1").content.decode())
    assert revised == {o.code for o in objectives if o.revised_by_id is not None}
    assert len(revised) == 30

    biennial = _tree_codes(client.get("/albero/?biennial=1").content.decode())
    assert biennial == {o.code for o in objectives if o.biennial_of is not None}

    art67 = _tree_codes(client.get("/albero/?art67=1").content.decode())
    expected = {o.code for o in objectives if o.art67_scheda is not None} | {
        o.code for o in objectives.filter(indicators__art67=True)
    }
    assert art67 == expected and art67

    sector = OrgUnit.objects.get(entity=demo.entity, code="2.1")
    in_sector = _tree_codes(client.get(f"/albero/?unit={sector.pk}").content.decode())
    assert in_sector == {
        a.objective.code
        for a in ObjectiveAssignment.objects.filter(cycle=demo).select_related(
            "objective__home_unit", "unit"
        )
        if a.unit.code == "2.1" or a.unit.code.startswith("2.1.") or (a.unit.parent_id == sector.pk)
    }
    assert "2.1/1" in in_sector and "3.1/1" not in in_sector

    score = score_cycle(demo)
    off = _tree_codes(client.get("/albero/?off=1").content.decode())
    assert off
    for code in off:
        result = score.objectives[code]
        assert (result.performance is not None and result.performance < 100) or any(
            selectors.is_off_target(i) for i in result.indicators
        )
    combined = _tree_codes(client.get("/albero/?revised=1&biennial=1").content.decode())
    assert combined == revised & biennial


def test_objective_page_shows_indicators_targets_values_and_flags(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    objective = (
        OperationalObjective.objects.filter(
            cycle=demo, revised_by__isnull=False, biennial_of__isnull=False
        )
        .select_related("home_unit", "revised_by")
        .first()
    )
    assert objective is not None
    html = client_as("po2").get(f"/obiettivo/{objective.pk}/").content.decode()
    assert f"modificato con revisione n. {objective.revised_by.number}" in html
    assert f"annualità {objective.biennial_year} di {objective.biennial_of}" in html
    score = score_cycle(demo).objectives[objective.code]
    assert f'id="objective-performance">{format_percent(score.performance)}<' in html
    for indicator in objective.indicators.all():
        assert f"/monitoraggio/indicatore/{indicator.pk}/" in html or str(indicator.pk) in html
        for target in indicator.targets.all():
            assert target.text in html
        for measurement in indicator.measurements.all():
            assert measurement.text in html
    assert f"/storico/plans.operationalobjective/{objective.pk}/" in html


def test_english_after_switching_language(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    client = client_as("po")
    italian = client.get("/cruscotto/").content.decode()
    assert "Completezza del monitoraggio" in italian and 'lang="it"' in italian
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cruscotto/"})
    assert response.status_code == 302
    english = client.get("/cruscotto/").content.decode()
    assert 'lang="en"' in english
    assert "Monitoring completeness" in english
    assert "Completezza del monitoraggio" not in english
    assert "Dashboard" in english
    tree = client.get("/albero/").content.decode()
    assert "Performance tree" in tree and "Apply filters" in tree
    public = Client()
    public.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Performance: published results" in public.get("/").content.decode()


def test_error_pages_are_the_applications_own(demo: Cycle, django_user_model: type) -> None:
    missing = Client().get("/risultati/2019/")
    assert missing.status_code == 404
    assert "Pagina non trovata" in missing.content.decode()
    assert 'id="main-menu"' in missing.content.decode()  # our shell, not the theme's page
    django_user_model.objects.create_user("estraneo", password="x-long-password-1")
    stranger = Client()
    stranger.login(username="estraneo", password="x-long-password-1")
    for url in ["/albero/", f"/obiettivo/{_objective(demo, '2.1/1').pk}/"]:
        response = stranger.get(url)
        assert response.status_code == 403
        assert "non ha un ruolo" in response.content.decode()
    # a signed-in user without a role is a citizen for the public pages
    assert stranger.get("/risultati/2019/").status_code == 404


def test_the_tree_lists_indicators_on_request(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    client = client_as("segretario")
    score = score_cycle(demo).objectives["2.1/1"]
    off = sum(1 for i in score.indicators if selectors.is_off_target(i))
    short = client.get("/albero/").content.decode()
    row = short.split('data-objective="2.1/1"', 1)[1].split("</div>", 1)[0]
    assert "<li>" not in row  # the count, not the lines
    assert f"{len(score.indicators)} indicator" in row
    assert (f"{off} sotto il target" in row) == (off > 0)
    full = client.get("/albero/?ind=1").content.decode()
    row = full.split('data-objective="2.1/1"', 1)[1].split("</div>", 1)[0]
    assert row.count("<li>") == len(score.indicators)
    assert len(full) > len(short)
    sector = OrgUnit.objects.get(entity=demo.entity, code="2.1")
    narrowed = client.get(f"/albero/?unit={sector.pk}").content.decode()
    assert narrowed.split('data-objective="2.1/1"', 1)[1].split("</div>", 1)[0].count("<li>")


def test_completeness_lists_a_few_missing_values_per_unit_and_links_the_rest(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    interim = selectors.completeness(demo)[0]
    crowded = next(u for u in interim.units if len(u.missing) > selectors.MISSING_LISTED)
    table = _period_table(
        client_as("ufficio").get("/cruscotto/completezza/").content.decode(), "30.06"
    )
    row = table.split(f'<th scope="row">{crowded.code} ', 1)[1].split("</tr>", 1)[0]
    assert row.count("data-indicator=") == selectors.MISSING_LISTED
    assert f"{len(crowded.missing)}/{crowded.expected}" in row
    more = len(crowded.missing) - selectors.MISSING_LISTED
    assert f"unit={crowded.unit_id}&amp;ind=1" in row and str(more) in row


def test_the_dashboard_counts_missing_values_and_links_who_owes_them(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    client = client_as("dirigente")
    dashboard = client.get("/cruscotto/").content.decode()
    assert "data-indicator=" not in dashboard  # the lists are one click away
    interim = selectors.completeness(demo)[0]
    assert f"Mancano {interim.missing} valori su {interim.expected} attesi." in dashboard
    assert "/cruscotto/completezza/?year=2019#periodo-3006" in dashboard
    page = client.get("/cruscotto/completezza/?year=2019").content.decode()
    assert 'id="periodo-3006"' in page and 'data-period="30.06"' in page
    assert Client().get("/cruscotto/completezza/").status_code == 302
