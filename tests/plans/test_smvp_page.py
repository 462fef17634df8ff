"""The SMVP page: the office chooses a preset, adjusts it, previews it and saves it; the
others read it; another administration's office never reaches it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.core.smvp import preset
from traguardo.plan_editor.smvp_forms import SmvpForm
from traguardo.plans.models import Act, Cycle, EntityBlock, ScoringConfig
from traguardo.plans.smvp_services import canonical, document_of

pytestmark = pytest.mark.django_db
URL = reverse("plans:smvp") + "?anno=2019"


def post_data(document: dict[str, Any], **changes: str) -> dict[str, str]:
    """What the form posts when shown with `document`, with `changes` typed over it."""
    data: dict[str, str] = {"anno": "2019", "action": "preview"}
    for name, value in SmvpForm.initial_of(document).items():
        if value is True:
            data[name] = "on"
        elif value is not False and value is not None:
            data[name] = str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v != "__off__"}


def draft(world: World) -> Cycle:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.DRAFT)
    world.cycle.refresh_from_db()
    return world.cycle


def test_the_office_sees_the_presets_and_a_preset_previews_before_and_after(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    office = sign_in("ufficio")
    page = office.get(URL).content.decode()
    assert 'data-testid="smvp-presets"' in page and "medie-semplici" in page
    assert 'data-testid="smvp-form"' in page
    assert 'data-testid="smvp-whatif"' not in page
    page = office.get(URL + "&preset=medie-semplici").content.decode()
    assert 'data-testid="smvp-whatif"' in page
    assert 'data-testid="whatif-ENTE"' in page and 'data-testid="whatif-2.1"' in page
    assert "Prima" in page and "Dopo" in page


def test_the_preview_writes_nothing_and_the_save_stores_the_document_with_its_act(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = draft(world)
    office = sign_in("ufficio")
    data = post_data(document_of(cycle), unit__decimali="1", atto="Delibera n. 12 del 10/01/2020")
    shown = office.post(URL, data)
    assert shown.status_code == 200 and 'data-testid="smvp-whatif"' in shown.content.decode()
    assert "documento" not in ScoringConfig.objects.get(cycle=cycle).options
    saved = office.post(URL, {**data, "action": "save"})
    assert saved.status_code == 302
    stored = ScoringConfig.objects.get(cycle=cycle).options["documento"]
    assert stored["livelli"]["unit"]["decimali"] == 1
    assert stored["livelli"]["objective"]["metodo"] == "weighted_mean"  # untouched
    act = Act.objects.get(cycle=cycle, kind=Act.Kind.SMVP)
    assert act.number == "12"
    page = office.get(URL).content.decode()
    assert 'data-testid="smvp-acts"' in page and "n. 12" in page


def test_the_yaml_text_is_saved_as_written_and_its_error_names_the_setting(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = draft(world)
    office = sign_in("ufficio")
    bad = "livelli:\n  unit:\n    metodo: mediana\n"
    answer = office.post(
        URL, post_data(document_of(cycle), mode="yaml", documento=bad, action="save")
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'data-testid="smvp-errors"' in page and "livelli.unit.metodo" in page
    # The text alone is enough: the fields need not be posted in "yaml" mode.
    alone = {"anno": "2019", "action": "save", "mode": "yaml", "documento": bad}
    answer = office.post(URL, alone)
    assert answer.status_code == 400 and "livelli.unit.metodo" in answer.content.decode()
    good = "nome: mio\nlivelli:\n  unit: {decimali: 3}\n"
    answer = office.post(
        URL, post_data(document_of(cycle), mode="yaml", documento=good, action="save")
    )
    assert answer.status_code == 302
    assert document_of(cycle)["livelli"]["unit"]["decimali"] == 3
    assert document_of(cycle)["nome"] == "mio"


def test_a_plan_without_blocks_works_and_refuses_the_blocks_source_on_its_field(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    cycle = draft(world)
    EntityBlock.objects.filter(cycle=cycle).delete()
    office = sign_in("ufficio")
    page = office.get(URL + "&preset=medie-semplici").content.decode()
    assert 'data-testid="smvp-whatif"' in page
    simple = canonical(preset("medie-semplici"))
    answer = office.post(URL, post_data(simple, entity__fonte="blocks", action="save"))
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'id="id_entity__fonte_errors"' in page and "livelli.entity.fonte" in page
    answer = office.post(URL, post_data(simple, action="save"))
    assert answer.status_code == 302
    assert document_of(cycle)["livelli"]["entity"]["fonte"] == "strategic"


def test_after_approval_the_page_requires_act_and_reason_and_records_a_revision(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    office = sign_in("ufficio")
    simple = canonical(preset("medie-semplici"))
    answer = office.post(URL, post_data(simple, action="save"))
    assert answer.status_code == 400 and 'id="id_atto_errors"' in answer.content.decode()
    answer = office.post(
        URL, post_data(simple, action="save", atto="Delibera n. 3", motivo="nuovo sistema")
    )
    assert answer.status_code == 302
    revisions = office.get(reverse("plans:revisions") + "?anno=2019").content.decode()
    assert "Sistema di misurazione e valutazione (SMVP)" in revisions
    assert "livelli.entity.fonte" in revisions


@pytest.mark.parametrize("username", ["po", "dirigente", "segretario", "oiv"])
def test_the_others_read_the_smvp_and_may_not_change_it(
    world: World, sign_in: Callable[[str], Client], username: str
) -> None:
    client = sign_in(username)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="smvp-current"' in body and 'data-testid="smvp-readonly"' in body
    assert 'data-testid="smvp-form"' not in body
    simple = canonical(preset("medie-semplici"))
    data = post_data(simple, action="save", atto="Delibera n. 3", motivo="x")
    assert client.post(URL, data).status_code == 403
    assert "documento" not in ScoringConfig.objects.get(cycle=world.cycle).options


def test_a_closed_cycle_shows_its_smvp_read_only(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.CLOSED)
    page = sign_in("ufficio").get(URL).content.decode()
    assert 'data-testid="smvp-readonly"' in page and "non si cambia più" in page


def test_another_administrations_office_never_reaches_this_one(
    two_worlds: tuple[World, World], sign_in: Callable[[str], Client]
) -> None:
    mine, theirs = two_worlds
    other = sign_in("b_ufficio")
    assert other.get(f"/{mine.entity.code}/piano/smvp/?anno=2019").status_code in (403, 404)
    simple = canonical(preset("medie-semplici"))
    data = post_data(simple, action="save", atto="Delibera n. 3", motivo="x")
    other.post(f"/{mine.entity.code}/piano/smvp/", data)
    # Without a code the page is about the office's own cycle, never the other one.
    assert other.post(URL, data).status_code == 302
    assert "documento" not in ScoringConfig.objects.get(cycle=mine.cycle).options
    assert document_of(theirs.cycle)["livelli"]["entity"]["fonte"] == "strategic"


def test_the_menu_links_the_page_for_the_office_not_for_a_po(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    assert "/piano/smvp/" in sign_in("ufficio").get("/cruscotto/").content.decode()
    assert "/piano/smvp/" not in sign_in("po").get("/cruscotto/").content.decode()
    users = sign_in("ufficio").get(reverse("onboarding:office_users")).content.decode()
    assert 'data-testid="next-step-smvp"' in users


def test_decimal_comparison_of_rows() -> None:
    from traguardo.scoring.smvp_preview import Row

    row = Row("Ente", "ENTE", "x", Decimal("98.61"), Decimal("97.00"))
    assert row.moved and row.delta == Decimal("-1.61")


def test_the_installation_administrator_sets_a_new_administrations_smvp(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tests import factories as f

    cycle = draft(world)
    call_command(
        "user", "add", "gestore", "--installation-admin", "--email", "g@e.it", stdout=StringIO()
    )
    admin = f.signed_in(get_user_model().objects.get(username="gestore"))
    url = reverse("plans:smvp_installation", args=[world.entity.code])
    assert f'href="{url}"' in admin.get(reverse("onboarding:installation")).content.decode()
    page = admin.get(url + "?preset=medie-semplici").content.decode()
    assert 'data-testid="smvp-form"' in page and 'data-testid="smvp-whatif"' in page
    simple = canonical(preset("medie-semplici"))
    saved = admin.post(url + "?anno=2019", post_data(simple, action="save", atto="Delibera n. 1"))
    assert saved.status_code == 302
    assert document_of(cycle)["livelli"]["entity"]["fonte"] == "strategic"
    assert sign_in("ufficio").get(url).status_code == 403
