"""The final score of a report card (scheda di valutazione), LG 5/2019 style.

A card has a *results* part (the synthesis rows of its objectives, computed by the engine)
and a *behaviours* part (competences with weights, rated on the SMVP's scale). The SMVP
sets, per role, the weight of each part, the weight of each synthesis row and the
evaluation bands. Everything here is plain Decimal arithmetic with an explanation; nothing
is rounded (figures are rounded only when shown).

When the SMVP says so, a mid-year change of post splits the card by days (each post with
its own results part: :func:`results_by_post`), and absences and part time reduce what a
person's score is worth for the bonus (:func:`presence_factor`).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from traguardo.core.explanation import Explanation
from traguardo.core.i18n import _
from traguardo.core.numbers import HUNDRED, ZERO, format_exact, format_it, format_percent


@dataclass(frozen=True, slots=True)
class Band:
    """An evaluation band: a final score of at least `minimum` (percent) falls in it."""

    name: str
    minimum: Decimal


@dataclass(frozen=True, slots=True)
class Competence:
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True, slots=True)
class RoleScheme:
    """The SMVP's configuration of the card for one role (segretario_generale, dirigente,
    po, or a staff category such as "D")."""

    role: str
    results_weight: Decimal  # percent of the final score given by the results part
    behaviours_weight: Decimal  # percent given by the behaviours part
    scale_max: Decimal  # ratings go from 0 to scale_max (e.g. 1..5 → scale_max 5)
    scale_min: Decimal = Decimal(1)
    # Weight of each synthesis row of the results part, by position (1-based). Empty: the
    # rows count equally.
    synthesis_weights: tuple[Decimal, ...] = ()
    bands: tuple[Band, ...] = ()
    competences: tuple[Competence, ...] = field(default=())

    def problems(self) -> list[str]:
        """What makes the scheme unusable, in words (empty when fine)."""
        found = []
        if self.results_weight + self.behaviours_weight != HUNDRED:
            found.append(
                _(
                    "{role}: i pesi di risultati ({results}) e "
                    "comportamenti ({behaviours}) non sommano a 100"
                ).format(
                    role=self.role,
                    results=format_exact(self.results_weight),
                    behaviours=format_exact(self.behaviours_weight),
                )
            )
        if self.scale_max <= self.scale_min:
            found.append(
                _("{role}: la scala deve andare da un minimo a un massimo maggiore").format(
                    role=self.role
                )
            )
        if self.behaviours_weight > 0 and not self.competences:
            found.append(
                _("{role}: parte comportamenti pesata ma senza competenze").format(role=self.role)
            )
        if any(c.weight <= 0 for c in self.competences):
            found.append(
                _("{role}: ogni competenza deve avere peso positivo").format(role=self.role)
            )
        return found


@dataclass(frozen=True, slots=True)
class Score:
    value: Decimal | None
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class FinalScore:
    results: Score
    behaviours: Score
    value: Decimal | None
    band: str
    explanation: Explanation


class RatingError(ValueError):
    """A rating outside the scale, or for a competence the scheme does not have."""


def band_for(bands: Sequence[Band], value: Decimal | None) -> str:
    """The highest band whose minimum the value reaches ("" if none or undefined)."""
    if value is None:
        return ""
    for band in sorted(bands, key=lambda b: b.minimum, reverse=True):
        if value >= band.minimum:
            return band.name
    return ""


def results_score(
    scheme: RoleScheme, rows: Sequence[tuple[str, Decimal | None]], subject: str = ""
) -> Score:
    """The results part: the synthesis rows (percent) weighted by the scheme's row weights.

    Undefined when a row is undefined (an objective with no valid indicator): the
    evaluator must fix the plan, not have the row silently dropped.
    """
    weights = scheme.synthesis_weights or tuple(Decimal(1) for _unused in rows)
    if len(weights) != len(rows):
        raise ValueError(
            _("{role}: {weights} pesi per {rows} righe di sintesi della scheda").format(
                role=scheme.role, weights=len(weights), rows=len(rows)
            )
        )
    subject = subject or _("Parte risultati")
    terms = [
        f"{format_it(v, 2)} × {format_exact(w)}"
        for (_label, v), w in zip(rows, weights, strict=True)
        if v is not None
    ]
    inputs = tuple((label, format_percent(v) if v is not None else _("n.d.")) for label, v in rows)
    if any(v is None for _label, v in rows) or not rows:
        return Score(
            None,
            Explanation(
                subject,
                _("media ponderata delle righe di sintesi"),
                _("non definita"),
                inputs,
                (_("una riga di sintesi non è definita"),) if rows else (_("nessuna riga"),),
            ),
        )
    total = sum(weights, ZERO)
    value = sum(
        (v * w for (_label, v), w in zip(rows, weights, strict=True) if v is not None), ZERO
    )
    value /= total
    return Score(
        value,
        Explanation(
            subject,
            _("media ponderata delle righe di sintesi (pesi SMVP)"),
            f"({' + '.join(terms)}) / {format_exact(total)} = {format_percent(value)}",
            inputs,
        ),
    )


def behaviours_score(
    scheme: RoleScheme, ratings: dict[str, Decimal | None], subject: str = ""
) -> Score:
    """The behaviours part: Σ weight × rating / scale_max over the competences, in percent.

    Undefined until every competence is rated (a partial evaluation is not a score).
    """
    subject = subject or _("Parte comportamenti")
    unknown = set(ratings) - {c.code for c in scheme.competences}
    if unknown:
        raise RatingError(
            _("competenze non previste per {role}: {codes}").format(
                role=scheme.role, codes=", ".join(sorted(unknown))
            )
        )
    for code, rating in ratings.items():
        if rating is not None and not scheme.scale_min <= rating <= scheme.scale_max:
            raise RatingError(
                _("{code}: valutazione {rating} fuori dalla scala {low}–{high}").format(
                    code=code,
                    rating=format_exact(rating),
                    low=format_exact(scheme.scale_min),
                    high=format_exact(scheme.scale_max),
                )
            )
    rule = _("Σ peso × voto / {scale_max} (scala SMVP)").format(
        scale_max=format_exact(scheme.scale_max)
    )
    inputs = tuple(
        (
            _("{name} (peso {weight})").format(name=c.name, weight=format_exact(c.weight)),
            format_exact(r) if (r := ratings.get(c.code)) is not None else _("non valutata"),
        )
        for c in scheme.competences
    )
    if not scheme.competences:
        return Score(None, Explanation(subject, rule, _("nessuna competenza prevista"), inputs))
    missing = [c.name for c in scheme.competences if ratings.get(c.code) is None]
    if missing:
        return Score(
            None,
            Explanation(
                subject,
                rule,
                _("non definita"),
                inputs,
                tuple(_("{name}: non ancora valutata").format(name=name) for name in missing),
            ),
        )
    total = sum((c.weight for c in scheme.competences), ZERO)
    points = ZERO
    terms = []
    for c in scheme.competences:
        rating = ratings[c.code]
        assert rating is not None
        points += c.weight * rating / scheme.scale_max
        terms.append(f"{format_exact(c.weight)} × {format_exact(rating)}")
    value = points / total * HUNDRED
    formula = (
        f"({' + '.join(terms)}) / ({format_exact(scheme.scale_max)} × {format_exact(total)})"
        f" × 100 = {format_percent(value)}"
    )
    return Score(value, Explanation(subject, rule, formula, inputs))


def final_score(
    scheme: RoleScheme,
    rows: Sequence[tuple[str, Decimal | None]],
    ratings: dict[str, Decimal | None],
    subject: str = "",
    results: Score | None = None,
) -> FinalScore:
    """results × results_weight + behaviours × behaviours_weight, in percent, and its band.

    A part with weight 0 is not needed; otherwise an undefined part leaves the final
    score undefined. `results` replaces the results part computed from `rows` (a card
    split by post, :func:`results_by_post`).
    """
    subject = subject or _("Punteggio finale")
    results = results if results is not None else results_score(scheme, rows)
    behaviours = behaviours_score(scheme, ratings)
    parts = []
    value: Decimal | None = ZERO
    for score, weight in ((results, scheme.results_weight), (behaviours, scheme.behaviours_weight)):
        if weight == 0:
            continue
        if score.value is None or value is None:
            value = None
            continue
        value += score.value * weight / HUNDRED
        parts.append(f"{format_it(score.value, 2)} × {format_exact(weight)}%")
    band = band_for(scheme.bands, value)
    formula = (
        f"{' + '.join(parts)} = {format_percent(value)}" if value is not None else _("non definito")
    )
    notes = (_("fascia: {band}").format(band=band),) if band else ()
    return FinalScore(
        results,
        behaviours,
        value,
        band,
        Explanation(
            subject,
            _("pesi per ruolo {role}: risultati {results}%, comportamenti {behaviours}%").format(
                role=scheme.role,
                results=format_exact(scheme.results_weight),
                behaviours=format_exact(scheme.behaviours_weight),
            ),
            formula,
            notes=notes,
            parts=(results.explanation, behaviours.explanation),
        ),
    )


# --- mid-year changes -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stint:
    """A span of days in one post (both ends inclusive) and the score earned there."""

    label: str
    start: datetime.date
    end: datetime.date
    score: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def pro_rata_by_days(stints: Sequence[Stint], subject: str = "") -> Score:
    """Σ score × days / Σ days: a card split by the days spent in each post.

    Overlapping stints are refused (a day counts once); undefined with no days at all.
    """
    subject = subject or _("Scheda ripartita")
    ordered = sorted(stints, key=lambda s: s.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            raise ValueError(
                _("{before} e {after} si sovrappongono").format(
                    before=before.label, after=after.label
                )
            )
    if any(s.end < s.start for s in ordered):
        raise ValueError(_("un periodo finisce prima di cominciare"))
    total = sum(s.days for s in ordered)
    if not total:
        return Score(None, Explanation(subject, _("pro rata per giorni"), _("nessun giorno")))
    value = sum((s.score * s.days for s in ordered), ZERO) / total
    formula = (
        "("
        + " + ".join(f"{format_it(s.score, 2)} × {s.days}" for s in ordered)
        + f") / {total} = {format_percent(value)}"
    )
    inputs = tuple(
        (
            f"{s.label} ({s.start:%d/%m/%Y}–{s.end:%d/%m/%Y})",
            _("{days} giorni").format(days=s.days),
        )
        for s in ordered
    )
    return Score(
        value, Explanation(subject, _("pro rata per giorni di permanenza"), formula, inputs)
    )


@dataclass(frozen=True, slots=True)
class PostRows:
    """One post held during the year (both ends inclusive) and the synthesis rows of the
    objectives assigned to that post."""

    label: str
    start: datetime.date
    end: datetime.date
    rows: tuple[tuple[str, Decimal | None], ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class SplitResults:
    """The results part of a card split by post: the whole and each post's part."""

    whole: Score
    posts: tuple[tuple[PostRows, Score], ...]


