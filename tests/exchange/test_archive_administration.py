"""An export names its administration (code and name); another administration's import of
it is refused, on the page and on the command line, and nothing is written."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import Role
from traguardo.exchange.archive import export_cycle, other_administration, read_archive
from traguardo.exchange.models import Upload
from traguardo.exchange.services import import_file
from traguardo.plans.models import Cycle


def _manifest(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest: dict[str, object] = json.loads(archive.read("manifest.json"))
    return manifest


def test_the_manifest_names_the_administration(world: World) -> None:
    manifest = _manifest(export_cycle(world.cycle))
    assert manifest["entity_code"] == world.entity.code
    assert manifest["entity"] == world.entity.name
    assert manifest["year"] == world.cycle.year


def test_another_administration_may_not_import_it(world: World, tmp_path: Path) -> None:
    data = export_cycle(world.cycle)
    other = f.EntityFactory(code="altrove", name="Comune di Altrove")
    cycles = Cycle.objects.count()

    result = import_file("traguardo-2019.zip", data, None, dry_run=False, entity=other)
    assert not result.saved
    [issue] = result.issues
    assert world.entity.name in issue.message and f"({world.entity.code})" in issue.message
    assert "Comune di Altrove" in issue.message and "--entity" in issue.message

    # the command line: --entity of another administration
    path = tmp_path / "traguardo-2019.zip"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="si importa solo nel suo ente"):
        call_command("import", str(path), "--entity", "altrove", stdout=io.StringIO())

    # the page: the office of the other administration uploads it
    office = f.user_with_role(Role.PERFORMANCE_OFFICE, other, username="stp_altrove")
    client = f.signed_in(office)
    upload = SimpleUploadedFile("traguardo-2019.zip", data, content_type="application/zip")
    response = client.post("/dati/importa/", {"file": upload}, follow=True)
    assert "si importa solo nel suo ente" in response.content.decode()
    item = Upload.objects.get(user=office)
    assert item.entity == other and item.status == Upload.Status.FAILED
    assert Cycle.objects.count() == cycles


def test_its_own_administration_and_an_archive_made_before_codes(world: World) -> None:
    content = read_archive(export_cycle(world.cycle))
    assert other_administration(content, world.entity) == ""
    older = {k: v for k, v in content.items() if k != "entity_code"}
    assert other_administration(older, world.entity) == ""
    renamed = f.EntityFactory(code="altrove", name="Comune di Altrove")
    assert other_administration(older, renamed) != ""
    # the same administration from its own office: the check passes, the cycle exists
    result = import_file(
        "t.zip", export_cycle(world.cycle), None, dry_run=True, entity=world.entity
    )
    assert [i.message for i in result.issues] == [
        f"il ciclo {world.cycle.year} di «{world.entity.name}» esiste già: "
        "l'archivio si importa solo dove quel ciclo non c'è"
    ]
