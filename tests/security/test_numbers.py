"""Numbers at every way in: one strict parser, one check of size and precision.

Issue 15, points 4 and 13: a 15-digit value made monitoring answer 500 on SQLite (and the
save a 500 on PostgreSQL); texts such as ``1,234.56`` or ``2,5e3`` were read as another
number (1,234 and 2,5) without a word. Now each is refused with a message naming the text,
or read as meant (``−5``, ``12 345``), and a stored value can always be read back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.exchange.helpers import make_xlsx, read_sheets
from tests.world import World
from traguardo.core.numbers import (
    VALUE_LIMITS,
    NumberFormatError,
    format_exact,
    parse_number,
    round_half_up,
)
from traguardo.core.readings import TargetFormatError, parse_target, value_problem
from traguardo.exchange.services import import_file
from traguardo.exchange.workbooks import values_workbook
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import ValueRefused, record_value
from traguardo.plans.models import Indicator

FIFTEEN = "999999999999999"

# Texts another program would read as something else: refused, the message names them.
MISREAD = ["1,234.56", "1e308", "2,5e3", "1E-3", "1_000", "0x1F", "1,234,567"]


@pytest.mark.parametrize("text", MISREAD)
def test_numbers_that_would_be_read_otherwise_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(NumberFormatError) as refused:
        parse_number(text)
    assert f"«{text}»" in str(refused.value)
    problem = value_problem(text)
    assert problem is not None and f"«{text}»" in problem


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("\u22125", Decimal(-5)),  # the Unicode minus of word processors
        ("\u22121.234,5", Decimal("-1234.5")),
        ("12\u202f345", Decimal(12345)),  # narrow no-break space between thousands
        ("12\u2009345", Decimal(12345)),  # thin space
        ("12\u00a0345,5", Decimal("12345.5")),
        ("1.234.567,891", Decimal("1234567.891")),
        ("99999999999999", Decimal("99999999999999")),  # 14 digits: the largest allowed
    ],
)
def test_unicode_signs_and_spaces_are_read_as_meant(text: str, number: Decimal) -> None:
    assert parse_number(text) == number
    assert value_problem(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (FIFTEEN, "troppo grande"),
        ("9" * 29, "troppo grande"),
        ("0,0000001", "troppi decimali"),
        ("oltre " + FIFTEEN, "troppo grande"),
    ],
)
def test_values_beyond_the_stored_precision_are_refused(text: str, words: str) -> None:
    problem = value_problem(text)
    assert problem is not None and words in problem
    with pytest.raises(NumberFormatError, match=words):
        parse_number(text.rsplit(" ", 1)[-1], VALUE_LIMITS)


def test_targets_of_38_digits_are_refused_with_a_message() -> None:
    with pytest.raises(TargetFormatError, match="troppo grande"):
        parse_target(">= " + "9" * 38)
    with pytest.raises(TargetFormatError, match="troppo grande"):
        parse_target("compresi tra 1 e " + "9" * 38)
    assert parse_target("= \u22125").low == Decimal(-5)


def test_rounding_never_fails_on_a_large_number() -> None:
    assert round_half_up(Decimal("9" * 40)) == Decimal("9" * 40)
    assert round_half_up(Decimal("1E+60"), 2) == Decimal("1E+60")


@given(
    st.decimals(
        min_value=Decimal("-99999999999999.999999"),
        max_value=Decimal("99999999999999.999999"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_every_number_within_the_limits_reads_back_as_shown(number: Decimal) -> None:
    text = format_exact(number, VALUE_LIMITS.decimal_places)
    assert parse_number(text, VALUE_LIMITS) == number
    assert value_problem(text) is None


@given(st.text(alphabet="0123456789.,-+eE_x \u2212\u202f", max_size=24))
def test_the_parser_never_fails_otherwise_than_with_a_message(text: str) -> None:
    try:
        parse_number(text, VALUE_LIMITS)
    except NumberFormatError as exc:
        assert str(exc)
    value_problem(text)  # never raises


# ----------------------------------------------------------------------------- the ways in


@pytest.fixture
def open_final(world: World) -> Period:
    Period.objects.filter(cycle=world.cycle, code="31.12").update(closed=False)
    return Period.objects.get(cycle=world.cycle, code="31.12")


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def _stored(indicator: Indicator, period: Period) -> Measurement:
    return Measurement.objects.get(indicator=indicator, period=period)


@pytest.mark.parametrize("text", [FIFTEEN, "9" * 29, "2,5e3", "1,234.56"])
def test_the_service_refuses_them_and_keeps_the_stored_value(
    world: World, open_final: Period, text: str
) -> None:
    indicator = world.indicator("2.1/1", 1)
    with pytest.raises(ValueRefused) as refused:
        record_value(_user("po"), indicator, open_final, text)
    assert f"«{text}»" in refused.value.message
    assert _stored(indicator, open_final).text == "120"


def test_the_web_form_refuses_a_15_digit_value_with_a_message(
    world: World, open_final: Period, sign_in: Any
) -> None:
    indicator = world.indicator("2.1/1", 1)
    response = sign_in("po").post(
        f"/monitoraggio/indicatore/{indicator.pk}/?periodo={open_final.pk}",
        {"action": "value", "text": FIFTEEN, "justification": "", "comment": "", "version": "1"},
    )
    assert response.status_code == 400
    assert "troppo grande" in response.content.decode()
    assert _stored(indicator, open_final).text == "120"


def test_the_api_refuses_a_15_digit_value_with_a_400(world: World, open_final: Period) -> None:
    indicator = world.indicator("2.1/1", 1)
    client = APIClient()
    client.force_authenticate(_user("po"))
    response = client.post(
        f"/api/v1/indicators/{indicator.pk}/measurements/",
        {"period": "31.12", "text": FIFTEEN, "version": 1},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "troppo grande" in response.content.decode()


def test_an_import_refuses_a_15_digit_value_naming_row_and_column(
    world: World, open_final: Period
) -> None:
    rows = read_sheets(values_workbook(world.cycle, open_final))["Valori"]
    number = next(i for i, row in enumerate(rows, start=1) if row[0] == "2.1/1#1")
    rows[number - 1][7] = FIFTEEN
    data = make_xlsx({"Valori": rows})
    for user in (None, _user("ufficio")):
        result = import_file("valori.xlsx", data, world.cycle, dry_run=False, user=user)
        assert not result.saved
        [issue] = result.issues
        assert (issue.row, issue.column) == (number, "Valore")
        assert "troppo grande" in issue.message
    assert _stored(world.indicator("2.1/1", 1), open_final).text == "120"


def test_a_stored_15_digit_value_is_read_shown_and_corrected(
    world: World, open_final: Period, sign_in: Any
) -> None:
    """A value saved before the check (or around it) must not break the pages reading it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses to store it (numeric overflow): nothing to read back")
    indicator = world.indicator("2.1/1", 1)
    Measurement.objects.filter(indicator=indicator, period=open_final).update(
        text=FIFTEEN, number=Decimal(FIFTEEN)
    )
    assert _stored(indicator, open_final).number == Decimal(FIFTEEN)
    office: Client = sign_in("ufficio")
    assert office.get(f"/monitoraggio/indicatore/{indicator.pk}/").status_code == 200
    assert office.get("/monitoraggio/").status_code == 200
    api = APIClient()
    api.force_authenticate(_user("ufficio"))
    listed = api.get(f"/api/v1/cycles/{world.cycle.pk}/measurements/")
    assert listed.status_code == 200, listed.content
    from traguardo.reports.relazione.content import build_document
    from traguardo.reports.relazione.xlsx import render_xlsx

    assert render_xlsx(build_document(world.cycle))  # the Relazione's tables, every figure
    version = _stored(indicator, open_final).version
    record_value(_user("po"), indicator, open_final, "130", expected_version=version)
    assert _stored(indicator, open_final).number == Decimal(130)


