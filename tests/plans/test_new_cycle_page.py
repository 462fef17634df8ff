"""The new-cycle page (/piano/nuovo-ciclo/): preview, confirmation, refusals, roles."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import Role
from traguardo.audit.models import AuditEntry
from traguardo.monitoring.models import Period
from traguardo.plans.models import Cycle, Indicator, Target

pytestmark = pytest.mark.django_db

URL = reverse("plans:new_cycle")
FORM = {"year": "2020", "plan_start": "2019", "plan_end": "2021"}


def _two_year_targets(world: World) -> None:
    """The plan sets 2020 targets for 2.1/1 and 1.1/1; 2.1/2, 2.2/4, 3.1/1 have none."""
    for code in ("2.1/1", "1.1/1"):
        for indicator in Indicator.objects.filter(objective=world.objectives[code]):
            text = "SI" if indicator.kind == Indicator.Kind.YES_NO else ">= 110"
            Target.objects.create(indicator=indicator, year=2020, text=text)
    Target.objects.create(indicator=world.block_indicator, year=2020, text=">= 130")


def test_the_preview_lists_what_is_carried_and_the_missing_targets(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    _two_year_targets(world)
    response = sign_in("ufficio").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # Defaults: the year after the latest cycle, inside its three-year plan.
    assert 'name="year" value="2020"' in page
    assert 'name="plan_start" value="2019"' in page and 'name="plan_end" value="2021"' in page
    preview = response.context["preview"]
    assert preview.carried["obiettivi operativi"] == 5
    assert preview.carried["indicatori (con pesi e target del piano)"] == 10
    assert any(
        "2.1/2" in m and "nessun target 2020 per i suoi 2 indicatori" in m for m in preview.missing
    )
    assert any("obiettivo 3.1/1" in m and "nessun target 2020" in m for m in preview.missing)
    assert not any("2.1/1" in m or "1.1/1" in m or "Allegato B" in m for m in preview.missing)
    assert "nessun target 2020 per i suoi 2 indicatori" in page
    assert 'data-testid="confirm"' in page
    assert not Cycle.objects.filter(entity=world.entity, year=2020).exists()  # nothing written


def test_confirming_creates_the_cycle_with_the_new_years_targets_once(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    _two_year_targets(world)
    client = sign_in("ufficio")
    before = AuditEntry.objects.count()
    response = client.post(URL, FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:editor") + "?anno=2020"
    new = Cycle.objects.get(entity=world.entity, year=2020)
    assert (new.state, new.plan_period_start, new.plan_period_end) == ("draft", 2019, 2021)
    old = world.indicator("2.1/1", 1)
    twin = Indicator.objects.get(objective__cycle=new, lineage=old.lineage)
    assert twin.targets.get(year=2020).text == ">= 110"
    assert twin.weight == old.weight
    assert sorted(Period.objects.filter(cycle=new).values_list("code", "closed")) == [
        ("30.06", False),
        ("31.12", False),
    ]
    assert AuditEntry.objects.count() > before  # the creation is in the audit trail
    # A second confirmation is refused, with the reason, and creates nothing.
    again = client.post(URL, FORM)
    assert again.status_code == 400
    assert "ha già un ciclo 2020" in again.content.decode()
    assert Cycle.objects.filter(entity=world.entity, year=2020).count() == 1
    # The preview of that year says so too, and offers no confirmation.
    page = client.get(URL, FORM).content.decode()
    assert "ha già un ciclo 2020" in page and 'data-testid="confirm"' not in page


def test_a_year_without_the_previous_cycle_is_refused(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    form = {"year": "2022", "plan_start": "2022", "plan_end": "2024"}
    page = client.get(URL, form).content.decode()
    assert "non ha un ciclo 2021 da cui partire" in page
    response = client.post(URL, form)
    assert response.status_code == 400
    assert "non ha un ciclo 2021 da cui partire" in response.content.decode()
    assert not Cycle.objects.filter(entity=world.entity, year=2022).exists()


def test_a_plan_that_does_not_cover_the_year_is_refused(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    form = {"year": "2020", "plan_start": "2021", "plan_end": "2023"}
    response = sign_in("ufficio").post(URL, form)
    assert response.status_code == 400
    assert "fuori dal piano 2021-2023" in response.content.decode()
    bad = sign_in("ufficio").post(URL, {**FORM, "plan_start": "2022"})
    assert bad.status_code == 400
    assert "L&#x27;ultimo anno del piano precede il primo." in bad.content.decode()
    assert not Cycle.objects.filter(entity=world.entity, year=2020).exists()


@pytest.mark.parametrize("username", ["po", "dirigente", "oiv", "segretario"])
def test_only_the_office_may_see_or_confirm(
    world: World, sign_in: Callable[[str], Client], username: str
) -> None:
    client = sign_in(username)
    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not Cycle.objects.filter(year=2020).exists()


def test_the_office_of_another_administration_works_on_its_own(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    other = f.CycleFactory(year=2019)
    f.UserFactory(username="altro", role=Role.PERFORMANCE_OFFICE, role__entity=other.entity)
    client = sign_in("altro")
    page = client.get(URL).content.decode()
    assert other.entity.name in page and world.entity.name not in page
    assert client.post(URL, FORM).status_code == 302
    assert Cycle.objects.filter(entity=other.entity, year=2020).exists()
    assert not Cycle.objects.filter(entity=world.entity, year=2020).exists()
    # and a member of another administration without the office's role gets 403
    f.UserFactory(username="altro-po", role=Role.PO, role__entity=other.entity)
    assert sign_in("altro-po").get(URL).status_code == 403


def test_the_state_page_links_the_next_cycle_for_the_office(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    states = reverse("plans:states") + "?anno=2019"
    assert URL in sign_in("ufficio").get(states).content.decode()
    assert URL not in sign_in("po").get(states).content.decode()


def test_the_page_in_english(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert "New cycle from the previous one" in page
    assert "Carried from the 2019 cycle" in page and "Create the 2020 cycle" in page
    assert "Year of the new cycle" in page
