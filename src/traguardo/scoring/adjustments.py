"""Published figures and overrides of scored figures: who may set them, and the one place
that writes them (web, API, imports and command line call these functions).

- A **published figure** is the figure a past Relazione printed for an item (loading past
  cycles from their published reports). It changes no score: it is compared with the
  computed figure rounded as the SMVP rounds the item's level (core.deviations) and every
  difference is flagged to the office and the OIV. Set by the performance office (it is
  data loading, like the plan and the values), in every state but published: a published
  cycle is read-only. In a closed or validated cycle the stored score does not change, and
  the deviations are computed against it, so recording them there is harmless and useful.
- An **override** replaces a computed degree or result with a figure a person decides, with
  a written reason; the engine uses it and propagates it upward, and keeps the computed
  figure beside it (PlanScore.adjusted): pages, explanations and the Relazione print it as
  "rettificato". It is a decision on the results, so it is taken by whoever answers for
  them: the performance office and the Segretario generale of the cycle's administration.
  Never the OIV (it checks the results and reads the overrides, it does not make them),
  managers or PO holders (they would rectify their own results). Only while the cycle is
  open (draft, approved, monitoring): a closed cycle shows its stored score, so it must go
  back to monitoring (with a reason, on the states page) to be rectified.

Every write is audited (audit.recorder) and bumps the cycle's data version (plans.versions),
so cached scores and page parts are recomputed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.audit import recorder
from traguardo.core import deviations as core_deviations
from traguardo.core.model import Adjustment, Smvp
from traguardo.core.results import PlanScore
from traguardo.plans import versions
from traguardo.plans.models import Cycle
from traguardo.scoring.models import ScoreAdjustment

OVERRIDE_STATES = frozenset({Cycle.State.DRAFT, Cycle.State.APPROVED, Cycle.State.MONITORING})
OVERRIDE_ROLES = (Role.PERFORMANCE_OFFICE, Role.SEGRETARIO)
PUBLISHED_ROLES = (Role.PERFORMANCE_OFFICE,)
READER_ROLES = (Role.PERFORMANCE_OFFICE, Role.SEGRETARIO, Role.OIV)
LIMIT = Decimal(1_000_000)  # the column holds 6 integer digits (percent points: plenty)
PLACES = Decimal("0.000001")


class AdjustmentRefused(Exception):
    """The change cannot be made; `message` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- who may ---------------------------------------------------------------------------------


def can_view(user: Any, cycle: Cycle) -> bool:
    """The list of adjustments and deviations: the office, the SG and the OIV (read-only)."""
    return permissions.has_role_in(user, cycle.entity_id, *READER_ROLES)


def override_refusal(user: Any, cycle: Cycle) -> str | None:
    """Why `user` may not override a figure of `cycle` now, or None if they may. No user
    (None): a command run by the installation's operator, as for the other services."""
    if user is not None and not permissions.has_role_in(user, cycle.entity_id, *OVERRIDE_ROLES):
        return _(
            "Solo la struttura tecnica permanente (ufficio performance) o il Segretario "
            "generale dell'ente rettificano un risultato."
        )
    if cycle.state not in OVERRIDE_STATES:
        return _(
            "Il ciclo %(year)s è nello stato «%(state)s»: i risultati si rettificano solo a "
            "ciclo aperto (riportalo in monitoraggio, con un motivo, dalla pagina degli stati)."
        ) % {"year": cycle.year, "state": cycle.get_state_display()}
    return None


def published_refusal(user: Any, cycle: Cycle) -> str | None:
    """Why `user` may not record a published figure of `cycle`, or None if they may
    (None: a command, see override_refusal)."""
    if user is not None and not permissions.has_role_in(user, cycle.entity_id, *PUBLISHED_ROLES):
        return _(
            "Solo la struttura tecnica permanente (ufficio performance) dell'ente registra i "
            "valori pubblicati."
        )
    if cycle.is_published:
        return _("Il ciclo %(year)s è pubblicato: i suoi dati sono in sola lettura.") % {
            "year": cycle.year
        }
    return None