def test_the_stored_figure_is_declared_from_the_one_limit() -> None:
    field = Measurement._meta.get_field("number")
    assert (field.max_digits, field.decimal_places) == (  # type: ignore[attr-defined]
        VALUE_LIMITS.max_digits,
        VALUE_LIMITS.decimal_places,
    )


def test_the_admin_form_refuses_a_misread_number_in_the_text(
    world: World, open_final: Period
) -> None:
    from django.core.exceptions import ValidationError

    measurement = _stored(world.indicator("2.1/1", 1), open_final)
    measurement.text = "2,5e3"
    with pytest.raises(ValidationError) as refused:
        measurement.full_clean()
    assert "esponenziale" in str(refused.value.message_dict["text"])


@pytest.mark.parametrize("text", ["NaN", "1e0", "4_0", "0x4", "4,123"])
def test_a_behaviour_rating_is_read_by_the_one_parser(world: World, text: str) -> None:
    from traguardo.individual.models import CardScheme, Competence, ReportCard
    from traguardo.individual.services import StepForbidden, parse_ratings

    card = ReportCard.objects.get(cycle=world.cycle, key="PO-2.1")
    scheme = CardScheme.objects.create(
        cycle=world.cycle,
        role=card.role,
        results_weight=Decimal(60),
        behaviours_weight=Decimal(40),
        scale_min=Decimal(1),
        scale_max=Decimal(5),
    )
    Competence.objects.create(scheme=scheme, code="ORGA", name="Organizzazione", weight=100)
    assert parse_ratings(card, {"ORGA": "4,5"}) == {"ORGA": Decimal("4.5")}
    with pytest.raises(StepForbidden) as refused:
        parse_ratings(card, {"ORGA": text})
    assert "Organizzazione" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [("1,234.56", "all'inglese"), ("2,5e3", "esponenziale"), ("12345678", "troppo grande")],
)
def test_an_imported_plan_cell_says_why_its_number_is_refused(text: str, words: str) -> None:
    from traguardo.core.numbers import Limits
    from traguardo.exchange.cells import CellError, parse_decimal

    with pytest.raises(CellError, match=words):
        parse_decimal(text, low=Decimal(0), limits=Limits(7, 3))
    assert parse_decimal("1.234,5", limits=Limits(7, 3)) == Decimal("1234.5")


def test_the_plan_editor_refuses_a_38_digit_target_and_a_15_digit_weight(world: World) -> None:
    from traguardo.plans.forms import IndicatorForm

    year = world.cycle.year
    form = IndicatorForm(
        {
            "number": "9",
            "name": "Pratiche evase",
            "direction": "increase",
            "weight": FIFTEEN,
            f"target_{year}": ">= " + "9" * 38,
        },
        cycle=world.cycle,
    )
    assert not form.is_valid()
    assert "troppo grande" in str(form.errors[f"target_{year}"])
    assert "weight" in form.errors
