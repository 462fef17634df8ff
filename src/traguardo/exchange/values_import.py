"""Import the monitoring values of a period: one row per indicator, matched by its code.

The rules are those of :func:`traguardo.monitoring.services.record_value` (the cycle must be
in monitoring, a closed period refuses values, the text must be readable and not too long,
a signed-in user enters only the values of their units, a confirmed preview never
overwrites a value saved since), checked for the whole file at once: the user's units are
worked out once, the stored values read in one query, and the changed values written in
bulk with what record_value writes (version plus one, who and when, the validation
cleared, one audit entry per value) and one data-version bump. A row refused anywhere
means nothing is saved. Empty value cells are left alone: owners fill only what they have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from traguardo.audit import recorder
from traguardo.core.readings import Reading, ReadingKind, parse_reading, value_problem
from traguardo.core.tabular import CodeError, Issue, parse_indicator_code
from traguardo.exchange.codes import cycle_targets, indicators_by_code
from traguardo.exchange.published import PublishedFigures
from traguardo.exchange.reader import Row, Table, Workbook
from traguardo.exchange.result import (
    Action,
    Change,
    ImportAborted,
    ImportResult,
    Progress,
    no_progress,
)
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import (
    READING_KINDS,
    VALUE_MAX_LENGTH,
    ValueRefused,
    entry_check,
    ratio_of,
)
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator

BATCH = 2000


def period_code(text: str) -> str:
    """``30.06``, ``30/06``, ``30.06.2019``, ``31-12`` → the period's code."""
    digits = text.strip().replace("/", ".").replace("-", ".")
    return ".".join(digits.split(".")[:2])


@dataclass(frozen=True, slots=True)
class _Stored:
    text: str
    comment: str
    version: int
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(slots=True)
class WantedValue:
    row: Row
    code: str
    indicator: Indicator
    period: Period
    text: str
    comment: str | None  # None: the file has no comment column, keep what is stored
    reading: Reading  # what record_value reads in `text` (number, yes/no, not measurable)
    numerator: Decimal | None = None  # a value given as a ratio: its terms (`text` the ratio)
    denominator: Decimal | None = None


