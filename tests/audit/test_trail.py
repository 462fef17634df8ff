"""The audit trail records who created, changed and deleted plan items, values, decisions.

Writes are recorded by explicit calls (`audit.recorder`), which the services make: these
tests use the calls directly; tests/audit/test_services.py checks the services."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from traguardo.audit import recorder
from traguardo.audit.models import AuditEntry
from traguardo.audit.recorder import acting_as, summarised
from traguardo.monitoring.models import Period
from traguardo.monitoring.services import record_value
from traguardo.plans.models import Cycle, Indicator, OperationalObjective, Target


def entries(obj: object) -> list[AuditEntry]:
    label = obj._meta.label_lower  # type: ignore[attr-defined]
    return list(
        AuditEntry.objects.filter(model_label=label, object_pk=str(obj.pk)).order_by("id")  # type: ignore[attr-defined]
    )


def test_it_records_create_update_delete_with_user_and_old_new(demo: Cycle) -> None:
    user = get_user_model().objects.get(username="ufficio")
    objective = OperationalObjective.objects.filter(cycle=demo).first()
    assert objective is not None
    with acting_as(user):
        indicator = recorder.create(
            Indicator,
            objective=objective,
            number=99,
            name="Pratiche evase",
            direction="higher",
            weight=Decimal("10"),
        )
        indicator.weight = Decimal("25.5")
        indicator.name = "Pratiche evase entro 5 giorni"
        recorder.save(indicator)
        recorder.save(indicator)  # nothing changed: no entry
        pk = indicator.pk
        recorder.delete(indicator)
    indicator.pk = pk
    create, update, delete = entries(indicator)
    assert [e.action for e in (create, update, delete)] == ["create", "update", "delete"]
    assert all(e.user == user and e.username == "ufficio" for e in (create, update, delete))
    assert create.changes["name"] == [None, "Pratiche evase"]
    assert create.changes["objective"] == [None, objective.pk]
    assert update.changes == {
        "name": ["Pratiche evase", "Pratiche evase entro 5 giorni"],
        "weight": ["10.000", "25.5"],
    }
    assert delete.changes["name"] == ["Pratiche evase entro 5 giorni", None]
    assert {create.cycle_id, update.cycle_id, delete.cycle_id} == {demo.pk}
    assert create.entity_id == demo.entity_id
    assert create.parent_label == "plans.operationalobjective"
    assert create.parent_pk == str(objective.pk)


def test_a_value_entered_through_the_service_is_recorded_under_its_indicator(
    demo: Cycle,
) -> None:
    Period.objects.filter(cycle=demo).update(closed=False)
    user = get_user_model().objects.get(username="ufficio")
    indicator = Indicator.objects.filter(objective__cycle=demo).first()
    assert indicator is not None
    period = Period.objects.get(cycle=demo, code="31.12")
    old = indicator.measurements.get(period=period)
    with acting_as(user):
        recorded = record_value(user, indicator, period, "1.234,5", comment="dal gestionale")
    (entry,) = entries(recorded.measurement)[-1:]
    assert entry.action == "update" and entry.username == "ufficio"
    assert entry.changes["text"] == [old.text, "1.234,5"]
    assert entry.changes["number"][1] == "1234.500000" or entry.changes["number"][1] == "1234.5"
    assert (entry.parent_label, entry.parent_pk) == ("plans.indicator", str(indicator.pk))


def test_summarised_writes_one_bulk_entry_with_counts(demo: Cycle) -> None:
    before = AuditEntry.objects.count()
    indicator = Indicator.objects.filter(entity_block__cycle=demo).first()
    assert indicator is not None
    with summarised("Importazione target 2022 da foglio di calcolo"):
        recorder.create(Target, indicator=indicator, year=2022, text=">= 1")
        recorder.create(Target, indicator=indicator, year=2023, text=">= 2")
        recorder.delete(Target.objects.filter(indicator=indicator, year=2023).get())
    (bulk,) = AuditEntry.objects.all()[: AuditEntry.objects.count() - before]
    assert bulk.action == "bulk"
    assert bulk.changes == {"plans.target": {"create": 2, "delete": 1}}
    assert bulk.cycle_id == demo.pk
    assert bulk.note == "Importazione target 2022 da foglio di calcolo"


def test_the_demo_import_is_one_summary_with_the_counts(demo: Cycle) -> None:
    # Thousands of created rows: one bulk entry with counts, not one entry per row.
    assert not AuditEntry.objects.filter(model_label="plans.indicator", cycle_id=demo.pk)
    (summary,) = AuditEntry.objects.filter(action="bulk", note__contains="ciclo 2019")
    assert summary.cycle_id == demo.pk
    assert (
        summary.changes["plans.indicator"]["create"]
        == Indicator.objects.filter(objective__cycle=demo).count()
        + Indicator.objects.filter(entity_block__cycle=demo).count()
    )


def test_many_to_many_changes_are_recorded(demo: Cycle) -> None:
    objective = OperationalObjective.objects.filter(cycle=demo).first()
    assert objective is not None
    before = sorted(objective.annual_objectives.values_list("pk", flat=True))
    recorder.set_m2m(objective, "annual_objectives", [])
    entry = entries(objective)[-1]
    assert entry.changes == {"annual_objectives": [before, []]}
