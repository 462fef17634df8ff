"""Portable backups: the whole database as JSON plus the uploaded files, in one zip.

The archive holds `manifest.json` (format, date, applied migrations, rows per model, media
files), `data.json` (Django's JSON serialisation with natural keys for content types and
users, so it loads on SQLite and PostgreSQL alike) and `media/…` (uploaded evidence and
generated documents). Content types, permissions and sessions are left out: `migrate`
recreates the first two and sessions are not worth keeping. The audit trail is included.

A restore loads the archive into a migrated, empty database of the same code version
(the manifest's migrations must all be applied); `--replace` empties the database first.

`--entity CODE` backs up one administration (`rows_of_entity`): its rows, the rows of its
cycles, its audit trail, the users who hold a role in it (with their other roles left out)
and the files of its rows; the manifest names it. Such an archive restores into an empty
database only (moving an administration to an installation of its own); `--replace` is
refused for it, since it would delete the other administrations.
"""

from __future__ import annotations

import datetime
import json
import secrets
import tempfile
import zipfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from traguardo.audit.recorder import paused
from traguardo.organisation.codes import suggested_code
from traguardo.organisation.models import Entity
from traguardo.plans import versions

FORMAT = "traguardo.backup/1"
# data.json is written by this serializer: Django's JSON one rounds times to the millisecond.
serializers.register_serializer("json_us", "traguardo.ops.serializer")
# API tokens are credentials: not in a backup (restored users ask for new ones).
EXCLUDED = (
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "authtoken",
    "api.apitoken",
)
# Models of earlier versions that no longer exist: their rows in an older backup are skipped.
# Plain-text API tokens of earlier versions are credentials: never loaded back either.
RETIRED = frozenset({"scoring.scorestamp", "authtoken.token"})


class BackupError(Exception):
    """The archive cannot be written or read; the message says what and where."""


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


# Installation-level rows: never part of one administration's backup.
INSTALLATION_ONLY = frozenset({"accounts.installationadmin"})
USER_LABEL = "auth.user"


def _key(label: str, value: Any) -> tuple[str, Any]:
    """A row's identity as foreign keys name it: its pk, or its natural key (users)."""
    return (label, tuple(value) if isinstance(value, list) else value)


def _foreign_keys(label: str) -> list[tuple[str, str]]:
    """(field, target label) of the model's foreign keys, as data.json names them."""
    model = apps.get_model(label)
    return [
        (f.name, f.related_model._meta.label_lower)
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None and (f.many_to_one or f.one_to_one)
    ]


def rows_of_entity(rows: list[dict[str, Any]], entity_pk: int) -> list[dict[str, Any]]:
    """The rows of data.json that belong to one administration, in their order.

    A row belongs to the administration its foreign keys lead to (its own row, its units,
    its cycles and everything hanging off them, however deep), an audit entry to the
    administration it records (`entity_id`). Users are kept when a kept row names them (a
    role, an author), with the rows that hang only off them (their preferences); the
    installation's own rows (its administrators) and every other administration's are left
    out."""
    fks = {label: _foreign_keys(label) for label in {r["model"] for r in rows}}
    owner: dict[tuple[str, Any], int] = {}
    for row in rows:
        if row["model"] == "organisation.entity":
            owner[_key(row["model"], row["pk"])] = int(row["pk"])
        elif row["model"] == "audit.auditentry" and row["fields"].get("entity_id") is not None:
            owner[_key(row["model"], row["pk"])] = int(row["fields"]["entity_id"])
    pending = [r for r in rows if _key(r["model"], r["pk"]) not in owner]
    while True:  # one pass per level of depth: a few passes
        left = []
        for row in pending:
            found = next(
                (
                    owner[target]
                    for name, label in fks[row["model"]]
                    if row["fields"].get(name) is not None
                    and (target := _key(label, row["fields"][name])) in owner
                ),
                None,
            )
            if found is None:
                left.append(row)
            else:
                owner[_key(row["model"], row["pk"])] = found
        if len(left) == len(pending):
            break
        pending = left
    kept = [r for r in rows if owner.get(_key(r["model"], r["pk"])) == entity_pk]
    users = {
        _key(USER_LABEL, r["fields"][name])
        for r in kept
        for name, label in fks[r["model"]]
        if label == USER_LABEL and r["fields"].get(name) is not None
    }
    chosen = {id(r) for r in kept}

    def of_kept_user(row: dict[str, Any]) -> bool:
        """A user named by a kept row, or a row of no administration hanging off one."""
        label = row["model"]
        if label == USER_LABEL:
            natural = (USER_LABEL, (row["fields"].get("username"),))
            return natural in users or (USER_LABEL, row.get("pk")) in users
        if _key(label, row["pk"]) in owner or label in INSTALLATION_ONLY:
            return False
        return any(
            target == USER_LABEL
            and row["fields"].get(name) is not None
            and _key(USER_LABEL, row["fields"][name]) in users
            for name, target in fks[label]
        )

    # ... and the installation's groups, few and needed by its users.
    chosen |= {id(r) for r in rows if r["model"] == "auth.group" or of_kept_user(r)}
    return [r for r in rows if id(r) in chosen]


def _files_of(rows: list[dict[str, Any]]) -> set[str]:
    """The media files the rows' file fields name."""
    names: set[str] = set()
    for row in rows:
        model = apps.get_model(row["model"])
        for f in model._meta.concrete_fields:
            if f.get_internal_type() in ("FileField", "ImageField") and row["fields"].get(f.name):
                names.add(str(row["fields"][f.name]))
    return names