class ValuesImport:
    def __init__(
        self,
        cycle: Cycle,
        book: Workbook,
        user: Any = None,
        progress: Progress = no_progress,
        seen: Mapping[str, int] | None = None,
    ) -> None:
        """`seen`: the versions the preview read (ImportResult.seen), when confirming one."""
        self.cycle = cycle
        self.seen = seen
        self.book = book
        self.user = user
        self.progress = progress
        self.issues: list[Issue] = list(book.issues)
        self.changes: list[Change] = []
        self.table: Table = book.tables["values"]
        self.published = PublishedFigures(self.table, self.issues)

    def _published(self, row: Row, code: str) -> None:
        self.published.read(row, code)

    def _issue(self, row: Row | None, key: str, message: str) -> None:
        column = self.table.header(key) if key else ""
        self.issues.append(Issue(self.table.title, row.number if row else None, column, message))

    def validate(self) -> list[WantedValue]:
        table = self.table
        if self.cycle.state != Cycle.State.MONITORING:
            self._issue(
                None,
                "",
                _(
                    "il ciclo {year} è «{state}», non in monitoraggio: "
                    "i valori non si possono inserire"
                ).format(year=self.cycle.year, state=self.cycle.get_state_display()),
            )
        periods = {p.code: p for p in Period.objects.filter(cycle=self.cycle)}
        for each in periods.values():
            each.cycle = self.cycle  # read by each value's audit entry: no query per row
        indicators = indicators_by_code(self.cycle)
        targets = dict(  # a ratio is a percentage when the target is one
            cycle_targets(self.cycle)
            .filter(year=self.cycle.year)
            .values_list("indicator_id", "text")
        )
        stored_texts = {
            (indicator, period): text
            for indicator, period, text in Measurement.objects.filter(
                period__cycle=self.cycle
            ).values_list("indicator_id", "period_id", "text")
        }
        seen: dict[tuple[str, str], int] = {}
        out: list[WantedValue] = []
        for done, row in enumerate(table.rows, start=1):
            if done % 1000 == 0:
                self.progress(done, len(table.rows), _("controllo dei valori"))
            raw = row.cells.get("code", "")
            text = row.cells.get("value", "")
            terms = (row.cells.get("numerator", ""), row.cells.get("denominator", ""))
            if not raw:
                if text or any(terms):
                    self._issue(row, "code", _("manca il codice dell'indicatore"))
                continue
            try:
                objective, number = parse_indicator_code(raw)
            except CodeError as exc:
                self._issue(row, "code", str(exc))
                continue
            code = f"{objective}#{number}" if objective else f"B{number}"
            indicator = indicators.get(code)
            if indicator is None:
                self._issue(
                    row,
                    "code",
                    _("indicatore «{code}» sconosciuto nel ciclo {year}").format(
                        code=code, year=self.cycle.year
                    ),
                )
                continue
            self._published(row, code)
            if not text and not any(terms):
                continue  # not filled in: nothing to record
            pcode = period_code(row.cells.get("period", ""))
            period = periods.get(pcode)
            if period is None:
                known = ", ".join(sorted(periods))
                if known:
                    message = _("periodo «{period}» sconosciuto (periodi del ciclo: {known})")
                else:
                    message = _("periodo «{period}» sconosciuto (periodi del ciclo: nessuno)")
                self._issue(
                    row, "period", message.format(period=row.cells.get("period", ""), known=known)
                )
                continue
            if (code, pcode) in seen:
                self._issue(
                    row,
                    "code",
                    _("indicatore «{code}» ripetuto (già alla riga {row})").format(
                        code=code, row=seen[code, pcode]
                    ),
                )
                continue
            seen[code, pcode] = row.number
            if period.closed:
                self._issue(row, "value", _closed(period))
                continue
            try:  # record_value's reading of a numerator and a denominator
                ratio = ratio_of(targets.get(indicator.pk, ""), *terms)
            except ValueRefused as exc:
                self._issue(row, exc.field, _lower_first(exc.message))
                continue
            if ratio is not None:
                text = ratio.text
            with translation.override("it"):  # its reason is stored: data, in Italian
                reading = parse_reading(text)
            if reading.kind is ReadingKind.EMPTY:
                self._issue(row, "value", _("«{text}» non è un valore leggibile").format(text=text))
                continue
            # A value as stored is not checked again (a text recorded before a check
            # existed, such as the seed's "22 di cui n. 2", comes back in the template).
            kept = ratio is None and stored_texts.get((indicator.pk, period.pk)) == text.strip()
            problem = None if kept else value_problem(text)
            if problem:  # a number misread or too large for the stored figure
                self._issue(row, "value", problem)
                continue
            comment = row.cells.get("comment") if "comment" in table.headers else None
            too_long = _too_long(text.strip(), VALUE_MAX_LENGTH) or _too_long(
                comment, TEXT_MAX_LENGTH
            )
            if too_long:
                key = "comment" if len(text.strip()) <= VALUE_MAX_LENGTH else "value"
                self._issue(row, key, too_long)
                continue
            out.append(
                WantedValue(
                    row,
                    code,
                    indicator,
                    period,
                    text.strip(),
                    comment,
                    reading,
                    ratio.numerator if ratio else None,
                    ratio.denominator if ratio else None,
                )
            )
        return out

    def run(self, *, dry_run: bool) -> ImportResult:
        result = ImportResult("values", self.cycle.year, rows=len(self.table.rows), dry_run=dry_run)
        wanted = self.validate()
        result.issues = self.issues
        result.warnings = list(self.book.warnings)
        if self.issues:
            return result
        stored = {  # what the comparison reads, without building 50,000 model instances
            (indicator, period): _Stored(text, comment, version, numerator, denominator)
            for indicator, period, text, comment, version, numerator, denominator in (
                Measurement.objects.filter(period__cycle=self.cycle).values_list(
                    "indicator_id",
                    "period_id",
                    "text",
                    "comment",
                    "version",
                    "numerator",
                    "denominator",
                )
            )
        }
        todo = self._compare(wanted, stored, result)
        result.changes = self.changes
        if self.user is not None:
            self._check_permissions(todo)
        self.published.check(self.cycle, self.user)
        if self.issues or dry_run:
            return result
        try:
            with transaction.atomic():
                if todo:  # nothing changed: no write, the cached figures stay valid
                    self._save(todo)
                    versions.bump([self.cycle.pk])  # once for the whole file
                self.published.save(self.cycle, self.user)
        except ImportAborted:
            result.issues = self.issues
            return result
        except (IntegrityError, DataError) as exc:  # a rule the checks above missed
            self.issues.append(
                Issue("", None, "", _("il database ha rifiutato i dati: {error}").format(error=exc))
            )
            result.issues = self.issues
            return result
        result.saved = True
        return result

    def _locked(self) -> dict[tuple[int, int], Measurement]:
        """The cycle's values now, by (indicator, period), locked until the end: one query."""
        found = Measurement.objects.filter(period__cycle=self.cycle).select_for_update()
        return {(m.indicator_id, m.period_id): m for m in found}

    def _compare(
        self,
        wanted: list[WantedValue],
        existing: Mapping[tuple[int, int], _Stored],
        result: ImportResult,
    ) -> list[WantedValue]:
        todo: list[WantedValue] = []
        value_header = self.table.header("value")
        comment_header = self.table.header("comment")
        for w in wanted:
            old = existing.get((w.indicator.pk, w.period.pk))
            if old is None:
                action, fields = Action.CREATE, tuple[str, ...]()
            else:
                changed = []
                if old.text != w.text:
                    changed.append(value_header)
                for key, before, after in (
                    ("numerator", old.numerator, w.numerator),
                    ("denominator", old.denominator, w.denominator),
                ):
                    if before != after:
                        changed.append(self.table.header(key))
                if w.comment is not None and old.comment != w.comment:
                    changed.append(comment_header)
                action = Action.UPDATE if changed else Action.UNCHANGED
                fields = tuple(changed)
            self.changes.append(Change(self.table.title, w.row.number, w.code, action, fields))
            if action is not Action.UNCHANGED:
                todo.append(w)
                result.seen[_key(w)] = old.version if old is not None else 0
        return todo

    def _check_permissions(self, todo: list[WantedValue]) -> None:
        """`record_value`'s permission check (monitoring.services.may_enter) for every row
        that changes a value, worked out per unit rather than per value."""
        allowed = entry_check(self.user, self.cycle)
        for w in todo:
            if not allowed(w.indicator):
                objective = w.indicator.objective
                unit = objective.home_unit.code if objective is not None else _("ente")
                self._issue(
                    w.row,
                    "value",
                    _(
                        "Non puoi inserire valori per l'indicatore {code}: è dell'unità "
                        "{unit}, non di una tua unità"
                    ).format(code=w.code, unit=unit),
                )

    def _save(self, todo: list[WantedValue]) -> None:
        """Save every changed value as `record_value` would, in bulk: the same fields (the
        version plus one, who and when, the unit's validation cleared), one audit entry per
        value. Runs inside the import's transaction."""
        total = len(todo)
        label = _("salvataggio dei valori")
        # Lock the periods as record_value does: closing a campaign, saving a value from
        # the form and this import are serialised.
        periods = {
            p.pk: p
            for p in Period.objects.select_for_update().filter(pk__in={w.period.pk for w in todo})
        }
        current = self._locked()
        user = self.user if getattr(self.user, "is_authenticated", False) else None
        now = timezone.now()
        creates: list[Measurement] = []
        updates: list[tuple[Measurement, recorder.Values]] = []
        for w in todo:
            period = periods[w.period.pk]
            if period.closed:
                self._issue(w.row, "value", _closed(period))
                continue
            stored = current.get((w.indicator.pk, w.period.pk))
            if self.seen is not None:
                found = stored.version if stored is not None else 0
                if self.seen.get(_key(w)) != found:
                    self._issue(w.row, "value", _conflict(w, stored))
                    continue
            reading = w.reading
            fields: dict[str, Any] = {
                "text": w.text,
                "number": reading.number,
                "numerator": w.numerator,
                "denominator": w.denominator,
                "reading_kind": READING_KINDS[reading.kind],
                "not_measurable_reason": reading.reason
                if reading.kind is ReadingKind.NOT_MEASURABLE
                else "",
            }
            if w.comment is not None:
                fields["comment"] = w.comment
            if stored is not None and all(getattr(stored, k) == v for k, v in fields.items()):
                continue  # saved meanwhile with this very value: nothing to do
            # As record_value: a new value loses its confirmation and a dirigente's "sent back".
            fields.update(
                entered_by=user,
                entered_at=now,
                validated_by=None,
                validated_at=None,
                returned_note="",
                returned_at=None,
            )
            if stored is None:
                creates.append(
                    Measurement(indicator=w.indicator, period=w.period, version=1, **fields)
                )
                continue
            old = recorder.values_of(stored)
            stored.indicator, stored.period = w.indicator, w.period  # loaded: no query per row
            for name, value in fields.items():
                setattr(stored, name, value)
            stored.version += 1
            updates.append((stored, old))
        if self.issues:
            raise ImportAborted
        _insert_many(creates, lambda done: self.progress(done, total, label))
        if creates:  # their ids, for the audit entries: one query
            ids = {
                (indicator, period): pk
                for indicator, period, pk in Measurement.objects.filter(
                    period__cycle=self.cycle
                ).values_list("indicator_id", "period_id", "id")
            }
            for m in creates:
                m.pk = ids[m.indicator_id, m.period_id]
                m._state.adding = False
        _update_many(
            [m for m, _old in updates],
            lambda done: self.progress(len(creates) + done, total, label),
        )
        recorder.record_saved_many(
            [*((m, None) for m in creates), *updates], user=self.user, batch=BATCH
        )
        self.progress(total, total, label)


