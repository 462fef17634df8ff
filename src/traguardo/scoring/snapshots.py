"""Scores as data: the stored score of a closed cycle, what readers show, and its review.

When a cycle is closed (or validated, published, without a snapshot yet) its complete
score is stored (`take`): for every period the plan, and for every language of the
explanations the score, in the core's lossless form, with the `score --format json`
contract, the Traguardo version and the SMVP settings that produced them. From then on
every reader of the cycle (pages, Relazione, API, open data, command line) gets the
stored objects (`stored`) and nothing is recomputed: an upgrade that changes a rule, or a
change of settings, never moves a figure that was closed, validated or published.

What today's data, code and settings would give instead is shown to the office as
differences to review (`review`); a new snapshot is taken only through `take` with a
reason, recorded in the audit trail; the previous ones are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.fields.json import KeyTransform
from django.utils import translation
from django.utils.translation import gettext as _

import traguardo
from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.audit import recorder
from traguardo.core.contract import to_contract_dict
from traguardo.core.engine import score_plan
from traguardo.core.model import Plan
from traguardo.core.results import PlanScore
from traguardo.core.score_diff import Difference, differences
from traguardo.core.serial import from_data, to_data
from traguardo.monitoring.models import Period
from traguardo.plans import versions
from traguardo.plans.models import Cycle, ScoringConfig
from traguardo.scoring.fetch import fetch_plan
from traguardo.scoring.models import ScoreSnapshot

# The states whose readers show the stored score.
FROZEN_STATES = frozenset({Cycle.State.CLOSED, Cycle.State.VALIDATED, Cycle.State.PUBLISHED})
LOCAL_SIZE = 8  # rebuilt (period, language) pairs kept per process
CACHE_SECONDS = 24 * 3600  # in the shared cache: snapshots never change, this only frees room

_lock = threading.Lock()
_local: OrderedDict[tuple[str, str, str], tuple[Plan, PlanScore]] = OrderedDict()


class SnapshotRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def reader_language() -> str:
    """The language of the explanations for the reader of the moment (one stored)."""
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return current if current in languages() else settings.LANGUAGE_CODE


def compute(cycle: Cycle, period: str) -> tuple[Plan, PlanScore]:
    """The plan and score from today's data, code and settings (never stored ones)."""
    plan = fetch_plan(cycle, period)
    return plan, score_plan(plan, explain=True)


def version() -> str:
    return traguardo.__version__


def smvp_settings(cycle: Cycle) -> dict[str, Any]:
    """The cycle's SMVP configuration as stored (empty: the built-in defaults)."""
    config = ScoringConfig.objects.filter(cycle=cycle).first()
    if config is None:
        return {}
    return {"default_rule": config.default_rule, "options": config.options}


@transaction.atomic
def take(cycle: Cycle, *, reason: str, user: Any = None) -> ScoreSnapshot:
    """Store the cycle's complete score now; record who, when and why in the audit trail."""
    reason = reason.strip()
    if not reason:
        raise SnapshotRefused(_("Indica il motivo della nuova istantanea dei punteggi."))
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    periods = list(Period.Code.values)
    plans: dict[str, Any] = {}
    scores: dict[str, dict[str, Any]] = {}
    contracts: dict[str, dict[str, Any]] = {}
    performance = ""
    for period in periods:
        plan = fetch_plan(cycle, period)
        plans[period] = to_data(plan)
        scores[period], contracts[period] = {}, {}
        for language in languages():
            # Explanations are written in the reader's language: one score per language.
            with translation.override(language):
                score = score_plan(plan, explain=True)
                scores[period][language] = to_data(score)
                contracts[period][language] = to_contract_dict(score)
        if period == Period.Code.FINAL:
            performance = str(score.entity.performance)
    snapshot = ScoreSnapshot.objects.create(
        cycle=cycle,
        taken_by=user,
        reason=reason,
        state=cycle.state,
        version=version(),
        smvp=smvp_settings(cycle),
        performance=performance,
        periods=periods,
        languages=languages(),
        contract=contracts,
        data={"plans": plans, "scores": scores},
    )
    recorder.record_created(
        snapshot,
        {"state": cycle.state, "version": snapshot.version, "performance": performance},
        description=str(_("Istantanea dei punteggi del ciclo %(year)s") % {"year": cycle.year}),
        cycle=cycle,
        note=reason,
        user=user,
    )
    # What readers show changed: page parts cached for the cycle's version are stale.
    versions.bump([cycle.pk])
    return snapshot


def can_take(user: Any, cycle: Cycle) -> bool:
    """A new snapshot, by hand: the performance office of the cycle's entity, once closed."""
    return cycle.state in FROZEN_STATES and any(
        m.role == Role.PERFORMANCE_OFFICE and m.entity_id == cycle.entity_id
        for m in permissions.memberships(user)
    )


