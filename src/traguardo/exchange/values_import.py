"""Import the monitoring values of a period: one row per indicator, matched by its code.

The rules are those of :func:`traguardo.monitoring.services.record_value` (the cycle must be
in monitoring, a closed period refuses values, the text must be readable); a signed-in
user's values go through that very function, so its permission check applies too. Empty
value cells are left alone: owners fill only what they have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from traguardo.core.readings import ReadingKind, parse_reading, value_problem
from traguardo.core.tabular import CodeError, Issue, parse_indicator_code
from traguardo.exchange.codes import indicators_by_code
from traguardo.exchange.reader import Row, Table, Workbook
from traguardo.exchange.result import (
    Action,
    Change,
    ImportAborted,
    ImportResult,
    Progress,
    no_progress,
)
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import READING_KINDS, ValueRefused, record_value
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator

BATCH = 2000


def period_code(text: str) -> str:
    """``30.06``, ``30/06``, ``30.06.2019``, ``31-12`` → the period's code."""
    digits = text.strip().replace("/", ".").replace("-", ".")
    return ".".join(digits.split(".")[:2])


@dataclass(slots=True)
class WantedValue:
    row: Row
    code: str
    indicator: Indicator
    period: Period
    text: str
    comment: str | None  # None: the file has no comment column, keep what is stored


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
        indicators = indicators_by_code(self.cycle)
        seen: dict[tuple[str, str], int] = {}
        out: list[WantedValue] = []
        for done, row in enumerate(table.rows, start=1):
            if done % 1000 == 0:
                self.progress(done, len(table.rows), _("controllo dei valori"))
            raw = row.cells.get("code", "")
            text = row.cells.get("value", "")
            if not raw:
                if text:
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
            if not text:
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
                self._issue(
                    row,
                    "value",
                    _("il periodo {period} è chiuso: i valori non si modificano più").format(
                        period=period.get_code_display()
                    ),
                )
                continue
            with translation.override("it"):  # its reason is stored: data, in Italian
                reading = parse_reading(text)
            if reading.kind is ReadingKind.EMPTY:
                self._issue(row, "value", _("«{text}» non è un valore leggibile").format(text=text))
                continue
            problem = value_problem(text)
            if problem:  # a number misread or too large for the stored figure
                self._issue(row, "value", problem)
                continue
            comment = row.cells.get("comment") if "comment" in table.headers else None
            out.append(WantedValue(row, code, indicator, period, text.strip(), comment))
        return out

    def run(self, *, dry_run: bool) -> ImportResult:
        result = ImportResult("values", self.cycle.year, rows=len(self.table.rows), dry_run=dry_run)
        wanted = self.validate()
        result.issues = self.issues
        result.warnings = list(self.book.warnings)
        if self.issues:
            return result
        existing = {
            (m.indicator_id, m.period_id): m
            for m in Measurement.objects.filter(period__cycle=self.cycle)
        }
        todo: list[tuple[WantedValue, Measurement | None]] = []
        for w in wanted:
            old = existing.get((w.indicator.pk, w.period.pk))
            if old is None:
                action, fields = Action.CREATE, tuple[str, ...]()
            else:
                changed = []
                if old.text != w.text:
                    changed.append(self.table.header("value"))
                if w.comment is not None and old.comment != w.comment:
                    changed.append(self.table.header("comment"))
                action = Action.UPDATE if changed else Action.UNCHANGED
                fields = tuple(changed)
            self.changes.append(Change(self.table.title, w.row.number, w.code, action, fields))
            if action is not Action.UNCHANGED:
                todo.append((w, old))
                result.seen[_key(w)] = old.version if old is not None else 0
        result.changes = self.changes
        if dry_run:
            return result
        if self.seen is not None:
            for w, old in todo:
                if self.seen.get(_key(w)) != (old.version if old is not None else 0):
                    self._issue(w.row, "value", _conflict(w, old))
            if self.issues:
                result.issues = self.issues
                return result
        try:
            with transaction.atomic():
                self._save(todo)
                versions.bump([self.cycle.pk])
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

    def _save(self, todo: list[tuple[WantedValue, Measurement | None]]) -> None:
        total = len(todo)
        if self.user is not None:
            for done, (w, old) in enumerate(todo, start=1):
                comment = w.comment if w.comment is not None else (old.comment if old else "")
                expected = self.seen.get(_key(w)) if self.seen is not None else None
                try:
                    record_value(
                        self.user,
                        w.indicator,
                        w.period,
                        w.text,
                        comment=comment,
                        expected_version=expected,
                    )
                except ValueRefused as exc:
                    self._issue(w.row, "value", exc.message)
                if done % 500 == 0:
                    self.progress(done, total, _("salvataggio dei valori"))
            if self.issues:
                raise ImportAborted
            self.progress(total, total, _("salvataggio dei valori"))
            return
        # The command line has no user: the same rules (checked above), in batches.
        creates: list[Measurement] = []
        updates: list[Measurement] = []
        for w, old in todo:
            with translation.override("it"):  # its reason is stored: data, in Italian
                reading = parse_reading(w.text)
            item = old or Measurement(indicator=w.indicator, period=w.period)
            item.text = w.text
            item.number = reading.number
            item.reading_kind = READING_KINDS[reading.kind]
            item.not_measurable_reason = (
                reading.reason if reading.kind is ReadingKind.NOT_MEASURABLE else ""
            )
            if w.comment is not None:
                item.comment = w.comment
            (updates if old else creates).append(item)
        for start in range(0, len(creates), BATCH):
            Measurement.objects.bulk_create(creates[start : start + BATCH])
            self.progress(start + len(creates[start : start + BATCH]), total, _("salvataggio"))
        _update_many(
            updates, lambda done: self.progress(len(creates) + done, total, _("salvataggio"))
        )
        self.progress(total, total, _("salvataggio"))


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


_FIELDS = ("text", "number", "reading_kind", "not_measurable_reason", "comment")


def _update_many(items: list[Measurement], progress: Callable[[int], None]) -> None:
    """One prepared UPDATE run for many rows: Django's bulk_update builds a CASE per field
    and row, which is slow beyond a few hundred rows."""
    if not items:
        return
    meta = Measurement._meta
    prepared: list[Any] = [meta.get_field(f) for f in _FIELDS]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(f.column)} = %s" for f in prepared)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE id = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(m, f.attname), connection) for f in prepared]
                    + [m.pk]
                    for m in chunk
                ],
            )
            progress(start + len(chunk))
