"""A target changed by a revision after the value was known shows its history where the
target is read (the public "perché" page) and is flagged in the OIV's target-challenge
analysis (issue 16)."""

from __future__ import annotations

import datetime
import html as html_lib
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.monitoring.models import Measurement
from traguardo.monitoring.target_history import history
from traguardo.plans import editing, revisions
from traguardo.plans.models import Cycle


def _lower_target_below_the_value(world: World) -> Any:
    """2.1/1#1 (target ">= 100") gets the value 80 at 31.12; then revision n. 2 lowers
    the target to ">= 75"."""
    office = get_user_model().objects.get(username="ufficio")
    indicator = world.indicator("2.1/1", 1)
    Measurement.objects.filter(indicator=indicator, period=world.final).update(text="80", number=80)
    revisions.open_revision(
        office,
        world.cycle,
        reason="Riorganizzazione dello sportello",
        act_body="Giunta",
        act_type="Deliberazione",
        act_number="88",
        act_date=datetime.date(2019, 12, 20),
    )
    indicator.refresh_from_db()
    editing.set_targets(office, indicator, {world.cycle.year: ">= 75"}, indicator.version)
    return indicator


def test_the_history_knows_the_old_target_the_revision_and_the_value_then(world: World) -> None:
    indicator = _lower_target_below_the_value(world)
    changes = history([indicator.pk], world.cycle.year)[indicator.pk]
    assert len(changes) == 1
    change = changes[0]
    assert (change.old, change.new) == (">= 100", ">= 75")
    assert change.revision == 2 and change.date == datetime.date(2019, 12, 20)
    assert change.value_known == "80" and change.easier
    # An indicator whose target never changed has no history.
    untouched = world.indicator("3.1/1", 1)
    assert untouched.pk not in history([untouched.pk, indicator.pk], world.cycle.year)


def test_the_public_page_of_the_indicator_shows_the_target_until_the_revision(
    world: World,
) -> None:
    _lower_target_below_the_value(world)
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    url = f"/{world.entity.code}" + reverse("reports:explain", args=[world.cycle.year, "2.1/1#1"])
    text = html_lib.unescape(Client().get(url).content.decode())
    assert "target «>= 100» fino alla revisione n. 2 del 20/12/2019, poi «>= 75»" in text
    assert "cambiato quando il valore era già noto (80), reso più facile" in text


def test_the_oiv_challenge_analysis_flags_it(world: World, sign_in: Any) -> None:
    _lower_target_below_the_value(world)
    page = sign_in("oiv").get(reverse("oiv:challenge", args=[world.cycle.year]))
    text = html_lib.unescape(page.content.decode())
    section = text.split('id="rivisti"', 1)[1]
    assert 'data-testid="revised-targets"' in section
    assert "2.1/1#1" in section and "poi «>= 75»" in section
    assert "3.1/1#1" not in section


def test_nothing_is_flagged_without_such_a_change(world: World, sign_in: Any) -> None:
    page = sign_in("oiv").get(reverse("oiv:challenge", args=[world.cycle.year]))
    assert 'data-testid="no-revised-targets"' in page.content.decode()