def write_backup(out: Path, entity: Entity | None = None) -> dict[str, Any]:
    """Write the archive to `out` (atomically: a half-written file never replaces it): the
    whole installation, or the administration `entity` only."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        call_command(
            "dumpdata",
            exclude=list(EXCLUDED),
            format="json_us",
            natural_foreign=True,
            output=str(data),
            verbosity=0,
        )
        rows = json.loads(data.read_text(encoding="utf-8"))
        media = _media_files(media_root)
        if entity is not None:
            rows = rows_of_entity(rows, entity.pk)
            # The rows as dumpdata wrote them (already JSON: strings, numbers, lists).
            data.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
            wanted = _files_of(rows)
            media = [p for p in media if p.relative_to(media_root).as_posix() in wanted]
        codes = sorted(r["fields"]["code"] for r in rows if r["model"] == "organisation.entity")
        manifest = {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "migrations": _applied_migrations(),
            # One administration's backup names it; a whole one lists them all.
            "entity": {"code": entity.code, "name": entity.name} if entity else None,
            "entities": codes,
            "rows": dict(sorted(Counter(r["model"] for r in rows).items())),
            "media": [p.relative_to(media_root).as_posix() for p in media],
        }
        partial = out.with_name(out.name + ".partial")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
            archive.write(data, "data.json")
            for path in media:
                archive.write(path, "media/" + path.relative_to(media_root).as_posix())
        partial.replace(out)
    return manifest


def read_manifest(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise BackupError(f"{name}: manca manifest.json, non è un backup di Traguardo") from None
    except ValueError as exc:
        raise BackupError(f"{name}: manifest.json non leggibile ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{name}: formato «{manifest.get('format')}» non supportato (atteso {FORMAT})"
        )
    return dict(manifest)


def manifest_of(source: Path) -> dict[str, Any]:
    """The manifest of the archive at `source` (BackupError if it is not one)."""
    try:
        with zipfile.ZipFile(source) as archive:
            return read_manifest(archive, str(source))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BackupError(f"{source}: non è un archivio zip") from None


def missing_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the backup's database had and this one has not applied."""
    here = _applied_migrations()
    return [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if name not in here.get(app, []) and app in {c.label for c in apps.get_app_configs()}
    ]


def database_is_empty() -> bool:
    skip = {"contenttypes", "auth.permission"}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in skip or model._meta.app_label in skip or not model._meta.managed:
            continue
        if model._meta.proxy:
            continue
        if model._base_manager.exists():
            return False
    return True


def _safe_media_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.parts[:1] != ("media",) or len(path.parts) < 2:
        return None
    rest = PurePosixPath(*path.parts[1:])
    if rest.is_absolute() or ".." in rest.parts:
        raise BackupError(f"percorso non ammesso nell'archivio: {name}")
    return rest


def _without_retired(payload: bytes) -> bytes:
    try:
        rows = json.loads(payload)
    except ValueError:
        return payload  # loaddata says what is wrong with it
    if not isinstance(rows, list):
        return payload
    kept = [r for r in rows if not (isinstance(r, dict) and r.get("model") in RETIRED)]
    coded = _with_entity_codes(kept)
    return payload if len(kept) == len(rows) and not coded else json.dumps(kept).encode()


def _with_entity_codes(rows: list[Any]) -> bool:
    """Give a code to the administrations of a backup made before Entity.code existed
    (as the migration does); True if any was given."""
    entities = [
        r
        for r in rows
        if isinstance(r, dict)
        and r.get("model") == "organisation.entity"
        and isinstance(r.get("fields"), dict)
    ]
    used = {r["fields"]["code"] for r in entities if r["fields"].get("code")}
    given = False
    for row in entities:
        if not row["fields"].get("code"):
            row["fields"]["code"] = suggested_code(
                str(row["fields"].get("name", "")), used.__contains__
            )
            used.add(row["fields"]["code"])
            given = True
    return given


def restore_backup(source: Path) -> dict[str, Any]:
    """Load the archive into the (empty, migrated) database and put back the media files."""
    if not source.is_file():
        raise BackupError(f"{source}: file inesistente")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BackupError(f"{source}: non è un archivio zip") from None
    try:
        with archive, tempfile.TemporaryDirectory() as tmp:
            return _restore(archive, source, Path(tmp))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BackupError(f"{source}: archivio danneggiato, non leggibile ({exc})") from None
    except DeserializationError as exc:
        first = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise BackupError(f"{source}: data.json danneggiato, non caricato ({first})") from None


def _restore(archive: zipfile.ZipFile, source: Path, tmp: Path) -> dict[str, Any]:
    manifest = read_manifest(archive, str(source))
    missing = missing_migrations(manifest)
    if missing:
        raise BackupError(
            f"{source}: il database non ha le migrazioni {', '.join(missing[:5])}: "
            "esegui «python manage.py migrate» con la versione del programma del backup"
        )
    # Every file name is checked before anything is written.
    media = [(name, _safe_media_name(name)) for name in archive.namelist()]
    try:
        payload = archive.read("data.json")
    except KeyError:
        raise BackupError(f"{source}: manca data.json") from None
    data = tmp / "data.json"
    data.write_bytes(_without_retired(payload))
    # Restored cycles carry the data versions of the backup: they are moved past every
    # version this database has used, so no cached score of the replaced data matches.
    floor = versions.highest()
    # loaddata runs in one transaction, with constraint checks deferred to the end,
    # and resets PostgreSQL sequences afterwards.
    with paused():
        call_command("loaddata", str(data), verbosity=0)
    # Past the highest version left here, by a random step: a flushed database has
    # none, and the server processes may still cache scores of the data it had.
    versions.bump_all(by=floor + 1 + secrets.randbelow(2**40))
    media_root = Path(settings.MEDIA_ROOT)
    for name, rest in media:
        if rest is None or name.endswith("/"):
            continue
        target = media_root.joinpath(*rest.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(name))
    return manifest