def _closed(period: Period) -> str:
    return _("il periodo {period} è chiuso: i valori non si modificano più").format(
        period=period.get_code_display()
    )


def _too_long(text: str | None, limit: int) -> str | None:
    """record_value's limit on a value as written and on a comment."""
    if text is None or len(text.strip()) <= limit:
        return None
    return _("testo troppo lungo: al massimo {limit} caratteri (ne hai scritti {n})").format(
        limit=limit, n=len(text.strip())
    )


def _lower_first(message: str) -> str:
    """record_value's sentence as an import issue (lower case, no full stop)."""
    return (message[:1].lower() + message[1:]).rstrip(".")


def _key(w: WantedValue) -> str:
    return f"{w.indicator.pk}:{w.period.pk}"


def _conflict(w: WantedValue, current: Measurement | None) -> str:
    if current is None:
        return _(
            "il valore di {code} è stato cancellato dopo l'anteprima: nulla è stato "
            "salvato, carica di nuovo il file per vedere lo stato attuale"
        ).format(code=w.code)
    who = current.entered_by.get_username() if current.entered_by else _("un altro utente")
    return _(
        "il valore di {code} è stato modificato da {who} dopo l'anteprima («{text}»): "
        "per non sovrascriverlo nulla è stato salvato; carica di nuovo il file per "
        "vedere il valore attuale"
    ).format(code=w.code, who=who, text=current.text)


