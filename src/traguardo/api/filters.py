"""Query filters of the list endpoints (django-filter): unit, period, off-target, …"""

from __future__ import annotations

from typing import Any

import django_filters  # type: ignore[import-untyped]  # ships no type hints
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from django import forms
from traguardo.api.scores import indicator_keys, is_off_target, plan_score, scores_by_key
from traguardo.monitoring.models import Measurement, MeasurementReadingKind, PeriodCode
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, CycleState, Indicator


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within the database's integer range (else 400, never an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2_147_483_647)
        super().__init__(*args, **kwargs)


def units_under(cycle: Cycle, code: str) -> set[int]:
    """The unit with this code and all its sub-units (an area brings its sectors)."""
    children: dict[int | None, list[int]] = {}
    roots: list[int] = []
    for pk, parent_id, unit_code in OrgUnit.objects.filter(entity_id=cycle.entity_id).values_list(
        "id", "parent_id", "code"
    ):
        children.setdefault(parent_id, []).append(pk)
        if unit_code == code:
            roots.append(pk)
    found: set[int] = set()
    while roots:
        pk = roots.pop()
        if pk not in found:
            found.add(pk)
            roots.extend(children.get(pk, []))
    return found


def _objective_in_units(prefix: str, unit_ids: set[int]) -> Q:
    return Q(**{f"{prefix}home_unit_id__in": unit_ids}) | Q(
        **{f"{prefix}assignments__unit_id__in": unit_ids}
    )


class CycleFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", help_text=_("Anno del ciclo."))
    state = django_filters.ChoiceFilter(
        field_name="state", choices=CycleState.choices, help_text=_("Stato del ciclo.")
    )

    class Meta:
        model = Cycle
        fields: tuple[str, ...] = ()


class IndicatorFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(
        method="filter_unit",
        max_length=20,
        help_text=_("Codice di unità (es. 2.1; un'area comprende i suoi settori)."),
    )
    objective = django_filters.CharFilter(
        method="filter_objective", max_length=30, help_text=_("Codice di obiettivo, es. 2.1/1.")
    )
    block = IntegerFilter(
        field_name="entity_block__number", help_text=_("Numero di blocco dell'Allegato B.")
    )
    owner = django_filters.ChoiceFilter(
        method="filter_owner",
        choices=[("objective", _("obiettivo operativo")), ("entity", _("Allegato B"))],
        help_text=_("Indicatori degli obiettivi operativi o della performance dell'ente."),
    )
    off_target = django_filters.BooleanFilter(
        method="filter_off_target",
        help_text=_("true: solo gli indicatori sotto il 100% del target al 31.12."),
    )

    class Meta:
        model = Indicator
        fields: tuple[str, ...] = ()

    def _cycle(self) -> Cycle:
        cycle: Cycle = self.request.parser_context["view"].cycle
        return cycle

    def filter_unit(self, queryset: QuerySet[Indicator], name: str, value: str) -> Any:
        units = units_under(self._cycle(), value)
        return queryset.filter(_objective_in_units("objective__", units)).distinct()

    def filter_objective(self, queryset: QuerySet[Indicator], name: str, value: str) -> Any:
        unit_code, _sep, number = value.partition("/")
        if not (number.isascii() and number.isdigit() and len(number) <= 5):
            return queryset.none()
        return queryset.filter(objective__home_unit__code=unit_code, objective__number=int(number))

    def filter_owner(self, queryset: QuerySet[Indicator], name: str, value: str) -> Any:
        if value == "entity":
            return queryset.filter(entity_block__isnull=False)
        return queryset.filter(objective__isnull=False)

    def filter_off_target(self, queryset: QuerySet[Indicator], name: str, value: bool) -> Any:
        cycle = self._cycle()
        keys = indicator_keys(cycle)
        scores = scores_by_key(plan_score(self.request, cycle))
        off = {pk for pk, key in keys.items() if key in scores and is_off_target(scores[key])}
        return queryset.filter(pk__in=off) if value else queryset.exclude(pk__in=off)


class MeasurementFilter(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(
        field_name="period__code", choices=PeriodCode.choices, help_text=_("30.06 o 31.12.")
    )
    unit = django_filters.CharFilter(
        method="filter_unit", max_length=20, help_text=_("Codice di unità (es. 2.1).")
    )
    indicator = IntegerFilter(field_name="indicator_id", help_text=_("Id dell'indicatore."))
    reading_kind = django_filters.ChoiceFilter(
        field_name="reading_kind", choices=MeasurementReadingKind.choices
    )

    class Meta:
        model = Measurement
        fields: tuple[str, ...] = ()

    def filter_unit(self, queryset: QuerySet[Measurement], name: str, value: str) -> Any:
        cycle: Cycle = self.request.parser_context["view"].cycle
        units = units_under(cycle, value)
        return queryset.filter(_objective_in_units("indicator__objective__", units)).distinct()
