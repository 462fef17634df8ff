"""Assemble a cycle's Relazione from the database and its PlanScore (LG 3/2018 structure).

Every figure comes from the plan, the measurements and the scoring core; narratives come
from reports.Narrative with their placeholders filled from the same figures.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.db.models import Prefetch, Q
from django.utils import translation

from traguardo.core import deviations as core_deviations
from traguardo.core.cards import RoleScheme
from traguardo.core.numbers import ZERO, format_it
from traguardo.core.results import IndicatorScore, ObjectiveScore, PlanScore
from traguardo.individual.models import CardScheme, EvaluationConfig, ReportCard
from traguardo.individual.services import core_scheme, split_by_post
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.trend import previous_years_of_cycle
from traguardo.organisation.models import OrgUnit
from traguardo.plans import scope
from traguardo.plans.models import (
    Act,
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    Revision,
    Target,
)
from traguardo.reports.models import HeadlineIndicator, Narrative, StaffFigures
from traguardo.reports.relazione import charts
from traguardo.reports.relazione.document import (
    Block,
    Cell,
    Chart,
    Document,
    Heading,
    Part,
    Rich,
    Row,
    Table,
)
from traguardo.reports.relazione.document import Narrative as NarrativeBlock
from traguardo.reports.relazione.gender import gender_rates
from traguardo.reports.relazione.placeholders import fill
from traguardo.reports.relazione.sanitize import cell_html
from traguardo.scoring import adjustments
from traguardo.scoring.services import score_cycle
from traguardo.scoring.smvp_view import SmvpView, build_view

P = ParamSpec("P")
R = TypeVar("R")

Progress = Callable[[int, str], None]
KIND_LABELS = dict(Indicator.Kind.choices)


def pct(value: Decimal | None) -> str:
    """Percent as the seed prints it: two decimals, none when whole (100%, 72,63%)."""
    return "n.d." if value is None else format_it(value, 2, trim=True) + "%"


def num(value: Decimal | None) -> str:
    return "" if value is None else format_it(value, 2, trim=True)


RECTIFIED = "rettificato"  # beside a figure a person overrode (see "Note sugli scostamenti")


def without_columns(table: Table, drop: set[int]) -> Table:
    """The table less the columns `drop` (a column the SMVP or the plan leaves empty):
    data and total rows lose those cells, group rows (one cell across) stay."""
    if not drop:
        return table
    keep = [i for i in range(len(table.columns)) if i not in drop]
    index = {old: new for new, old in enumerate(keep)}

    def cells(row: Row) -> Row:
        if row.kind == "group":
            return row
        return Row(tuple(row.cells[i] for i in keep if i < len(row.cells)), row.kind)

    return Table(
        table.key,
        table.caption,
        tuple(table.columns[i] for i in keep),
        tuple(cells(r) for r in table.rows),
        tuple(table.widths[i] for i in keep) if table.widths else (),
        frozenset(index[i] for i in table.numeric if i in index),
    )


def _act_text(act: Act | None) -> str:
    if act is None:
        return ""
    body = act.body
    if body and act.act_type:
        body = ("della " if body.startswith("Giunta") else "del ") + body
    text = " ".join(w for w in (act.act_type, body) if w)
    if act.number:
        text += f" n. {act.number}"
    if act.date:
        text += f" del {act.date:%d.%m.%Y}"
    return text.strip()


def in_italian(method: Callable[P, R]) -> Callable[P, R]:
    """The Relazione is an Italian document: the core's texts it prints (the formulas of
    the report cards, explanations) are written in Italian whoever generates it."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("it"):
            return method(*args, **kwargs)

    return wrapper


# The annual objectives of a strategic one in id order, with their operational objectives
# and home units: one query per kind (an order_by() on the related manager would skip the
# prefetch and read each level again per row).
ANNUAL_IN_ORDER = Prefetch(
    "annual_objectives",
    queryset=AnnualObjective.objects.order_by("id").prefetch_related(
        "operational_objectives__home_unit"
    ),
)


