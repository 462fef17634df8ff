"""A large values import (issue 17.3): saved in bulk, it must leave exactly what saving each
row with record_value leaves (values, versions, who, the audit entries), refuse the rows of
units the user does not enter, and report its progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from tests.exchange.helpers import make_xlsx
from traguardo.accounts.permissions import objective_unit_ids, units_in_scope
from traguardo.audit.models import AuditEntry
from traguardo.audit.recorder import acting_as
from traguardo.exchange.codes import indicators_by_code
from traguardo.exchange.services import import_file
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import record_value
from traguardo.plans.models import Cycle

HEADERS = ["Codice", "Periodo", "Valore", "Commento"]


@pytest.fixture
def big(demo: Cycle) -> Cycle:
    """The demo cycle with both periods open and 800 more indicators (200 objectives over
    the demo's sectors): 2,112 indicator × period pairs."""
    Period.objects.filter(cycle=demo).update(closed=False)
    units = ["1.1", "2.1", "2.2", "3.1"]
    objectives = [["Codice", "Titolo", "Categoria", "Obiettivi annuali"]]
    indicators = [["Codice", "Indicatore", "Peso", "Target 2019"]]
    for k in range(200):
        code = f"{units[k % 4]}/{1000 + k // 4}"
        objectives.append([code, f"Obiettivo {k}", "operativo_individuale", "1.2"])
        indicators += [[f"{code}#{n}", f"Indicatore {n}", 25, ">= 10"] for n in range(1, 5)]
    data = make_xlsx({"Obiettivi operativi": objectives, "Indicatori": indicators})
    result = import_file("piano.xlsx", data, demo, dry_run=False)
    assert result.saved, result.issues[:3]
    return demo


def _rows(cycle: Cycle, count: int, units: set[int] | None = None) -> list[list[Any]]:
    rows: list[list[Any]] = [HEADERS]
    for period in ("30.06", "31.12"):
        for n, (code, indicator) in enumerate(indicators_by_code(cycle).items()):
            objective = indicator.objective
            if units is not None and (objective is None or objective.home_unit_id not in units):
                continue
            if len(rows) <= count:
                value = ["SI", "n.m. dato non disponibile", f"{n % 89},25 %", f"{n}"][n % 4]
                rows.append([code, period, value, f"nota {n}" if n % 7 == 0 else ""])
    return rows


def _state(cycle: Cycle) -> dict[tuple[int, int], tuple[Any, ...]]:
    return {
        (m.indicator_id, m.period_id): (
            m.text,
            m.number,
            m.reading_kind,
            m.not_measurable_reason,
            m.comment,
            m.justification,
            m.version,
            m.entered_by_id,
            m.validated_by_id,
            m.validated_at,
        )
        for m in Measurement.objects.filter(period__cycle=cycle)
    }


def _entries(since: int) -> list[tuple[Any, ...]]:
    """The values' audit entries, keyed by what they are about (not by their own ids)."""
    keys = {str(m.pk): (m.indicator_id, m.period_id) for m in Measurement.objects.all()}
    return sorted(
        (
            keys[e.object_pk],
            e.action,
            e.object_repr,
            e.parent_label,
            e.parent_pk,
            e.cycle_id,
            e.entity_id,
            e.username,
            sorted(e.changes.items()),
        )
        for e in AuditEntry.objects.filter(pk__gt=since, model_label="monitoring.measurement")
    )


def _last_entry() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_bulk_import_leaves_what_record_value_row_by_row_leaves(big: Cycle) -> None:
    office = get_user_model().objects.get(username="ufficio")
    rows = _rows(big, 2000)
    assert len(rows) == 2001
    before = _state(big)
    codes = indicators_by_code(big)
    periods = {p.code: p for p in Period.objects.filter(cycle=big)}

    # The way before: record_value for each row (rolled back afterwards).
    since = _last_entry()
    with transaction.atomic():
        with acting_as(office):
            for code, period, text, comment in rows[1:]:
                record_value(office, codes[code], periods[period], text, comment=comment)
        one_by_one = _state(big)
        one_by_one_entries = _entries(since)
        transaction.set_rollback(True)
    assert _state(big) == before

    since = _last_entry()
    with acting_as(office):  # as the job runs it
        result = import_file(
            "valori.xlsx", make_xlsx({"Valori": rows}), big, dry_run=False, user=office
        )
    assert result.saved and not result.issues
    totals = result.totals()
    assert totals["create"] > 1000 and totals["update"] > 100, totals
    now = _state(big)
    assert now == one_by_one
    bulk_entries = _entries(since)
    assert len(bulk_entries) == totals["create"] + totals["update"]
    assert bulk_entries == one_by_one_entries
    # Plus the import's own summary, with its counts.
    summary = AuditEntry.objects.get(pk__gt=since, action="bulk")
    assert summary.changes["counts"]["Valori"]["create"] == totals["create"]


def test_a_dirigente_imports_only_the_values_of_their_units(big: Cycle) -> None:
    dirigente = get_user_model().objects.get(username="dirigente")
    theirs = units_in_scope(dirigente, big)
    assert theirs
    rows = _rows(big, 1500, theirs)
    # Two rows of another unit: refused with their row numbers, and nothing is saved.
    others = [
        code
        for code, i in indicators_by_code(big).items()
        if i.objective is not None and not objective_unit_ids(i.objective) & theirs
    ][:2]
    rows += [[others[0], "31.12", "17"], [others[1], "31.12", "18"]]
    before = _state(big)
    data = make_xlsx({"Valori": rows})
    for dry_run in (True, False):
        result = import_file("valori.xlsx", data, big, dry_run=dry_run, user=dirigente)
        assert not result.saved
        assert [(i.sheet, i.row, i.column) for i in result.issues] == [
            ("Valori", len(rows) - 1, "Valore"),
            ("Valori", len(rows), "Valore"),
        ]
        unit = others[0].split("/")[0]
        assert f"Non puoi inserire valori per l'indicatore {others[0]}" in (
            result.issues[0].message
        )
        assert f"è dell'unità {unit}" in result.issues[0].message
    assert _state(big) == before
    # Without them: saved, every row of their units.
    result = import_file(
        "valori.xlsx", make_xlsx({"Valori": rows[:-2]}), big, dry_run=False, user=dirigente
    )
    assert result.saved and not result.issues
    changed = result.totals()["create"] + result.totals()["update"]
    assert changed + result.totals()["unchanged"] == len(rows) - 3 and changed > 900
    saved = Measurement.objects.filter(period__cycle=big, entered_by=dirigente)
    assert saved.count() == changed
    assert not saved.exclude(indicator__objective__home_unit__in=theirs).exists()


def test_rows_another_unit_left_unchanged_are_not_refused(big: Cycle) -> None:
    """The downloaded template lists every indicator with its stored value: a dirigente
    who fills only theirs sends the others unchanged, and that is no refusal."""
    po = get_user_model().objects.get(username="po")
    final = Period.objects.get(cycle=big, code="31.12")
    stored = (
        Measurement.objects.filter(period=final, indicator__objective__isnull=False)
        .exclude(indicator__objective__home_unit__in=units_in_scope(po, big))
        .first()
    )
    assert stored is not None
    code = next(c for c, i in indicators_by_code(big).items() if i.pk == stored.indicator_id)
    rows = [HEADERS, [code, "31.12", stored.text, stored.comment]]
    result = import_file("valori.xlsx", make_xlsx({"Valori": rows}), big, dry_run=False, user=po)
    assert result.saved and result.totals()["unchanged"] == 1
    # The same row changed is refused.
    rows[1][2] = stored.text + "1"
    result = import_file("valori.xlsx", make_xlsx({"Valori": rows}), big, dry_run=False, user=po)
    assert not result.saved and [i.row for i in result.issues] == [2]


def test_progress_is_reported_up_to_the_whole_file(big: Cycle) -> None:
    calls: list[tuple[int, int, str]] = []
    rows = _rows(big, 2000)
    result = import_file(
        "valori.xlsx",
        make_xlsx({"Valori": rows}),
        big,
        dry_run=False,
        progress=lambda done, total, label: calls.append((done, total, label)),
    )
    assert result.saved
    checking = [c for c in calls if c[2] == "controllo dei valori"]
    saving = [c for c in calls if c[2] == "salvataggio dei valori"]
    assert [c[0] for c in checking] == [1000, 2000]
    changed = result.totals()["create"] + result.totals()["update"]
    assert saving[-1] == (changed, changed, "salvataggio dei valori")
    assert [c[0] for c in saving] == sorted(c[0] for c in saving)
    assert len(saving) >= 2