def can_override(user: Any, cycle: Cycle) -> bool:
    return override_refusal(user, cycle) is None


def can_set_published(user: Any, cycle: Cycle) -> bool:
    return published_refusal(user, cycle) is None


# --- reading ---------------------------------------------------------------------------------


def adjustments_of(cycle: Cycle) -> dict[str, Adjustment]:
    """The cycle's adjustments as the core reads them (Plan.adjustments), by explain code:
    scoring.fetch passes them to the plan."""
    return {
        code: Adjustment(_plain(published), _plain(override), reason, username or "")
        for code, published, override, reason, username in ScoreAdjustment.objects.filter(
            cycle=cycle
        )
        .order_by("code")
        .values_list("code", "published", "override", "reason", "set_by__username")
    }


def published_of(cycle: Cycle) -> dict[str, Decimal]:
    """The published figures recorded for the cycle, by explain code: read from the
    database, not from the score, so that a closed cycle's stored score is compared with
    figures recorded after it was stored."""
    found: dict[str, Decimal] = {}
    for code, value in (
        ScoreAdjustment.objects.filter(cycle=cycle, published__isnull=False)
        .order_by("code")
        .values_list("code", "published")
    ):
        plain = _plain(value)
        if plain is not None:
            found[code] = plain
    return found


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored figure without the column's trailing zeros (72.630000 → 72.63; 100)."""
    if value is None:
        return None
    plain = value.normalize()
    exponent = plain.as_tuple().exponent
    return plain.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else plain


def plan_smvp(cycle: Cycle) -> Smvp:
    """The SMVP the cycle's score was computed with (a closed cycle's: the stored one)."""
    from traguardo.scoring.services import plan_of

    return plan_of(cycle).smvp


def deviations_of(cycle: Cycle, score: PlanScore | None = None) -> list[core_deviations.Deviation]:
    """Every published figure of the cycle that the computed one does not reproduce."""
    from traguardo.scoring.services import score_cycle

    score = score if score is not None else score_cycle(cycle)
    return core_deviations.deviations(score, plan_smvp(cycle), published_of(cycle))


def canonical(score: PlanScore, code: str) -> str:
    """The code as the engine files it ("ente" → "ENTE", a unit's short name → its code);
    AdjustmentRefused naming the code when it names no scored figure of the plan."""
    wanted = code.strip()
    if wanted.upper() in ("ENTE", "ENTITY"):
        return "ENTE"
    if wanted.upper().startswith("BLOCCO-"):
        wanted = "BLOCCO-" + wanted.split("-", 1)[1]
    elif wanted[:1] == "b" and wanted[1:].isdigit():
        wanted = wanted.upper()
    if not wanted or not core_deviations.exists(score, wanted):
        raise AdjustmentRefused(
            _(
                "«%(code)s» non è un elemento valutato del piano di questo ciclo (atteso ad "
                "es. ENTE, BLOCCO-10, B14, 2.1/1, 2.1/1#2, 2.1, OS-1, OA-1.1)."
            )
            % {"code": code}
        )
    try:
        key = core_deviations.level_key(score, wanted)
        if key in ("unit", "area"):
            return score.unit(wanted).code
    except KeyError:
        pass
    return wanted