def results_by_post(
    scheme: RoleScheme,
    posts: Sequence[PostRows],
    subject: str = "",
) -> SplitResults:
    """Each post's results part (:func:`results_score` on its own rows), then weighted by
    the days spent in the post (:func:`pro_rata_by_days`).

    Undefined when a post's part is undefined: dropping it would give the other posts
    days the person did not spend there.
    """
    subject = subject or _("Parte risultati per incarico")
    parts = tuple(
        (
            post,
            results_score(
                scheme,
                post.rows,
                subject=_("{label} ({start}–{end}, {days} giorni)").format(
                    label=post.label,
                    start=f"{post.start:%d/%m/%Y}",
                    end=f"{post.end:%d/%m/%Y}",
                    days=post.days,
                ),
            ),
        )
        for post in posts
    )
    explained = tuple(score.explanation for _post, score in parts)
    missing = [post.label for post, score in parts if score.value is None]
    if missing or not parts:
        notes = tuple(
            _("{label}: parte risultati non definita").format(label=label) for label in missing
        )
        return SplitResults(
            Score(
                None,
                Explanation(
                    subject,
                    _("pro rata per giorni di permanenza"),
                    _("non definita"),
                    notes=notes or (_("nessun incarico nell'anno"),),
                    parts=explained,
                ),
            ),
            parts,
        )
    stints = [
        Stint(post.label, post.start, post.end, score.value)
        for post, score in parts
        if score.value is not None
    ]
    split = pro_rata_by_days(stints, subject)
    total = sum(post.days for post, _score in parts)
    inputs = tuple(
        (
            post.label,
            _("{days}/{total} giorni, {percent}").format(
                days=post.days, total=total, percent=format_percent(value)
            ),
        )
        for post, score in parts
        if (value := score.value) is not None
    )
    return SplitResults(
        Score(
            split.value,
            Explanation(
                subject,
                split.explanation.rule,
                split.explanation.formula,
                inputs,
                parts=explained,
            ),
        ),
        parts,
    )