class Builder:
    @in_italian
    def __init__(self, cycle: Cycle, progress: Progress | None = None) -> None:
        self.cycle = cycle
        self.progress = progress or (lambda _p, _s: None)
        self.progress(5, "Calcolo dei risultati")
        self.score: PlanScore = score_cycle(cycle, explain=False)
        self.units = {u.code: u for u in OrgUnit.objects.filter(entity=cycle.entity)}
        self.final = Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()
        self.measurements: dict[int, Measurement] = {
            m.indicator_id: m for m in Measurement.objects.filter(period=self.final)
        }
        self.targets: dict[int, dict[int, str]] = defaultdict(dict)
        for indicator_id, year, text in Target.objects.filter(
            scope.of_cycles(cycle, "indicator__")
        ).values_list("indicator_id", "year", "text"):
            self.targets[indicator_id][year] = text
        self.staff = StaffFigures.objects.filter(cycle=cycle).first()
        # What the SMVP and the plan have to show: levels, names, decimals, columns.
        self.view: SmvpView = build_view(cycle, self.score)
        self.problems: list[str] = []
        self.values = self._placeholder_values()

    def fig(self, code: str, level: str, value: Decimal | None, *, number: bool = False) -> str:
        """A level's figure as printed (the SMVP's decimals), with "(rettificato)" when a
        person overrode it: the computed figure and the reason are in section 5's notes."""
        shown = self.num(level, value) if number else self.pct(level, value)
        return f"{shown} ({RECTIFIED})" if code in self.score.adjusted and shown else shown

    # --- placeholders -----------------------------------------------------------------
    def _placeholder_values(self) -> dict[str, str]:
        score = self.score
        values = {
            "anno": str(self.cycle.year),
            "ente": self.cycle.entity.name,
            "performance_ente": self.pct("entity", score.entity.performance),
            "obiettivi_operativi": str(len(score.objectives)),
            "revisioni": str(Revision.objects.filter(cycle=self.cycle).count()),
        }
        for unit in score.units:
            prefix = "area" if unit.kind.value == "area" else "settore"
            shown = self.pct("area" if prefix == "area" else "unit", unit.performance)
            for name in {unit.code, unit.short} - {""}:
                values[f"{prefix}.{name}"] = shown
                values[f"unita.{name}"] = shown
        for block in score.entity.blocks:
            values[f"blocco.{block.number}"] = self.pct("block", block.achievement)
            for indicator in block.indicators:
                values[f"indicatore.B{indicator.number}"] = self.pct(
                    "indicator", indicator.degree.value
                )
                values[f"valore.B{indicator.number}"] = indicator.reading.text
        for results in self.view.results:  # strategic, annual, own levels the SMVP scores
            prefix = {"strategic": "strategico", "annual": "annuale"}.get(
                results.level.key, results.level.key
            )
            for node in results.nodes:
                values[f"{prefix}.{node.code}"] = results.level.percent(node.performance, trim=True)
        for revision in Revision.objects.filter(cycle=self.cycle):
            values[f"revisione_{revision.number}_variazioni"] = str(
                revision.variations_count or revision.changes.count()
            )
        if self.staff is not None:
            rates = gender_rates(self.staff.women, self.staff.men)
            values.update(
                {
                    "personale_totale": str(rates.total),
                    "personale_donne": str(rates.women),
                    "personale_uomini": str(rates.men),
                    "personale_donne_pct": pct(rates.women_share),
                    "personale_uomini_pct": pct(rates.men_share),
                    "personale_dirigenti": str(self.staff.managers),
                    "personale_fte": num(self.staff.fte),
                    "tasso_femminilizzazione": num(rates.women_per_man),
                }
            )
        return values

    def narrative(self, section: str) -> list[Block]:
        stored = Narrative.objects.filter(cycle=self.cycle, section=section).first()
        if stored is None or not stored.html.strip():
            return []
        filled = fill(stored.html, self.values)
        for name in filled.unknown:
            self.problems.append(
                f"Sezione «{stored.get_section_display()}»: il segnaposto {{{{ {name} }}}} "
                "non corrisponde a nessun dato (vedi l'elenco dei segnaposto disponibili)."
            )
        return [NarrativeBlock(filled.html)]

    # --- helpers ----------------------------------------------------------------------
    def pct(self, level: str, value: Decimal | None) -> str:
        """A level's figure with the SMVP's decimals (the seed's form: none when whole)."""
        return self.view.level(level).percent(value, trim=True)

    def num(self, level: str, value: Decimal | None) -> str:
        return self.view.level(level).number(value, trim=True)

    def _target(self, indicator: Indicator, year: int) -> str:
        return self.targets[indicator.id].get(year, "")

    def _value(self, indicator: Indicator) -> str:
        measurement = self.measurements.get(indicator.id)
        if measurement is None:
            return ""
        # A value entered as a ratio shows both its terms, as on the indicator's page.
        return measurement.ratio_label or measurement.text

    def _comment(self, indicator: Indicator) -> Cell:
        measurement = self.measurements.get(indicator.id)
        return Rich(cell_html(measurement.comment)) if measurement and measurement.comment else ""

    def headline_value(self, item: HeadlineIndicator) -> str:
        """The linked indicator's value at 31.12; the office's figure when not linked."""
        value = self._value(item.indicator) if item.indicator else ""
        return value or item.value_text

    # --- parts ------------------------------------------------------------------------
    @in_italian
    def build(self) -> Document:
        cycle = self.cycle
        approval = Act.objects.filter(cycle=cycle, kind=Act.Kind.REPORT_APPROVAL).first()
        parts: list[Part] = []
        steps: list[tuple[str, Callable[[], Part | None]]] = [
            ("Presentazione", self.presentazione),
            ("Risultati principali", self.risultati),
            ("Contesto e risorse", self.contesto),
            ("Performance organizzativa", self.organizzativa),
            ("Obiettivi individuali", self.individuali),
            ("Processo di misurazione", self.processo),
            ("Allegato A", self.allegato_a),
            ("Allegato B", self.allegato_b),
            ("Allegato C", self.allegato_c),
            ("Allegato D", lambda: self.allegato_cards("D")),
            ("Allegato E", lambda: self.allegato_cards("E")),
        ]
        for index, (label, make) in enumerate(steps):
            self.progress(10 + 50 * index // len(steps), f"Composizione: {label}")
            part = make()
            if part is not None:  # an annex with nothing to show under this SMVP
                parts.append(part)
        years = self.allegato_f()  # only when some indicator has earlier years
        if years is not None:
            parts.append(years)
        return Document(
            title="Relazione sulla performance",
            subtitle="(D. Lgs. n. 150 del 27 ottobre 2009 art. 10, comma 1, lettera b)",
            entity=cycle.entity.name,
            year=cycle.year,
            approval=_act_text(approval),
            header=f"{cycle.entity.name} – Relazione sulla performance {cycle.year}",
            parts=parts,
            problems=self.problems,
            logo=_logo(cycle.entity),
        )

    def presentazione(self) -> Part:
        return Part("presentazione", "Presentazione", self.narrative("presentazione"))

    def _areas_table(self) -> Table:
        if not self.view.has_areas:
            return self._units_table()
        rows: list[Row] = []
        sectors = {u.code: u for u in self.score.units if u.kind.value != "area"}
        for area in (u for u in self.score.units if u.kind.value == "area"):
            children = [sectors[c] for c in area.objectives if c in sectors]
            for index, sector in enumerate(children or [None]):
                rows.append(
                    Row(
                        (
                            f"{area.code} {area.short} – {area.name}" if index == 0 else "",
                            self.fig(area.code, "area", area.performance) if index == 0 else "",
                            f"{sector.code} {sector.short} – {sector.name}" if sector else "",
                            self.fig(sector.code, "unit", sector.performance) if sector else "",
                        )
                    )
                )
        return Table(
            "aree",
            "Performance di area e di settore",
            ("Area", "Performance media di area", "Settore", "Performance media di settore"),
            tuple(rows),
            (3, 1, 4, 1),
            frozenset({1, 3}),
        )

    def _units_table(self) -> Table:
        """No areas in the plan: the units' results alone, under the SMVP's name."""
        unit = self.view.unit
        return Table(
            "aree",
            unit.title("Performance delle unità organizzative"),
            ("Unità organizzativa", unit.title("Performance media")),
            tuple(
                Row((f"{u.code} {u.short} – {u.name}", self.pct("unit", u.performance)))
                for u in self.score.units
            ),
            (6, 1),
            frozenset({1}),
        )

    def _unit_chart(self, kind: str, key: str, title: str) -> Chart:
        units = [u for u in self.score.units if u.kind.value == kind]
        units = [u for u in units if u.performance is not None and u.objectives]
        chart = charts.BarChart(
            title,
            tuple(f"{u.code} {u.short}".strip() for u in units),
            (("Performance", tuple(u.performance or Decimal(0) for u in units)),),
            unit="%",
            maximum=Decimal(100),
            places=self.view.level("area" if kind == "area" else "unit").places,
        )
        return Chart(key, title, charts.to_svg(chart), charts.to_png(chart), chart.description())

    def risultati(self) -> Part:
        label = self.view.entity.title("Performance di Ente")
        entity = Table(
            "sintesi_ente",
            f"{label} (da Tabella calcolo Performance organizzativa dell'Ente)"
            if self.view.has_blocks
            else label,
            ("Indicatore", "Performance raggiunta"),
            (Row((label, self.fig("ENTE", "entity", self.score.entity.performance))),),
            (4, 1),
            frozenset({1}),
        )
        headline_rows = [
            Row((item.label, self.headline_value(item)))
            for item in HeadlineIndicator.objects.filter(cycle=self.cycle).select_related(
                "indicator"
            )
        ]
        blocks: list[Block] = [*self.narrative("risultati"), entity, self._areas_table()]
        if self.view.has_areas:
            blocks.append(
                self._unit_chart(
                    "area", "grafico_aree", self.view.area.title("Performance di area")
                )
            )
        blocks.append(
            self._unit_chart(
                "settore", "grafico_settori", self.view.unit.title("Performance di settore")
            )
        )
        if headline_rows:
            blocks.append(
                Table(
                    "indicatori_sintesi",
                    "Indicatori più significativi",
                    ("Indicatore", "Valore"),
                    tuple(headline_rows),
                    (5, 1),
                    frozenset({1}),
                )
            )
        return Part("risultati", "1. I principali risultati raggiunti", blocks)

    def contesto(self) -> Part:
        blocks = self.narrative("contesto")
        if self.staff is not None:
            s = self.staff
            blocks.append(
                Table(
                    "personale",
                    f"Personale in servizio al 31.12.{self.cycle.year}",
                    ("Voce", "Valore"),
                    (
                        Row(("Personale in servizio", str(s.total))),
                        Row(("di cui dirigenti", str(s.managers))),
                        Row(("Unità lavorative effettive (FTE)", num(s.fte))),
                        Row(("Cessazioni nell'anno", str(s.leavers))),
                        Row(("Ingressi nell'anno", str(s.joiners))),
                    ),
                    (4, 1),
                    frozenset({1}),
                )
            )
        return Part("contesto", "2. Analisi del contesto e delle risorse", blocks)

    def organizzativa(self) -> Part:
        blocks: list[Block] = [Heading(2, "3.0 - Albero della performance", "p3-0")]
        blocks += self.narrative("p3-0")
        blocks.append(
            Heading(2, "3.1 - Rendicontazione degli obiettivi strategici triennali", "p3-1")
        )
        blocks += self.narrative("strategici")
        blocks += self._level_tables("strategic")
        blocks.append(self._deviations())
        blocks.append(Heading(2, "3.2 - Rendicontazione degli obiettivi operativi annuali", "p3-2"))
        blocks += self.narrative("operativi")
        blocks.append(self._annual_table())
        blocks.append(
            Heading(2, "3.3 - Valutazione complessiva della performance organizzativa", "p3-3")
        )
        blocks += self.narrative("valutazione")
        for results in self.view.results:  # the administration's own levels
            if results.level.key not in ("strategic", "annual"):
                blocks += self._level_tables(results.level.key)
        blocks += self._distribution()
        blocks += self._trend()
        blocks.append(Heading(2, "3.4 - Bilancio di genere", "p3-4"))
        blocks += self.narrative("genere")
        blocks += self._gender()
        return Part("performance", "3. Rendicontazione della performance organizzativa", blocks)

    def _level_tables(self, key: str) -> list[Block]:
        """The results of a level the SMVP scores beyond the fixed ones (strategic and
        annual objectives, the administration's own levels), with its name and decimals."""
        results = self.view.result_of(key)
        if results is None:
            return []
        level = results.level
        rows = tuple(
            Row((node.code, node.title, level.percent(node.performance, trim=True)))
            for node in results.nodes
        )
        return [
            Table(
                f"livello_{key}"[:31],
                f"{level.label}: risultati",
                ("Codice", level.label, "Performance"),
                rows,
                (0.8, 6, 1),
                frozenset({2}),
            )
        ]

    def _objective_deviations(self) -> Table:
        """No entity table: the operational objectives' indicators below their target."""
        rows = []
        # The engine's keys ("2.1/1#2": rows in number, then id order, as scoring reads them).
        mine: dict[str, list[Indicator]] = defaultdict(list)
        for indicator in Indicator.objects.filter(objective__cycle=self.cycle).select_related(
            "objective__home_unit"
        ):
            mine[indicator.objective.code].append(indicator)  # type: ignore[union-attr]
        by_key = {
            f"{code}#{position}": indicator
            for code, items in mine.items()
            for position, indicator in enumerate(
                sorted(items, key=lambda i: (i.number, i.id)), start=1
            )
        }
        for objective in self.score.objectives.values():
            for scored in objective.indicators:
                if scored.degree.value is None or scored.degree.value >= 100:
                    continue
                if scored.degree.status.value == "excluded":
                    continue
                rows.append(self._deviation_row(scored, by_key.get(scored.key)))
        if not rows:
            rows.append(Row(("Nessuno scostamento negativo: tutti i target raggiunti.",), "group"))
        return Table(
            "scostamenti",
            "Indicatori con scostamento negativo e motivazioni",
            ("Codice", "Indicatore", "Target", "Valore", "Grado", "Motivazione"),
            tuple(rows),
            (0.8, 4, 1, 1, 1, 5),
            frozenset({4}),
        )

    def _deviation_row(
        self, scored: IndicatorScore, row: Indicator | None, label: str | None = None
    ) -> Row:
        """An indicator short of its target, with its owner's reason; `label`: its code."""
        return Row(
            (
                scored.key if label is None else label,
                scored.name,
                self._target(row, self.cycle.year) if row else "",
                scored.reading.text,
                self.pct("indicator", scored.degree.value),
                (self._comment(row) or "") if row else "",
            )
        )

    def _deviations(self) -> Table:
        if not self.view.has_blocks:
            return self._objective_deviations()
        indicators = {i.number: i for i in Indicator.objects.filter(entity_block__cycle=self.cycle)}
        rows = []
        for block in self.score.entity.blocks:
            for scored in block.indicators:
                if scored.degree.value is not None and scored.degree.value >= 100:
                    continue
                rows.append(
                    self._deviation_row(scored, indicators[scored.number], str(scored.number))
                )
        if not rows:
            rows.append(Row(("Nessuno scostamento negativo: tutti i target raggiunti.",), "group"))
        return Table(
            "scostamenti",
            "Obiettivi strategici: indicatori con scostamento negativo e motivazioni",
            ("N.", "Indicatore", "Target", "Valore", "Grado", "Motivazione"),
            tuple(rows),
            (0.5, 4, 1, 1, 1, 5),
            frozenset({0, 4}),
        )

    def _annual_table(self) -> Table:
        scored_annual = self.view.result_of("annual")
        rows = []
        for strategic in self.cycle.strategic_objectives.prefetch_related(ANNUAL_IN_ORDER).order_by(
            "id"
        ):
            rows.append(Row((f"{strategic.code} – {strategic.title}",), "group"))
            for annual in strategic.annual_objectives.all():  # prefetched in id order
                scores = [
                    self.score.objectives.get(o.code) for o in annual.operational_objectives.all()
                ]
                performances = [s.performance for s in scores if s and s.performance is not None]
                full = sum(1 for p in performances if p >= 100)
                cells: tuple[Cell, ...] = (
                    annual.code,
                    annual.title,
                    str(len(performances)),
                    str(full),
                    str(len(performances) - full),
                )
                if scored_annual is not None:
                    node = self.view.node("annual", annual.code)
                    cells += (
                        scored_annual.level.percent(node.performance if node else None, trim=True),
                    )
                rows.append(Row(cells))
        columns: tuple[str, ...] = (
            "Codice",
            "Obiettivo annuale",
            "Obiettivi operativi",
            "Al 100%",
            "Sotto il 100%",
        )
        widths: tuple[float, ...] = (0.7, 5, 1, 1, 1)
        if scored_annual is not None:  # the SMVP scores annual objectives: their result
            columns += ("Performance",)
            widths += (1,)
        return Table(
            "obiettivi_annuali",
            "Obiettivi annuali: obiettivi operativi collegati e loro raggiungimento",
            columns,
            tuple(rows),
            widths,
            frozenset(range(2, len(columns))),
        )

    def _all_degrees(self) -> list[Decimal]:
        scored: list[IndicatorScore] = [
            i for b in self.score.entity.blocks for i in b.indicators
        ] + [i for o in self.score.objectives.values() for i in o.indicators]
        return [i.degree.value for i in scored if i.degree.value is not None]

    def _distribution(self) -> list[Block]:
        labels, counts = charts.degree_bands(self._all_degrees())
        chart = charts.BarChart(
            "Distribuzione dei gradi di raggiungimento degli indicatori",
            labels,
            (("Indicatori", counts),),
        )
        table = Table(
            "distribuzione",
            "Indicatori per grado di raggiungimento",
            ("Grado di raggiungimento", "Numero di indicatori"),
            tuple(Row((label, num(count))) for label, count in zip(labels, counts, strict=True)),
            (3, 1),
            frozenset({1}),
        )
        return [
            table,
            Chart(
                "grafico_gradi",
                chart.title,
                charts.to_svg(chart),
                charts.to_png(chart),
                chart.description(),
            ),
        ]

    def _trend(self) -> list[Block]:
        cycles = list(
            Cycle.objects.filter(entity=self.cycle.entity, year__lte=self.cycle.year).order_by(
                "year"
            )
        )
        if len(cycles) < 2:
            return []
        results = [
            (c.year, self.score if c.pk == self.cycle.pk else score_cycle(c, explain=False))
            for c in cycles
        ]
        label = self.view.entity.title("Performance di Ente")
        chart = charts.BarChart(
            f"{label} negli anni",
            tuple(str(year) for year, _ in results),
            ((label, tuple(s.entity.performance for _, s in results)),),
            unit="%",
            maximum=Decimal(100),
            places=self.view.entity.places,
        )
        return [
            Chart(
                "grafico_anni",
                chart.title,
                charts.to_svg(chart),
                charts.to_png(chart),
                chart.description(),
            )
        ]

    def _gender(self) -> list[Block]:
        if self.staff is None:
            return []
        rates = gender_rates(self.staff.women, self.staff.men)
        blocks: list[Block] = [
            Table(
                "genere",
                f"Personale per genere al 31.12.{self.cycle.year}",
                ("Voce", "Donne", "Uomini", "Totale"),
                (
                    Row(
                        (
                            "Personale in servizio",
                            str(rates.women),
                            str(rates.men),
                            str(rates.total),
                        )
                    ),
                    Row(("Composizione", pct(rates.women_share), pct(rates.men_share), "100%")),
                    Row(
                        (
                            "Tasso di femminilizzazione (donne per ogni uomo)",
                            num(rates.women_per_man),
                            "",
                            "",
                        )
                    ),
                ),
                (4, 1, 1, 1),
                frozenset({1, 2, 3}),
            )
        ]
        series: list[tuple[str, str, list[dict[str, object]]]] = [
            (
                "grafico_genere",
                "Personale per genere",
                [{"label": "Totale", "women": rates.women, "men": rates.men}],
            ),
            ("grafico_categoria", "Personale per genere e categoria", self.staff.by_category),
            ("grafico_eta", "Personale per genere ed età", self.staff.by_age),
        ]
        for key, title, items in series:
            if not items:
                continue
            chart = charts.BarChart(
                title,
                tuple(str(i["label"]) for i in items),
                (
                    ("Donne", tuple(Decimal(str(i["women"])) for i in items)),
                    ("Uomini", tuple(Decimal(str(i["men"])) for i in items)),
                ),
            )
            blocks.append(
                Chart(key, title, charts.to_svg(chart), charts.to_png(chart), chart.description())
            )
        return blocks

    def individuali(self) -> Part:
        blocks = self.narrative("individuali")
        rows = []
        for card in self.score.cards:
            for index, synthesis in enumerate(card.synthesis):
                rows.append(
                    Row(
                        (
                            card.key if index == 0 else "",
                            card.title if index == 0 else "",
                            synthesis.label,
                            self.pct("card", synthesis.performance),
                        )
                    )
                )
        if not rows:  # no report cards in this cycle: no empty table, no annexes D and E
            return Part("individuali", "4. Rendicontazione degli obiettivi individuali", blocks)
        blocks.append(
            Table(
                "schede",
                "Sintesi delle schede di valutazione (Allegati D ed E)",
                ("Scheda", "Intestazione", "Riga di sintesi", "Performance"),
                tuple(rows),
                (1, 4, 3, 1),
                frozenset({3}),
            )
        )
        return Part("individuali", "4. Rendicontazione degli obiettivi individuali", blocks)

    def processo(self) -> Part:
        blocks = self.narrative("processo")
        revisions = Revision.objects.filter(cycle=self.cycle).select_related("act")
        rows = []
        changes = []
        for revision in revisions:
            rows.append(
                Row(
                    (
                        str(revision.number),
                        _act_text(revision.act),
                        str(revision.variations_count or ""),
                        str(revision.changes.count()),
                    )
                )
            )
            for change in revision.changes.all():
                changes.append(Row((str(revision.number), change.get_kind_display(), change.text)))
        blocks.append(
            Table(
                "revisioni",
                "Revisioni del Piano",
                ("N.", "Atto", "Variazioni complessive", "Variazioni descritte"),
                tuple(rows) or (Row(("Nessuna revisione del Piano nell'anno.",), "group"),),
                (0.5, 4, 1, 1),
                frozenset({0, 2, 3}),
            )
        )
        if changes:
            blocks.append(
                Table(
                    "variazioni",
                    "Variazioni che hanno sostituito obiettivi, contenuti o indicatori",
                    ("Revisione", "Tipo", "Descrizione"),
                    tuple(changes),
                    (0.8, 2, 7),
                    frozenset({0}),
                )
            )
        blocks += self._adjustment_notes()
        return Part("processo", "5. Il processo di misurazione e valutazione", blocks)

    def _adjustment_notes(self) -> list[Block]:
        """ "Note sugli scostamenti": the figures a person overrode (used, computed, reason)
        and the published figures the computed ones do not reproduce; nothing when none."""
        rectified = [
            Row(
                (
                    core_deviations.label(self.score, code),
                    f"{pct(item.used)} ({RECTIFIED})",
                    pct(item.computed),
                    item.reason,
                )
            )
            for code, item in sorted(self.score.adjusted.items())
        ]
        deviations = adjustments.deviations_of(self.cycle, self.score)
        if not rectified and not deviations:
            return []
        blocks: list[Block] = [
            Heading(2, "Note sugli scostamenti e sulle rettifiche", "note-scostamenti")
        ]
        if rectified:
            blocks.append(
                Table(
                    "rettifiche",
                    "Valori rettificati: il valore usato, quello calcolato e il motivo",
                    ("Elemento", "Valore usato", "Valore calcolato", "Motivo"),
                    tuple(rectified),
                    (4, 1.4, 1.2, 5),
                    frozenset({1, 2}),
                )
            )
        if deviations:
            blocks.append(
                Table(
                    "scostamenti_pubblicati",
                    "Scostamenti tra i valori pubblicati e quelli calcolati",
                    ("Elemento", "Valore pubblicato", "Valore calcolato", "Differenza"),
                    tuple(
                        Row(
                            (
                                d.label,
                                pct(d.published),
                                pct(d.rounded),
                                num(d.difference) if d.difference is not None else "n.d.",
                            )
                        )
                        for d in deviations
                    ),
                    (5, 1.3, 1.3, 1.1),
                    frozenset({1, 2, 3}),
                )
            )
        return blocks

    # --- annexes ----------------------------------------------------------------------
    def allegato_a(self) -> Part:
        rows: list[Row] = []
        for strategic in self.cycle.strategic_objectives.prefetch_related(ANNUAL_IN_ORDER).order_by(
            "id"
        ):
            heading = f"{strategic.get_kind_display()} {strategic.code} – {strategic.title}"
            node = self.view.node("strategic", strategic.code)
            if node is not None:  # the SMVP scores strategic objectives
                heading += f": {self.pct('strategic', node.performance)}"
            rows.append(Row((heading,), "group"))
            for annual in strategic.annual_objectives.all():  # prefetched in id order
                node = self.view.node("annual", annual.code)
                shown = self.pct("annual", node.performance) if node is not None else ""
                rows.append(Row((annual.code, annual.title, "", shown)))
                for objective in sorted(
                    annual.operational_objectives.all(),
                    key=lambda o: (o.home_unit.code, o.number),
                ):
                    score = self.score.objectives.get(objective.code)
                    rows.append(
                        Row(
                            (
                                "",
                                f"{objective.code} {objective.title}",
                                f"{objective.home_unit.code} {objective.home_unit.short}",
                                self.fig(
                                    objective.code,
                                    "objective",
                                    score.performance if score else None,
                                ),
                            )
                        )
                    )
        table = Table(
            "allegato_a",
            f"Albero della performance {self.cycle.year}",
            (
                "Obiettivo annuale",
                "Obiettivo annuale / obiettivo operativo",
                "Unità",
                "Performance",
            ),
            tuple(rows),
            (1, 8, 1.5, 1.2),
            frozenset({3}),
        )
        return Part("allegato-a", "Allegato A – Albero della performance", [table], landscape=True)

    def allegato_b(self) -> Part | None:
        if not self.view.has_blocks:  # no entity table in this plan: no Allegato B
            return None
        year = self.cycle.year
        rows: list[Row] = []
        by_block: dict[int, list[Indicator]] = defaultdict(list)
        for indicator in Indicator.objects.filter(entity_block__cycle=self.cycle).order_by(
            "number"
        ):
            by_block[indicator.entity_block_id or 0].append(indicator)
        scored_blocks = {b.number: b for b in self.score.entity.blocks}
        for block in EntityBlock.objects.filter(cycle=self.cycle).select_related(
            "annual_objective"
        ):
            scored = scored_blocks[block.number]
            heading = block.heading
            if block.annual_objective is not None and not heading.startswith("Obiettivo"):
                heading = f"Obiettivo annuale {block.annual_objective.code} – {heading}"
            rows.append(Row((heading,), "group"))
            for index, indicator in enumerate(by_block[block.id]):
                degree = self.score.entity_indicator(indicator.number).degree.value
                first = index == 0
                rows.append(
                    Row(
                        (
                            str(indicator.number),
                            "SI" if indicator.art67 else "",
                            indicator.name,
                            indicator.method,
                            indicator.source,
                            KIND_LABELS.get(indicator.kind, "").lower(),
                            self._target(indicator, year),
                            self._target(indicator, year + 1),
                            self._target(indicator, year + 2),
                            num(indicator.weight),
                            self._value(indicator),
                            self.fig(f"B{indicator.number}", "indicator", degree),
                            self.fig(f"BLOCCO-{block.number}", "block", scored.achievement)
                            if first
                            else "",
                            num(scored.weight) if first else "",
                            self.num("entity", scored.result) if first else "",
                        )
                    )
                )
        view = self.view
        entity_total = self.fig("ENTE", "entity", self.score.entity.performance, number=True)
        label = view.entity.title("Performance di Ente")
        # Under "A × B" when the entity is Σ A × B, else under the blocks' achievements.
        gap = 13 if view.weighted_sum else 11
        total: tuple[Cell, ...] = (f"Totale {label[:1].lower()}{label[1:]}",)
        rows.append(Row(total + ("",) * gap + (entity_total,), "total"))
        table = Table(
            "allegato_b",
            f"Tabella calcolo Performance organizzativa dell'Ente {year}-{year + 2}",
            (
                "N.",
                "art. 67",
                "Indicatore",
                "Metodo di calcolo",
                "Fonte",
                "Tipo indicatore",
                f"Target {year}",
                f"Target {year + 1}",
                f"Target {year + 2}",
                "Peso ind. (%)",
                f"Valore {year}",
                "Grado realizz.",
                "Realizz. obiettivo (A)",
                "Perf. complessiva (B)",
                "Risultato (A×B)",
            ),
            tuple(rows),
            (0.45, 0.5, 3.2, 3.2, 1.1, 1.1, 0.9, 0.9, 0.9, 0.6, 1.1, 0.9, 0.9, 0.8, 0.8),
            frozenset({0, 9, 10, 11, 12, 13, 14}),
        )
        # Columns this SMVP and plan leave empty: "art. 67" with no such indicator, a
        # target year with no target, B and A × B when the entity is not Σ A × B.
        drop = {
            6 + offset
            for offset, target_year in enumerate((year, year + 1, year + 2))
            if target_year not in view.block_target_years
        }
        if not view.art67_indicators:
            drop.add(1)
        if not view.weighted_sum:
            drop |= {13, 14}
            columns = list(table.columns)
            columns[12] = view.block.title("Realizzazione del blocco")
            table = dataclasses.replace(table, columns=tuple(columns))
        table = without_columns(table, drop)
        return Part(
            "allegato-b",
            "Allegato B – Tabella calcolo Performance organizzativa dell'Ente",
            [table],
            landscape=True,
        )

    def _objective_flags(self, objective: OperationalObjective) -> str:
        flags = []
        if objective.art67_scheda:
            flags.append(f"art. 67 – scheda progetto n. {objective.art67_scheda}")
        if objective.biennial_year:
            flags.append(
                f"biennale, {objective.biennial_year}ª annualità di {objective.biennial_of}"
            )
        if objective.revised_by is not None:
            flags.append(f"modificato con revisione n. {objective.revised_by.number}")
        if objective.transversal_text:
            flags.append("trasversale")
        return "; ".join(flags)

    def _objective_rows(self, objective: OperationalObjective, number: int) -> list[Row]:
        score: ObjectiveScore | None = self.score.objectives.get(objective.code)
        annual = "; ".join(f"{a.code} {a.title}" for a in objective.annual_objectives.all())
        rows = []
        indicators = list(objective.indicators.all())
        for index, indicator in enumerate(indicators or [None]):
            first = index == 0
            rows.append(
                Row(
                    (
                        f"Obiettivo {number} – {objective.title}" if first else "",
                        f"{indicator.number}) {indicator.name}" if indicator else "",
                        self._target(indicator, self.cycle.year) if indicator else "",
                        self._value(indicator) if indicator else "",
                        self._comment(indicator) if indicator else "",
                        num(indicator.weight) if indicator else "",
                        self.fig(objective.code, "objective", score.performance if score else None)
                        if first
                        else "",
                        annual if first else "",
                        self._objective_flags(objective) if first else "",
                    )
                )
            )
        return rows

    def allegato_c(self) -> Part:
        blocks: list[Block] = []
        assignments: dict[str, list[ObjectiveAssignment]] = defaultdict(list)
        for assignment in (
            ObjectiveAssignment.objects.filter(cycle=self.cycle)
            .select_related("objective__home_unit", "objective__revised_by", "unit")
            .prefetch_related("objective__indicators", "objective__annual_objectives")
            .order_by("local_number")
        ):
            assignments[assignment.unit.code].append(assignment)
        for unit_score in self.score.units:
            items = assignments.get(unit_score.code)
            if not items:
                continue
            unit = self.units[unit_score.code]
            unit_kind = "area" if unit_score.kind.value == "area" else "unit"
            rows: list[Row] = []
            for assignment in items:
                objective = assignment.objective
                if objective.home_unit_id != unit.id:
                    home = objective.home_unit
                    rows.append(
                        Row(
                            (
                                f"Obiettivo {assignment.local_number} – {objective.title}",
                                f"Consultare obiettivo n. {objective.number} di {home.code} "
                                f"{home.short}",
                                "",
                                "",
                                "",
                                "",
                                self.fig(
                                    objective.code,
                                    "objective",
                                    self.score.objectives[objective.code].performance,
                                ),
                                "",
                                self._objective_flags(objective),
                            )
                        )
                    )
                    continue
                rows += self._objective_rows(objective, assignment.local_number)
            title = f"{unit.code} {unit.short} – {unit.name}"
            blocks.append(Heading(3, title, f"c-{unit.code}"))
            blocks.append(
                self._without_target(
                    Table(
                        f"C {unit.code} {unit.short}"[:31],
                        f"{title}: performance "
                        f"{self.fig(unit_score.code, unit_kind, unit_score.performance)}",
                        (
                            "Obiettivo",
                            "Indicatore",
                            f"Target {self.cycle.year}",
                            f"Monitoraggio 31.12.{self.cycle.year}",
                            "Commenti e note",
                            "Peso",
                            "Performance raggiunta",
                            "Obiettivo annuale strategico",
                            "Segnalazioni",
                        ),
                        tuple(rows),
                        (3, 2.6, 1, 1.2, 4, 0.6, 1, 1.8, 1.4),
                        frozenset({5, 6}),
                    )
                )
            )
        return Part(
            "allegato-c",
            "Allegato C – Rendiconto degli obiettivi del Piano operativo",
            blocks,
            landscape=True,
        )

    def _without_target(self, table: Table) -> Table:
        """No objective's indicator has a target for the year: no empty "Target" column."""
        if self.cycle.year in self.view.objective_target_years:
            return table
        return without_columns(table, {2})

    def allegato_f(self) -> Part | None:
        """The indicators in the earlier cycles (same lineage): target, value at 31.12
        and degree of each of the last three earlier years beside this year's target and
        value. None for a first cycle (the document is then as before)."""
        earlier = previous_years_of_cycle(self.cycle)
        if not earlier:
            return None
        year = self.cycle.year
        years = sorted({row.year for rows in earlier.values() for row in rows})[-3:]
        indicators = list(
            Indicator.objects.filter(
                Q(objective__cycle=self.cycle) | Q(entity_block__cycle=self.cycle),
                replaced_by__isnull=True,
                lineage__in=list(earlier),
            )
            .select_related("objective__home_unit", "entity_block")
            .order_by(
                "entity_block__number", "objective__home_unit__code", "objective__number", "number"
            )
        )
        rows: list[Row] = []
        for group, members in (
            ("Indicatori dell'Ente (Allegato B)", [i for i in indicators if i.entity_block_id]),
            ("Indicatori degli obiettivi operativi", [i for i in indicators if i.objective_id]),
        ):
            if not members:
                continue
            rows.append(Row((group,), "group"))
            for indicator in members:
                by_year = {row.year: row for row in earlier[indicator.lineage]}
                cells: list[Cell] = [self._indicator_label(indicator)]
                for past in years:
                    row = by_year.get(past)
                    cells += (
                        [row.target, row.value or "", self.pct("indicator", row.degree_value)]
                        if row is not None
                        else ["", "", ""]
                    )
                cells += [self._target(indicator, year), self._value(indicator)]
                rows.append(Row(tuple(cells)))
        columns = ["Indicatore"]
        for past in years:
            columns += [f"Target {past}", f"Valore {past}", f"Grado {past}"]
        columns += [f"Target {year}", f"Valore {year}"]
        numeric = frozenset(3 + 3 * i for i in range(len(years)))
        table = Table(
            "allegato_f",
            f"Indicatori negli anni precedenti (dal {years[0]} al {year})",
            tuple(columns),
            tuple(rows),
            (4.0,) + (1.0,) * (len(columns) - 1),
            numeric,
        )
        note = NarrativeBlock(
            "<p>Gli stessi indicatori nei cicli precedenti dell'ente (riportati di anno in "
            "anno dal piano triennale): target, valore al 31.12 e grado di realizzazione di "
            "ciascun anno, accanto al target e al valore dell'anno della Relazione.</p>"
        )
        return Part(
            "allegato-f",
            "Allegato F – Gli indicatori negli anni precedenti",
            [note, table],
            landscape=True,
        )

    @staticmethod
    def _indicator_label(indicator: Indicator) -> str:
        if indicator.objective is not None:
            return f"{indicator.objective.code} n. {indicator.number} – {indicator.name}"
        return f"B n. {indicator.number} – {indicator.name}"

    def allegato_cards(self, letter: str) -> Part | None:
        roles = ("segretario_generale", "dirigente") if letter == "D" else ("po",)
        scored = {c.key: c for c in self.score.cards}
        blocks: list[Block] = []
        split_schemes = self._split_schemes()
        for card in (
            ReportCard.objects.filter(cycle=self.cycle, role__in=roles)
            .prefetch_related("objectives__objective__home_unit", "synthesis_rows")
            .order_by("id")
        ):
            card_score = scored[card.key]
            performance = {number: value for number, _, value in card_score.objectives}
            rows = [
                Row(
                    (
                        str(entry.number),
                        f"{entry.objective.title} ({entry.objective.code})",
                        entry.kind_label,
                        self.pct("objective", performance.get(entry.number)),
                        Rich(cell_html(entry.results)) if entry.results else "",
                    )
                )
                for entry in card.objectives.all()
            ]
            synthesis = [
                Row(
                    (
                        row.label,
                        ", ".join(str(n) for n in row.objectives),
                        self.pct("card", row.performance),
                    )
                )
                for row in card_score.synthesis
            ]
            blocks.append(Heading(3, f"{card.key} – {card.title}", f"scheda-{card.key}"))
            blocks.append(
                Table(
                    f"{letter} {card.key}"[:31],
                    f"Obiettivi della scheda {card.key}",
                    ("N.", "Obiettivo", "Tipo", "Performance raggiunta", "Risultati raggiunti"),
                    tuple(rows),
                    (0.5, 5, 2, 1, 6),
                    frozenset({0, 3}),
                )
            )
            blocks.append(
                Table(
                    f"{letter} {card.key} sintesi"[:31],
                    f"Sintesi della scheda {card.key}",
                    ("Riga di sintesi", "Obiettivi", "Performance"),
                    tuple(synthesis),
                    (6, 2, 1),
                    frozenset({2}),
                )
            )
            if split_schemes is not None:
                blocks.extend(self._split_table(letter, card, split_schemes))
        if not blocks:  # no report card of these roles: no empty annex
            return None
        title = (
            "Allegato D – Rendiconto degli obiettivi di performance attribuiti alla dirigenza"
            if letter == "D"
            else "Allegato E – Rendiconto degli obiettivi di performance attribuiti ai "
            "titolari di Posizione organizzativa"
        )
        return Part(f"allegato-{letter.lower()}", title, blocks, landscape=True)

    def _split_schemes(self) -> dict[str, RoleScheme] | None:
        """The SMVP's schemes by role when the cycle splits cards by post, else None."""
        config = EvaluationConfig.objects.filter(cycle=self.cycle).first()
        if config is None or not config.split_by_days:
            return None
        return {
            s.role: core_scheme(s)
            for s in CardScheme.objects.filter(cycle=self.cycle).prefetch_related("competences")
        }

    def _split_table(
        self, letter: str, card: ReportCard, schemes: dict[str, RoleScheme]
    ) -> list[Block]:
        """A rotated card's results part by post (days and partial score), as on its page."""
        scheme = schemes.get(card.role) or RoleScheme(card.role, Decimal(100), ZERO, Decimal(5))
        try:
            split = split_by_post(card, self.score, scheme)
        except ValueError:
            return []
        if split is None:
            return []
        total = sum(post.days for post, _ in split.posts)
        rows = [
            Row((post.label, f"{post.days}/{total}", pct(part.value), part.explanation.formula))
            for post, part in split.posts
        ]
        rows.append(
            Row(
                (
                    "Parte risultati della scheda",
                    str(total),
                    pct(split.whole.value),
                    split.whole.explanation.formula,
                ),
                kind="total",
            )
        )
        return [
            Table(
                f"{letter} {card.key} incarichi"[:31],
                f"Parte risultati della scheda {card.key} per incarico (pro rata per giorni)",
                ("Incarico", "Giorni", "Parte risultati", "Calcolo"),
                tuple(rows),
                (5, 1, 1, 5),
                frozenset({1, 2}),
            )
        ]


def _logo(entity: Any) -> bytes:
    """The administration's logo for the cover (organisation.logo), b"" when none."""
    if not entity.logo:
        return b""
    try:
        with entity.logo.open("rb") as handle:
            data: bytes = handle.read()
    except FileNotFoundError:
        return b""
    return data


def build_document(cycle: Cycle, progress: Progress | None = None) -> Document:
    return Builder(cycle, progress).build()