def _figure(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise AdjustmentRefused(
            _("%(what)s: «%(value)s» non è un numero.") % {"what": what, "value": value}
        ) from None
    if not number.is_finite() or abs(number) >= LIMIT:
        raise AdjustmentRefused(
            _("%(what)s: «%(value)s» è fuori scala (atteso un valore in punti percentuali).")
            % {"what": what, "value": value}
        )
    exponent = number.as_tuple().exponent
    return number.quantize(PLACES) if isinstance(exponent, int) and exponent < -6 else number


# --- writing ---------------------------------------------------------------------------------


def _row(cycle: Cycle, code: str) -> ScoreAdjustment:
    found = ScoreAdjustment.objects.select_for_update().filter(cycle=cycle, code=code).first()
    return found if found is not None else ScoreAdjustment(cycle=cycle, code=code)


def _store(row: ScoreAdjustment, by: Any) -> ScoreAdjustment | None:
    """Save (or delete, when nothing is left on it) and bump the cycle's data version."""
    with recorder.acting_as(by):
        if row.published is None and row.override is None:
            if row.pk is not None:
                recorder.delete(row)
            result = None
        else:
            row.set_by = by if getattr(by, "is_authenticated", False) else None
            row.set_at = timezone.now()
            recorder.save(row)
            result = row
    versions.bump([row.cycle_id])
    return result


def _score(cycle: Cycle) -> PlanScore:
    from traguardo.scoring.services import score_cycle

    return score_cycle(cycle)


def set_published(
    cycle: Cycle, code: str, value: Decimal | str | None, *, by: Any, score: PlanScore | None = None
) -> ScoreAdjustment | None:
    """Record (or, with None, remove) the published figure of the item `code`.
    `score`: the cycle's score when the caller has it (an import of many rows)."""
    refusal = published_refusal(by, cycle)
    if refusal:
        raise AdjustmentRefused(refusal)
    code = canonical(score if score is not None else _score(cycle), code)
    figure = None if value is None or value == "" else _figure(value, _("Valore pubblicato"))
    with transaction.atomic():
        row = _row(cycle, code)
        if row.published == figure and row.pk is not None:
            return row
        row.published = figure
        return _store(row, by)


def override(
    cycle: Cycle, code: str, value: Decimal | str, *, reason: str, by: Any
) -> ScoreAdjustment:
    """Use `value` instead of the computed figure of `code`, for the written `reason`."""
    refusal = override_refusal(by, cycle)
    if refusal:
        raise AdjustmentRefused(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise AdjustmentRefused(
            _("Scrivi il motivo della rettifica: resta nel registro e nella Relazione.")
        )
    code = canonical(_score(cycle), code)
    figure = _figure(value, _("Valore rettificato"))
    with transaction.atomic():
        row = _row(cycle, code)
        row.override = figure
        row.reason = reason
        stored = _store(row, by)
    assert stored is not None
    return stored


def clear_override(cycle: Cycle, code: str, *, by: Any) -> None:
    """Go back to the computed figure of `code` (the published figure, if any, stays)."""
    refusal = override_refusal(by, cycle)
    if refusal:
        raise AdjustmentRefused(refusal)
    with transaction.atomic():
        row = ScoreAdjustment.objects.select_for_update().filter(cycle=cycle, code=code).first()
        if row is None or row.override is None:
            return
        row.override = None
        row.reason = ""
        _store(row, by)


def flags(cycle: Cycle, score: PlanScore | None = None) -> dict[str, list[str]]:
    """What the OIV's check list flags, by the code of its lines (oiv.selectors.matrix: an
    objective "2.1/1", a block "B<number of the block>", "" for the Relazione as a whole):
    "rettificato" for an override, "scostamento dal valore pubblicato" for a deviation, on
    the line of the item or of the objective or block it belongs to."""
    from traguardo.scoring.services import score_cycle

    score = score if score is not None else score_cycle(cycle)
    block_of = {
        indicator.number: block.number
        for block in score.entity.blocks
        for indicator in block.indicators
    }

    def line(code: str) -> str:
        if code.upper().startswith("BLOCCO-"):
            return "B" + code.split("-", 1)[1]
        if code[:1] == "B" and code[1:].isdigit():
            number = block_of.get(int(code[1:]))
            return f"B{number}" if number is not None else ""
        objective = code.partition("#")[0]
        return objective if objective in score.objectives else ""

    found: dict[str, list[str]] = {}
    for code in sorted(score.adjusted):
        found.setdefault(line(code), []).append(_("%(code)s rettificato") % {"code": code})
    for deviation in deviations_of(cycle, score):
        found.setdefault(line(deviation.code), []).append(
            _("%(code)s: scostamento dal valore pubblicato") % {"code": deviation.code}
        )
    return found
