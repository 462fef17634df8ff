"""The gender budget: the demo registry's 2019 totals (the seed), then the page, the import
and the office's edits on a registry of four people built with factories."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import StaffRecordFactory
from tests.world import World
from traguardo.plans.models import Cycle
from traguardo.staff.models import StaffRecord
from traguardo.staff.services import gender_figures, import_registry

ClientAs = Callable[[str], Client]


@pytest.fixture
def registry(world: World) -> Cycle:
    """Three women and a man: women 75%, three women to a man, as in the demo's totals."""
    for gender in "FFFM":
        StaffRecordFactory(cycle=world.cycle, gender=gender)
    return world.cycle


def test_the_seeds_2019_figures(people: Cycle) -> None:
    budget = gender_figures(people)
    assert budget is not None
    # seed §3.4: 128 people at 31.12.2019, four dirigenti, women 75% and men 25%
    assert budget.total.total == 128
    assert budget.total.women_share == Decimal(75)
    assert budget.total.men_share == Decimal(25)
    assert budget.total.women_to_men == Decimal(3)
    dirigenti = next(f for f in budget.by_category if f.group == "Dirigenti")
    assert dirigenti.total == 4 and dirigenti.women < dirigenti.men  # under-represented
    assert sum(f.total for f in budget.by_age_band) == 128


def test_page_shows_rates_and_charts_to_members(registry: Cycle, sign_in: ClientAs) -> None:
    page = sign_in("po").get("/personale/").content.decode()
    assert 'data-testid="total">4' in page
    assert 'data-testid="rate-total">75,00%' in page
    assert 'data-testid="rate-ratio">3,00' in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2  # the charts
    assert "Importa" not in page  # only the office updates the registry


def test_import_with_errors_saves_nothing_and_says_where(registry: Cycle) -> None:
    content = (
        b"codice;genere;categoria;fascia_eta;part_time\n"
        b"A1;F;C;30-44;no\n"
        b"A2;X;C;30-44;no\n"
        b"A1;M;;45-59;forse\n"
    )
    result = import_registry(registry, "personale.csv", content)
    assert result.created == 0
    assert "personale.csv, riga 3, colonna genere: «X» (atteso F o M)" in result.errors
    assert "personale.csv, riga 4, colonna codice: «A1» ripetuto" in result.errors
    assert "personale.csv, riga 4, colonna categoria: vuota" in result.errors
    assert any("riga 4, colonna part_time" in e for e in result.errors)
    assert StaffRecord.objects.filter(cycle=registry).count() == 4


def test_office_imports_xlsx(registry: Cycle, sign_in: ClientAs) -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["codice", "genere", "categoria", "fascia_eta", "part_time", "ruolo"])
    sheet.append(["X1", "F", "D", "30-44", "sì", "po"])
    sheet.append(["X2", "M", "C", "45-59", "no", ""])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("personale.xlsx", out.getvalue())
    response = sign_in("ufficio").post(
        "/personale/", {"action": "import", "file": upload}, follow=True
    )
    assert "Importate 2 persone" in response.content.decode()
    budget = gender_figures(registry)
    assert budget is not None and budget.total.total == 2
    assert budget.total.part_time_women == 1


def test_po_cannot_post_to_the_registry(registry: Cycle, sign_in: ClientAs) -> None:
    response = sign_in("po").post(
        "/personale/",
        {
            "action": "add",
            "code": "Z",
            "gender": "F",
            "category": "C",
            "age_band": "30-44",
            "role": "staff",
        },
    )
    assert response.status_code == 403
    assert not StaffRecord.objects.filter(code="Z").exists()


def test_office_adds_one_person(registry: Cycle, sign_in: ClientAs) -> None:
    sign_in("ufficio").post(
        "/personale/",
        {
            "action": "add",
            "code": "Z",
            "gender": "F",
            "category": "C",
            "age_band": "30-44",
            "role": "staff",
        },
    )
    assert StaffRecord.objects.filter(cycle=registry).count() == 5
