"""The full export of one cycle, and its restore into another database.

An export is one zip: ``manifest.json`` (what it is), ``data.json`` (every row, every
field) and ``data.xlsx`` (the same rows, one sheet per table, for people).

Which tables go in is decided by a registry, not a hand-kept list, so that models added
later by other apps join by themselves: starting from the cycle and its entity, a table of
a Traguardo app is exported when every foreign key it has to exported tables points inside
the export (a ReportCard of this cycle, the Measurements of its indicators, the units of its
entity…). An app can still `registry.exclude(Model)` (accounts: credentials are never
exported) or `registry.register(Model, match=(...))` to say how its rows are recognised
when they already exist in the target database.

Restoring assigns new ids (the target database may hold other cycles), maps every foreign
key, and reuses rows that already exist by their natural identity (the entity by name, its
units by code and date, its people by name): importing into an empty database reproduces
the cycle exactly, and its scores with it.
"""

from __future__ import annotations

import datetime
import json
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, models, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from traguardo.core.tabular import Issue
from traguardo.exchange.result import (
    Action,
    Change,
    ImportAborted,
    ImportResult,
    Progress,
    no_progress,
)
from traguardo.exchange.safety import Refused, check_expansion
from traguardo.exchange.workbooks import add_sheet
from traguardo.organisation.models import Entity
from traguardo.plans import versions
from traguardo.plans.models import Cycle

FORMAT = "traguardo-export"
VERSION = 1
ModelType = type[models.Model]


@dataclass(slots=True)
class Registry:
    excluded: set[str] = field(default_factory=set)
    matches: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # label -> "entity" | "cycle"

    def exclude(self, model: ModelType) -> None:
        self.excluded.add(model._meta.label_lower)

    def register(self, model: ModelType, *, match: tuple[str, ...] = ()) -> None:
        """Join the export; `match`: fields that recognise an existing row on restore."""
        self.excluded.discard(model._meta.label_lower)
        if match:
            self.matches[model._meta.label_lower] = match

    def models(self) -> list[ModelType]:
        """Exportable models of Traguardo's apps, each after the models it points to."""
        candidates = [
            m
            for m in apps.get_models(include_auto_created=True)
            if m._meta.app_config is not None
            and m._meta.app_config.name.startswith("traguardo.")
            and m._meta.label_lower not in self.excluded
            and not m._meta.proxy
        ]
        labels = {m._meta.label_lower for m in candidates}
        deps = {
            m._meta.label_lower: {
                _label(f)
                for f in _foreign_keys(m)
                if _label(f) in labels and f.related_model is not m
            }
            for m in candidates
        }
        by_label = {m._meta.label_lower: m for m in candidates}
        ordered: list[ModelType] = []
        done: set[str] = set()
        while len(done) < len(by_label):
            left = sorted(label for label in by_label if label not in done)
            ready = [label for label in left if deps[label] <= done]
            if not ready:  # a loop of foreign keys: take the next one, its back-edges deferred
                ready = left[:1]
            for label in ready:
                done.add(label)
                ordered.append(by_label[label])
        return ordered


def _foreign_keys(model: ModelType) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def _label(f: models.Field[Any, Any]) -> str:
    target: Any = f.related_model
    return str(target._meta.label_lower)


def _fields(model: ModelType) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


registry = Registry(
    excluded={"accounts.membership", "exchange.upload"},  # credentials; our own uploads
    matches={
        "organisation.entity": ("name",),
        "organisation.orgunit": ("entity", "code", "valid_from"),
        "organisation.person": ("entity", "display_name"),
        "organisation.assignment": ("person", "unit", "role", "start"),
    },
    roots={"organisation.entity": "entity", "plans.cycle": "cycle"},
)


# ---------------------------------------------------------------------------- export


def collect(cycle: Cycle) -> dict[ModelType, list[int]]:
    """The ids of every row that belongs to the export of `cycle`, per model."""
    chosen: dict[str, set[int]] = {}
    out: dict[ModelType, list[int]] = {}
    for model in registry.models():
        label = model._meta.label_lower
        root = registry.roots.get(label)
        if root == "entity":
            ids = {cycle.entity_id}
        elif root == "cycle":
            ids = {cycle.pk}
        else:
            keys = [
                f
                for f in _foreign_keys(model)
                if f.related_model is not model and _label(f) in chosen
            ]
            if not keys:
                continue
            ids = set()
            columns = ["pk", *[f.attname for f in keys]]
            for row in model._default_manager.values_list(*columns).iterator(chunk_size=5000):
                values = row[1:]
                inside = [
                    v in chosen[_label(f)]
                    for f, v in zip(keys, values, strict=True)
                    if v is not None
                ]
                if inside and all(inside):
                    ids.add(row[0])
        chosen[label] = ids
        if ids:
            out[model] = sorted(ids)
    return out