_FIELDS = (
    "text",
    "number",
    "numerator",
    "denominator",
    "reading_kind",
    "not_measurable_reason",
    "comment",
    "entered_by",
    "entered_at",
    "validated_by",
    "validated_at",
    "returned_note",
    "returned_at",
    "version",
)


class _Prepared:
    """Measurement fields as the database takes them. Numbers, users, times and versions
    repeat across rows: each distinct one is prepared once (a decimal's or a time's
    preparation is most of the cost of building the rows of a bulk write)."""

    def __init__(self, fields: list[Any]) -> None:
        self.fields = fields
        self.memo: list[dict[Any, Any] | None] = [
            None if f.get_internal_type() == "TextField" else {} for f in fields
        ]

    def row(self, m: Measurement) -> list[Any]:
        out = []
        for f, memo in zip(self.fields, self.memo, strict=True):
            value = getattr(m, f.attname)
            if memo is None:  # texts: unique per row, and cheap to prepare
                out.append(f.get_db_prep_save(value, connection))
                continue
            if value not in memo:
                memo[value] = f.get_db_prep_save(value, connection)
            out.append(memo[value])
        return out


def _insert_many(items: list[Measurement], progress: Callable[[int], None]) -> None:
    """One prepared INSERT run for many rows: `bulk_create` compiles a statement per few
    dozen rows on SQLite (its limit on parameters), slow for tens of thousands."""
    if not items:
        return
    meta = Measurement._meta
    prepared = _Prepared([f for f in meta.concrete_fields if not f.primary_key])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in prepared.fields)
    marks = ", ".join(["%s"] * len(prepared.fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            cursor.executemany(sql, [prepared.row(m) for m in chunk])
            progress(start + len(chunk))


def _update_many(items: list[Measurement], progress: Callable[[int], None]) -> None:
    """One prepared UPDATE run for many rows: Django's bulk_update builds a CASE per field
    and row, which is slow beyond a few hundred rows."""
    if not items:
        return
    meta = Measurement._meta
    prepared = _Prepared([meta.get_field(f) for f in _FIELDS])
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} = %s" for f in prepared.fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE id = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            cursor.executemany(sql, [[*prepared.row(m), m.pk] for m in chunk])
            progress(start + len(chunk))