def not_allowed() -> str:
    return _("Solo l'ufficio performance dell'ente prende una nuova istantanea, a ciclo chiuso.")


def taken_message() -> str:
    return _("Nuova istantanea dei punteggi registrata: ora si mostrano questi.")


def retake(user: Any, cycle: Cycle, reason: str) -> ScoreSnapshot:
    """The office's reasoned action after reviewing the differences: today's figures
    become the ones shown. The previous snapshots are kept."""
    if not can_take(user, cycle):
        raise SnapshotRefused(not_allowed())
    return take(cycle, reason=reason, user=user)


def latest(cycle: Cycle) -> ScoreSnapshot | None:
    """The snapshot readers show (metadata only)."""
    return ScoreSnapshot.objects.listed().filter(cycle=cycle).order_by("-id").first()


def history(cycle: Cycle) -> list[ScoreSnapshot]:
    """Every snapshot of the cycle, newest first (metadata only)."""
    return list(
        ScoreSnapshot.objects.listed()
        .filter(cycle=cycle)
        .select_related("taken_by")
        .order_by("-id")
    )


def stored(cycle: Cycle, period: str) -> tuple[Plan, PlanScore] | None:
    """The plan and score of the cycle's latest snapshot, in the reader's language (None
    when the cycle has none, or not for that period)."""
    token = (
        ScoreSnapshot.objects.filter(cycle=cycle)
        .order_by("-id")
        .values_list("token", flat=True)
        .first()
    )
    if token is None:
        return None
    language = reader_language()
    found = _rebuilt(token, period, language)
    if found is None and language != settings.LANGUAGE_CODE:
        # A language added after the snapshot: the figures in the default language rather
        # than new ones.
        found = _rebuilt(token, period, settings.LANGUAGE_CODE)
    return found


def _rebuilt(token: str, period: str, language: str) -> tuple[Plan, PlanScore] | None:
    # Snapshots never change, so the rebuilt objects are kept by the snapshot's token: in
    # the process (rebuilding or unpickling costs about as much as scoring) and in the
    # shared cache for the other processes.
    key = (token, period, language)
    with _lock:
        hit = _local.get(key)
        if hit is not None:
            _local.move_to_end(key)
            return hit
    shared_key = f"traguardo:snapshot:{token}:{period}:{language}"
    value: tuple[Plan, PlanScore] | None = cache.get(shared_key)
    if value is None:
        value = _load(token, period, language)
        if value is None:
            return None
        cache.set(shared_key, value, CACHE_SECONDS)
    with _lock:
        _local[key] = value
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
    return value


def _load(token: str, period: str, language: str) -> tuple[Plan, PlanScore] | None:
    """Only the one plan and score asked for, out of the stored JSON."""
    row = (
        ScoreSnapshot.objects.filter(token=token)
        .annotate(
            plan_data=KeyTransform(period, KeyTransform("plans", "data")),
            score_data=KeyTransform(language, KeyTransform(period, KeyTransform("scores", "data"))),
        )
        .values_list("plan_data", "score_data")
        .first()
    )
    if row is None or row[0] is None or row[1] is None:
        return None
    return from_data(Plan, row[0]), from_data(PlanScore, row[1])


def contract(snapshot: ScoreSnapshot, period: str, language: str) -> dict[str, Any] | None:
    """The stored `score --format json` contract of one period, in one language."""
    value: dict[str, Any] | None = (
        ScoreSnapshot.objects.filter(pk=snapshot.pk)
        .annotate(found=KeyTransform(language, KeyTransform(period, "contract")))
        .values_list("found", flat=True)
        .first()
    )
    return value


@dataclass(frozen=True)
class PeriodReview:
    period: str
    label: str
    differences: list[Difference]


@dataclass(frozen=True)
class Review:
    """What the office sees on the cycle's state page."""

    snapshot: ScoreSnapshot | None
    periods: list[PeriodReview]
    same_version: bool
    same_settings: bool

    @property
    def has_differences(self) -> bool:
        return any(p.differences for p in self.periods)


def review(cycle: Cycle) -> Review | None:
    """For a closed cycle: its snapshot against today's data, code and settings, figure
    by figure (None for an open cycle, whose figures are live anyway)."""
    if cycle.state not in FROZEN_STATES:
        return None
    snapshot = latest(cycle)
    if snapshot is None:
        return Review(None, [], True, True)
    periods = []
    for period, label in Period.Code.choices:
        old = _rebuilt(snapshot.token, period, reader_language())
        if old is None:
            continue
        periods.append(
            PeriodReview(period, str(label), differences(old[1], compute(cycle, period)[1]))
        )
    return Review(
        snapshot,
        periods,
        same_version=snapshot.version == version(),
        same_settings=snapshot.smvp == smvp_settings(cycle),
    )


def clear_local() -> None:
    """Forget the rebuilt objects kept in this process (tests)."""
    with _lock:
        _local.clear()