def _rows(model: ModelType, ids: list[int]) -> Iterable[list[Any]]:
    names = [f.attname for f in _fields(model)]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from (
            list(row)
            for row in model._default_manager.filter(pk__in=chunk)
            .order_by("pk")
            .values_list(*names)
        )


def _clean(model: ModelType, row: list[Any]) -> list[Any]:
    """Links to user accounts are not part of a cycle's data: exported as empty."""
    out = []
    for f, value in zip(_fields(model), row, strict=True):
        target = getattr(f, "related_model", None)
        if target is not None and not target._meta.app_config.name.startswith("traguardo."):
            value = None
        out.append(value)
    return out


def export_cycle(cycle: Cycle, progress: Progress = no_progress) -> bytes:
    tables = collect(cycle)
    data: list[dict[str, Any]] = []
    total = sum(len(ids) for ids in tables.values())
    done = 0
    for model, ids in tables.items():
        rows = [_clean(model, row) for row in _rows(model, ids)]
        data.append(
            {
                "model": model._meta.label_lower,
                "fields": [f.attname for f in _fields(model)],
                "rows": rows,
            }
        )
        done += len(rows)
        progress(done, total, model._meta.label_lower)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "entity": cycle.entity.name,
        # The administration, by its stable code: an archive goes back into it only
        # (restore_archive); "entity" keeps its name, as archives before codes had.
        "entity_code": cycle.entity.code,
        "year": cycle.year,
        "exported_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "tables": {t["model"]: len(t["rows"]) for t in data},
    }
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
        archive.writestr(
            "data.json",
            json.dumps({**manifest, "data": data}, cls=DjangoJSONEncoder, ensure_ascii=False),
        )
        archive.writestr("data.xlsx", _workbook(data))
    return out.getvalue()


XLSX_CELL_MAX = 32767  # characters Excel keeps in a cell


def _xlsx_cell(value: Any) -> Any:
    """A cell for people: JSON as text, cut to Excel's limit (a stored score snapshot is
    megabytes; data.json keeps every value whole)."""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder)
    if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
        marker = "… [troncato: il valore intero è in data.json]"
        return value[: XLSX_CELL_MAX - len(marker)] + marker
    return value


def _workbook(data: list[dict[str, Any]]) -> bytes:
    book = Workbook(write_only=True)
    for index, table in enumerate(data, start=1):
        title = f"{index:02d} {table['model']}"[:31]
        rows = ([_xlsx_cell(v) for v in row] for row in table["rows"])
        add_sheet(book, title, table["fields"], rows)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------- restore


def read_archive(data: bytes) -> dict[str, Any]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        check_expansion(archive.infolist(), len(data))
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise Refused(_("l'archivio non è un'esportazione di Traguardo"))
        if manifest.get("version") != VERSION:
            raise Refused(
                _(
                    "esportazione in formato {found}: "
                    "questa versione di Traguardo legge il formato {version}"
                ).format(found=manifest.get("version"), version=VERSION)
            )
        content: dict[str, Any] = json.loads(archive.read("data.json"))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        if isinstance(exc, Refused):
            raise
        raise Refused(
            _("l'archivio di esportazione è incompleto o danneggiato ({error})").format(error=exc)
        ) from None
    return content


def other_administration(content: dict[str, Any], entity: Entity) -> str:
    """Why an archive may not go into `entity` ("" when it may): it is another
    administration's, by its code (or, for an archive made before codes, by its name)."""
    code = str(content.get("entity_code") or "")
    name = str(content.get("entity") or "")
    if (code and code == entity.code) or (not code and name == entity.name):
        return ""
    return _(
        "l'archivio è dell'ente «{name}»{code}, non di «{here}» ({here_code}): "
        "un'esportazione si importa solo nel suo ente. Per spostare un ente in "
        "un'altra installazione importala con «traguardo import» senza --entity"
    ).format(
        name=name,
        code=f" ({code})" if code else "",
        here=entity.name,
        here_code=entity.code,
    )


