"""Backup and restore: the round trip gives back the same scores, history and files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import load_demo_cycle
from traguardo.audit.models import AuditEntry
from traguardo.core.contract import to_contract_dict
from traguardo.oiv.models import EvidenceSample
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle, Indicator
from traguardo.scoring.services import score_cycle


def contract(year: int = 2019) -> dict[str, Any]:
    return to_contract_dict(score_cycle(Cycle.objects.get(year=year)))


def test_round_trip_gives_identical_scores_history_and_files(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cycle = load_demo_cycle()
    indicator = Indicator.objects.filter(entity_block__cycle=cycle).first()
    assert indicator is not None
    sample = EvidenceSample(cycle=cycle, indicator=indicator, source="verbale", outcome="confirmed")
    sample.document.save("verbale.pdf", ContentFile(b"%PDF-1.4 evidenza"), save=True)
    before = contract()
    history_before = list(AuditEntry.objects.order_by("id").values_list("id", "changes"))
    assert before["entity"]["performance"] == "98.61"

    archive = tmp_path / "backup.zip"
    call_command("backup", out=archive, verbosity=0)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "traguardo.backup/1"
        assert manifest["rows"]["plans.indicator"] == Indicator.objects.count()
        assert manifest["media"] == [sample.document.name]

    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / sample.document.name).unlink()
    assert not Cycle.objects.exists()

    call_command("restore", str(archive), verbosity=0)
    assert contract() == before
    # A new data version: scores cached by the server for the data replaced are not served.
    assert Cycle.objects.get().data_version > cycle.data_version
    assert list(AuditEntry.objects.order_by("id").values_list("id", "changes")) == history_before
    restored = EvidenceSample.objects.get()
    assert restored.document.read() == b"%PDF-1.4 evidenza"
    # ids continue after the restored ones (PostgreSQL sequences are reset by loaddata)
    top = max(Indicator.objects.values_list("pk", flat=True))
    new = Indicator.objects.create(
        entity_block=indicator.entity_block,
        number=999,
        name="nuovo",
        direction="higher",
        weight=1,
    )
    assert new.pk > top


def test_restore_refuses_a_database_with_data_and_keeps_it(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo_cycle()
    archive = tmp_path / "backup.zip"
    call_command("backup", out=archive, verbosity=0)
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive), verbosity=0)
    assert Cycle.objects.count() == 1
    call_command("restore", str(archive), replace=True, verbosity=0)
    assert contract()["entity"]["performance"] == "98.61"


def test_restore_says_what_is_wrong_with_a_bad_file(transactional_db: None, tmp_path: Path) -> None:
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("ciao")
    with pytest.raises(CommandError, match="non è un archivio zip"):
        call_command("restore", str(not_zip), verbosity=0)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "altro/9"}))
    with pytest.raises(CommandError, match="non supportato"):
        call_command("restore", str(other), verbosity=0)
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "traguardo.backup/1"}))
        zf.writestr("data.json", "[]")  # would load nothing; refused before loading anyway
        zf.writestr("media/../../escape.txt", "x")
    with pytest.raises(CommandError, match="non ammesso"):
        call_command("restore", str(evil), verbosity=0)
    with pytest.raises(CommandError, match="inesistente"):
        call_command("restore", str(tmp_path / "missing.zip"), verbosity=0)


def test_an_older_backup_with_score_stamps_still_restores(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    # Backups written before scores were keyed by the cycle's data version hold rows of the
    # retired scoring.ScoreStamp model: they are skipped, everything else is loaded.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo_cycle()
    before = contract()
    archive, older = tmp_path / "backup.zip", tmp_path / "older.zip"
    call_command("backup", out=archive, verbosity=0)
    with zipfile.ZipFile(archive) as zf, zipfile.ZipFile(older, "w") as out:
        for name in zf.namelist():
            payload = zf.read(name)
            if name == "data.json":
                rows = json.loads(payload)
                stamp = {"token": "abc", "at": "2024-01-01T00:00:00Z"}
                rows.append({"model": "scoring.scorestamp", "pk": 1, "fields": stamp})
                for row in rows:  # and, older still, administrations without a code
                    if row["model"] == "organisation.entity":
                        del row["fields"]["code"]
                payload = json.dumps(rows).encode()
            out.writestr(name, payload)
    call_command("restore", str(older), replace=True, verbosity=0)
    assert contract() == before
    assert list(Entity.objects.values_list("code", flat=True)) == ["tvbl"]