def presence_factor(
    *,
    days_in_year: int,
    days_absent: int = 0,
    part_time_percent: Decimal = HUNDRED,
    absence_allowance_days: int = 0,
) -> Score:
    """The share of a full-time, full-year bonus a person earns (1 = all of it).

    Absences beyond the SMVP's allowance reduce it pro rata by days; part time by its
    percentage. Configured off, pass allowance = days_in_year (absences never count).
    """
    if days_in_year <= 0:
        raise ValueError(_("l'anno deve avere almeno un giorno"))
    if not ZERO < part_time_percent <= HUNDRED:
        raise ValueError(
            _("percentuale di part time {percent} non valida").format(
                percent=format_exact(part_time_percent)
            )
        )
    counted = max(0, min(days_absent, days_in_year) - absence_allowance_days)
    presence = Decimal(days_in_year - counted) / Decimal(days_in_year)
    value = presence * part_time_percent / HUNDRED
    formula = (
        f"({days_in_year} − {counted}) / {days_in_year} × {format_exact(part_time_percent)}% = "
        f"{format_exact(value, 6)}"
    )
    notes = (
        (
            _("assenze {days} giorni, franchigia {allowance}").format(
                days=days_absent, allowance=absence_allowance_days
            ),
        )
        if days_absent
        else ()
    )
    return Score(
        value,
        Explanation(
            _("Coefficiente di presenza"),
            _("pro rata assenze e part time"),
            formula,
            notes=notes,
        ),
    )