def restore_archive(
    data: bytes,
    *,
    dry_run: bool,
    entity: Entity | None = None,
    progress: Progress = no_progress,
) -> ImportResult:
    """Restore an export. `entity`: the administration the import is done in (the web
    page's, `--entity`): an archive of another administration is refused. Without it (the
    command line without --entity) the archive goes into its own administration, created
    when missing."""
    content = read_archive(data)
    result = ImportResult("archive", int(content["year"]), dry_run=dry_run)
    result.rows = sum(len(t["rows"]) for t in content["data"])
    refusal = other_administration(content, entity) if entity is not None else ""
    if refusal:
        result.issues.append(Issue("manifest.json", None, "", refusal))
        return result
    if Cycle.objects.filter(entity__name=content["entity"], year=content["year"]).exists():
        result.issues.append(
            Issue(
                "manifest.json",
                None,
                "",
                _(
                    "il ciclo {year} di «{entity}» esiste già: "
                    "l'archivio si importa solo dove quel ciclo non c'è"
                ).format(year=content["year"], entity=content["entity"]),
            )
        )
        return result
    try:
        with transaction.atomic():
            _restore(content, result, progress)
            versions.bump_all()  # a new cycle, and the units and people it brought
            if dry_run:
                raise ImportAborted
    except ImportAborted:
        pass
    except (IntegrityError, DataError) as exc:  # e.g. a row that clashes with existing data
        result.issues.append(
            Issue("", None, "", _("il database ha rifiutato i dati: {error}").format(error=exc))
        )
    result.saved = not dry_run and not result.issues
    return result


def _restore(content: dict[str, Any], result: ImportResult, progress: Progress) -> None:
    known = {m._meta.label_lower: m for m in registry.models()}
    order = {label: i for i, label in enumerate(known)}
    tables = sorted(content["data"], key=lambda t: order.get(t["model"], len(order)))
    ids: dict[str, dict[Any, Any]] = defaultdict(dict)
    deferred: list[tuple[models.Model, str, str, Any]] = []
    done = 0
    for table in tables:
        label = table["model"]
        model = known.get(label)
        if model is None:
            result.warnings.append(
                Issue(label, None, "", _("tabella sconosciuta in questa versione: ignorata"))
            )
            continue
        fields = {f.attname: f for f in _fields(model)}
        names = table["fields"]
        match = registry.matches.get(label, ())
        for number, row in enumerate(table["rows"], start=1):
            values = dict(zip(names, row, strict=True))
            old_pk = values.get(model._meta.pk.attname)
            kwargs: dict[str, Any] = {}
            later: list[tuple[str, str, Any]] = []
            for name, value in values.items():
                f = fields.get(name)
                if f is None or f.primary_key:
                    continue
                if isinstance(f, models.ForeignKey) and value is not None:
                    target = _label(f)
                    if target not in known:
                        value = None
                    elif value in ids[target]:
                        value = ids[target][value]
                    else:  # points to a row restored later (self or back reference)
                        later.append((name, target, value))
                        value = None
                else:
                    value = f.to_python(value) if value is not None else None
                kwargs[name] = value
            existing = None
            if match:
                lookup = {(fields[m].attname if m in fields else f"{m}_id"): None for m in match}
                for key in list(lookup):
                    lookup[key] = kwargs.get(key)
                existing = model._default_manager.filter(**lookup).first()
            if existing is not None:
                obj = existing
                action = Action.UNCHANGED
            else:
                obj = model(**kwargs)
                obj.save(force_insert=True)
                action = Action.CREATE
            ids[label][old_pk] = obj.pk
            deferred.extend((obj, name, target, value) for name, target, value in later)
            result.changes.append(Change(label, number, str(old_pk), action))
            done += 1
            if done % 500 == 0:
                progress(done, result.rows, label)
    for obj, name, target, value in deferred:
        new = ids[target].get(value)
        if new is None:
            result.issues.append(
                Issue(
                    obj._meta.label_lower,
                    None,
                    name,
                    _("riferimento a una riga mancante ({value})").format(value=value),
                )
            )
            continue
        type(obj)._default_manager.filter(pk=obj.pk).update(**{name: new})
    if result.issues:
        raise ImportAborted
    progress(result.rows, result.rows, _("fatto"))
