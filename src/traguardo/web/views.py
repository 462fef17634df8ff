"""The citizens' home page and the staff's dashboard, tree explorer and objective page."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from traguardo.accounts import current, permissions
from traguardo.accounts.decorators import check, member_required
from traguardo.accounts.models import Role
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Entity
from traguardo.plans import checks, rule_text
from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.scoring.score_cache import kept, part
from traguardo.scoring.services import score_cycle
from traguardo.scoring.smvp_view import build_view
from traguardo.web import charts, my_units, search, selectors
from traguardo.web.tree import TreeFilters, build_tree


def home(request: HttpRequest) -> HttpResponse:
    """The published cycles: of the URL's administration (/tvbl/), else of every one, each
    linked under its code when the installation holds several."""
    published = Cycle.objects.filter(state=Cycle.State.PUBLISHED).select_related("entity")
    entity = current.url_entity(request)
    if entity is not None:
        published = published.filter(entity=entity)
    prefixed = entity is None and current.several()
    rows = [
        {
            "cycle": cycle,
            "performance": score_cycle(cycle, explain=False).entity.performance,
            "url": (
                current.reverse_for(request, cycle.entity, "reports:results", [cycle.year])
                if prefixed
                else reverse("reports:results", args=[cycle.year])
            ),
        }
        for cycle in published.order_by("-year", "entity__name")
    ]
    context = {
        "rows": rows,
        "entity": entity,
        # An empty installation says what to do first; its administrator gets a link.
        "empty": not rows and not Entity.objects.exists(),
        "installation_admin": permissions.is_installation_admin(request.user),
    }
    return render(request, "web/home.html", context)


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cycle, cycles = selectors.chosen_cycle(request, request.GET.get("year"))
    if cycle is None:
        office = permissions.has_role(request.user, Role.PERFORMANCE_OFFICE)
        return render(
            request, "web/dashboard.html", {"cycle": None, "cycles": cycles, "office": office}
        )
    check(permissions.can_view_plan(request.user, cycle))
    mine_ids = permissions.units_in_scope(request.user, cycle)
    # Only the head (entity result and the reader's own units) depends on the reader; the
    # tables are the same for everybody, rendered once per data version (web.parts).
    body = dashboard_tables(cycle)
    head_html = dashboard_head(cycle, frozenset(mine_ids))
    return render(
        request,
        "web/dashboard.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "head": head_html,
            "body": body,
            "office": permissions.has_role_in(
                request.user, cycle.entity_id, Role.PERFORMANCE_OFFICE
            ),
        },
    )


def dashboard_head(cycle: Cycle, mine_ids: frozenset[int]) -> SafeString:
    """The entity result and the table of the reader's own units (`mine_ids`)."""

    # Scored only when the part is not cached: a cached part needs no score at all.
    def head() -> dict[str, Any]:
        score = score_cycle(cycle)
        return {
            "cycle": cycle,
            "score": score,
            "view": build_view(cycle, score),  # the SMVP's names, decimals, scored levels
            "mine": my_units.my_units(cycle, score, mine_ids),
        }

    return part("web/_dashboard_head.html", cycle.pk, tuple(sorted(mine_ids)), head)


def dashboard_tables(cycle: Cycle) -> SafeString:
    """The dashboard's tables, the same for every reader."""
    return part("web/_dashboard_body.html", cycle.pk, None, lambda: _dashboard_body(cycle))


def _dashboard_body(cycle: Cycle) -> dict[str, Any]:
    score = score_cycle(cycle)
    areas = selectors.areas_and_sectors(score)
    periods = _completeness(cycle)
    area_chart = charts.bar_chart(
        "chart-areas",
        _("Performance delle aree e dei settori %(year)s") % {"year": cycle.year},
        _(
            "Barre orizzontali, una per unità; la linea tratteggiata segna il 100%. "
            "Gli stessi valori sono nella tabella che segue."
        ),
        [
            charts.Bar(unit.short or unit.code, unit.performance)
            for row in areas
            for unit in row.units
        ],
    )
    gauges = [
        charts.gauge(
            f"chart-period-{p.period.code.replace('.', '-')}",
            _("Valori inseriti al %(period)s") % {"period": p.period},
            _("%(done)s valori inseriti su %(total)s attesi.")
            % {"done": p.expected - p.missing, "total": p.expected},
            p.expected - p.missing,
            p.expected,
        )
        for p in periods
    ]
    return {
        "cycle": cycle,
        "view": build_view(cycle, score),
        "areas": areas,
        "off_target": selectors.off_target(score),
        "periods": list(zip(periods, gauges, strict=True)),
        "area_chart": area_chart,
    }


def _completeness(cycle: Cycle) -> list[selectors.PeriodCompleteness]:
    """Read once per data version for the dashboard's gauges and the completeness page."""
    return kept(cycle.pk, "completeness", lambda: selectors.completeness(cycle))


