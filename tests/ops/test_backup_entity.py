"""`traguardo backup --entity CODE`: one administration's rows and files, nothing of the
others; it restores into an empty database exactly as it was."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tests.entity_rows import entity_rows
from tests.world import SECOND_WORLD, World, build_world
from traguardo.accounts.models import InstallationAdmin, Role
from traguardo.core.contract import to_contract_dict
from traguardo.oiv.models import EvidenceSample
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle
from traguardo.scoring.services import score_cycle


def _document(world: World, name: str) -> EvidenceSample:
    sample = EvidenceSample(
        cycle=world.cycle,
        indicator=world.indicator("2.1/2", 1),
        source="verbale",
        outcome="confirmed",
    )
    sample.document.save(name, ContentFile(b"%PDF-1.4 " + name.encode()), save=True)
    return sample


def _without_versions(rows: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A restore moves the data versions on (no cached score of other data is served)."""
    cycles = Cycle._meta.get_field("data_version")
    at = [f.attname for f in Cycle._meta.concrete_fields].index(cycles.attname)
    out = dict(rows)
    out["plans.cycle"] = [r[:at] + r[at + 1 :] for r in rows["plans.cycle"]]
    return out


def test_one_administration_is_backed_up_and_restored_alone(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a, b = build_world(), build_world(**SECOND_WORLD)
    mine = _document(a, "verbale-a.pdf")
    _document(b, "verbale-b.pdf")
    # a person with roles in both: kept, with the role in A only
    both = f.user_with_role(Role.OIV, a.entity, username="entrambi")
    f.grant(both, Role.OIV, b.entity)
    f.UserFactory(username="gestore")
    InstallationAdmin.objects.create(user=get_user_model().objects.get(username="gestore"))
    before = _without_versions(entity_rows(a.entity))
    scores = to_contract_dict(score_cycle(a.cycle))

    archive = tmp_path / "tvbl.zip"
    call_command("backup", out=archive, entity=a.entity.code, verbosity=0)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        data = json.loads(zf.read("data.json"))
        names = zf.namelist()
    assert manifest["entity"] == {"code": a.entity.code, "name": a.entity.name}
    assert manifest["entities"] == [a.entity.code]
    assert manifest["media"] == [mine.document.name]
    assert f"media/{mine.document.name}" in names and len(names) == 3
    usernames = {r["fields"]["username"] for r in data if r["model"] == "auth.user"}
    assert usernames == {"ufficio", "segretario", "dirigente", "po", "po2", "oiv", "entrambi"}
    assert "Altrove" not in json.dumps(data) and "Attività" not in json.dumps(data)

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), verbosity=0)
    restored = Entity.objects.get()
    assert restored.code == a.entity.code
    assert _without_versions(entity_rows(restored)) == before
    assert to_contract_dict(score_cycle(Cycle.objects.get())) == scores
    assert set(get_user_model().objects.values_list("username", flat=True)) == usernames
    assert EvidenceSample.objects.get().document.read() == b"%PDF-1.4 verbale-a.pdf"

    # into a database with data: refused, even with --replace (it would delete the others)
    with pytest.raises(CommandError, match="solo ente"):
        call_command("restore", str(archive), replace=True, verbosity=0)
    assert Entity.objects.count() == 1


def test_without_entity_the_whole_installation_and_an_unknown_code_lists_them(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    a, b = build_world(), build_world(**SECOND_WORLD)
    archive = tmp_path / "all.zip"
    call_command("backup", out=archive, verbosity=0)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["entity"] is None
    assert manifest["entities"] == sorted([a.entity.code, b.entity.code])
    with pytest.raises(CommandError) as refused:
        call_command("backup", out=tmp_path / "x.zip", entity="nessuno", verbosity=0)
    assert a.entity.code in str(refused.value) and b.entity.code in str(refused.value)
    assert not (tmp_path / "x.zip").exists()
