"""The "Scostamenti e rettifiche" page, the forms on an item's "perché" page, and the OIV's
check list flagging deviations."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client

from tests.world import World
from traguardo.scoring import adjustments
from traguardo.scoring.models import ScoreAdjustment

SignIn = Callable[[str], Client]


def published(world: World, code: str, value: str) -> None:
    office = get_user_model().objects.get(username="ufficio")
    adjustments.set_published(world.cycle, code, Decimal(value), by=office)


def test_office_lists_deviations_and_oiv_reads_only(world: World, sign_in: SignIn) -> None:
    published(world, "1.1/1", "99.5")
    page = sign_in("ufficio").get("/scostamenti/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="deviations"' in html and "99,50" in html and "-0,50" in html
    assert 'data-testid="adjust-forms"' in html
    oiv = sign_in("oiv").get("/scostamenti/").content.decode()
    assert 'data-testid="deviations"' in oiv and 'data-testid="read-only"' in oiv
    assert 'data-testid="adjust-forms"' not in oiv
    assert sign_in("po").get("/scostamenti/").status_code == 403


def test_explain_page_shows_the_published_figure_and_its_deviation(
    world: World, sign_in: SignIn
) -> None:
    published(world, "1.1/1", "99.5")
    url = f"/risultati/{world.cycle.year}/perche/1.1/1/"
    html = sign_in("oiv").get(url).content.decode()
    assert "Valore pubblicato: 99,50" in html and "scostamento dal calcolato" in html
    assert 'data-testid="adjust-forms"' not in html  # the OIV checks, it does not set
    office = sign_in("ufficio").get(url).content.decode()
    assert 'data-testid="adjust-forms"' in office and 'name="reason"' in office


def test_the_form_overrides_with_an_italian_number_and_needs_a_reason(
    world: World, sign_in: SignIn
) -> None:
    client = sign_in("segretario")
    url = f"/scostamenti/{world.cycle.year}/imposta/"
    back = f"/risultati/{world.cycle.year}/perche/2.1/1/"
    refused = client.post(
        url, {"action": "override", "code": "2.1/1", "value": "90,5", "reason": "", "next": back}
    )
    assert refused.status_code == 302 and refused["Location"] == back
    assert not ScoreAdjustment.objects.exists()
    page = client.get(back).content.decode()
    assert "Scrivi il motivo della rettifica" in page
    client.post(
        url,
        {"action": "override", "code": "2.1/1", "value": "90,5", "reason": "Dato corretto"},
    )
    row = ScoreAdjustment.objects.get(cycle=world.cycle, code="2.1/1")
    assert (row.override, row.reason) == (Decimal("90.5"), "Dato corretto")
    listed = client.get("/scostamenti/").content.decode()
    assert "Dato corretto" in listed and "rettificato" in listed
    bad = client.post(
        url, {"action": "published", "code": "2.1/1", "value": "abc"}, follow=True
    ).content.decode()
    assert "«abc» non è un numero" in bad


def test_oiv_check_list_flags_the_objective_with_a_deviation(world: World, sign_in: SignIn) -> None:
    published(world, "1.1/1#2", "50")
    html = sign_in("oiv").get("/oiv/").content.decode()
    assert 'data-testid="adjustments-link"' in html
    assert "1.1/1#2: scostamento dal valore pubblicato" in html


def test_an_override_shows_on_the_item_page_the_list_and_the_oiv_check_list(
    world: World, sign_in: SignIn
) -> None:
    """With the engine applying the cycle's adjustments (scoring.fetch: adjustments_of)."""
    office = get_user_model().objects.get(username="ufficio")
    adjustments.override(world.cycle, "2.1/1", Decimal(90), reason="Fonte corretta", by=office)
    html = sign_in("oiv").get(f"/risultati/{world.cycle.year}/perche/2.1/1/").content.decode()
    assert "rettificato: 90,00</strong> (calcolato 100,00) — Fonte corretta" in html
    listed = sign_in("oiv").get("/scostamenti/").content.decode()
    assert "Fonte corretta" in listed and "100,00" in listed
    check_list = sign_in("oiv").get("/oiv/").content.decode()
    assert "2.1/1 rettificato" in check_list