@member_required
def completeness(request: HttpRequest) -> HttpResponse:
    """Who still owes values, per period: the dashboard shows the counts, this the lists."""
    cycle, cycles = selectors.chosen_cycle(request, request.GET.get("year"))
    if cycle is None:
        return render(request, "web/completeness.html", {"cycle": None, "cycles": cycles})
    check(permissions.can_view_plan(request.user, cycle))
    body = part(
        "web/_completeness_body.html",
        cycle.pk,
        None,
        lambda: {"cycle": cycle, "periods": _completeness(cycle)},
    )
    return render(request, "web/completeness.html", {"cycle": cycle, "body": body})


@member_required
def tree(request: HttpRequest) -> HttpResponse:
    cycle, cycles = selectors.chosen_cycle(request, request.GET.get("year"))
    if cycle is None:
        return render(request, "web/tree.html", {"cycle": None, "cycles": cycles})
    check(permissions.can_view_plan(request.user, cycle))
    filters = TreeFilters.from_query(request.GET, cycle)
    return render(
        request,
        "web/tree.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "filters": filters,
            "units": filters.unit_choices,
            "body": tree_part(cycle, filters),
        },
    )


def tree_part(cycle: Cycle, filters: TreeFilters) -> SafeString:
    """The tree of the cycle under `filters`, with every score."""

    def body() -> dict[str, Any]:
        nodes, shown = build_tree(cycle, score_cycle(cycle), filters)
        return {
            "cycle": cycle,
            "nodes": nodes,
            "shown": shown,
            "indicators": filters.show_indicators,
        }

    vary = (
        filters.unit.pk if filters.unit else None,
        filters.art67,
        filters.biennial,
        filters.revised,
        filters.off_target,
        filters.show_indicators,
    )
    return part("web/_tree_body.html", cycle.pk, vary, body)


@member_required
def objective(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(
        OperationalObjective.objects.select_related(
            "cycle__entity", "home_unit", "revised_by", "replaced_by__home_unit"
        ),
        pk=pk,
    )
    check(permissions.can_view_plan(request.user, obj.cycle))
    score = score_cycle(obj.cycle)
    objective_score = score.objectives.get(obj.code)
    indicator_scores = {i.key: i for i in objective_score.indicators} if objective_score else {}
    periods = list(Period.objects.filter(cycle=obj.cycle).order_by("date"))
    indicators: list[dict[str, Any]] = []
    rows = (
        Indicator.objects.filter(objective=obj).prefetch_related("targets").order_by("number", "id")
    )
    measurements: dict[tuple[int, int], Measurement] = {
        (m.indicator_id, m.period_id): m
        for m in Measurement.objects.filter(indicator__objective=obj)
    }
    for position, indicator in enumerate(rows, start=1):
        key = f"{obj.code}#{position}"  # the same numbering as scoring.fetch
        indicators.append(
            {
                "row": indicator,
                "key": key,
                "score": indicator_scores.get(key),
                "off": key in indicator_scores and selectors.is_off_target(indicator_scores[key]),
                "targets": sorted(indicator.targets.all(), key=lambda t: t.year),
                "values": [(p, measurements.get((indicator.id, p.id))) for p in periods],
                "rule": rule_text.describe(indicator.scoring_rule, indicator.rule_params),
            }
        )
    assignments = obj.assignments.select_related("unit").order_by("unit__code")
    return render(
        request,
        "web/objective.html",
        {
            "objective": obj,
            "cycle": obj.cycle,
            "score": objective_score,
            "indicators": indicators,
            # weights are shown only when the SMVP combines indicators by them
            "weights_used": checks.weights_shown(obj.cycle),
            "assignments": assignments,
            "annual": obj.annual_objectives.select_related("strategic").order_by("code"),
            "replaces": obj.replaces.select_related("home_unit"),
        },
    )


@member_required
def find(request: HttpRequest) -> HttpResponse:
    """Search the administration's plan (the cycle of ?anno=, else the latest)."""
    cycle, cycles = selectors.chosen_cycle(request, request.GET.get("year"))
    query = request.GET.get("q", "").strip()[: search.MAX_QUERY]
    groups: list[search.Group] = []
    if cycle is not None:
        check(permissions.can_view_plan(request.user, cycle))
        office = permissions.has_role_in(request.user, cycle.entity_id, Role.PERFORMANCE_OFFICE)
        groups = search.search(cycle, query, all_people=office) if query else []
    return render(
        request,
        "web/search.html",
        {"cycle": cycle, "cycles": cycles, "query": query, "groups": groups},
    )


def entity_logo(request: HttpRequest, code: str) -> HttpResponse:
    """An administration's logo, as the header and the public pages show it: a PNG that
    Traguardo re-drew itself (organisation.logo), never sniffed into anything else, and
    cached by the browser (its name changes with every upload)."""
    entity = get_object_or_404(Entity, code=code)
    if not entity.logo:
        raise Http404(_("Questo ente non ha un logo."))
    try:
        handle = entity.logo.open("rb")
    except FileNotFoundError:
        raise Http404(_("Il file non è più disponibile.")) from None
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response  # type: ignore[return-value]  # a streaming response, served the same way
