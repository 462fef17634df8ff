"""Setting a cycle's SMVP: the service (checks, act, audit, revision after approval) and the
`traguardo smvp` commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.world import World
from traguardo.audit.models import AuditEntry
from traguardo.core.smvp import PRESETS, SmvpError, preset, smvp_to_dict
from traguardo.plans.models import Act, Cycle, Revision, RevisionChange, ScoringConfig
from traguardo.plans.smvp_services import (
    SmvpRefused,
    document_of,
    parse_act_reference,
    set_cycle_smvp,
)
from traguardo.plans.smvp_settings import cycle_smvp

pytestmark = pytest.mark.django_db


def user(name: str) -> object:
    return get_user_model().objects.get(username=name)


def in_state(world: World, state: str) -> Cycle:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=state)
    world.cycle.refresh_from_db()
    return world.cycle


def simple() -> dict[str, object]:
    return smvp_to_dict(preset("medie-semplici"))


# --- the service -------------------------------------------------------------------------


def test_a_valid_document_is_stored_canonical_with_its_act_and_audit(world: World) -> None:
    cycle = in_state(world, Cycle.State.DRAFT)
    version = cycle.data_version
    saved = set_cycle_smvp(
        cycle,
        {"nome": "mio", "livelli": {"unit": {"decimali": 1}}},
        by=user("ufficio"),
        act_reference="Delibera di Giunta n. 12 del 10/01/2020",
    )
    config = ScoringConfig.objects.get(cycle=cycle)
    stored = config.options["documento"]
    assert stored == smvp_to_dict(saved.smvp)
    assert stored["livelli"]["unit"]["decimali"] == 1
    assert "objective" in stored["livelli"]  # canonical: every level written out
    assert config.default_rule == "smvp"
    assert cycle_smvp(cycle).level("unit").rounding.places == 1
    act = Act.objects.get(cycle=cycle, kind=Act.Kind.SMVP)
    assert (act.act_type, act.number, str(act.date)) == ("Delibera di Giunta", "12", "2020-01-10")
    assert saved.revision is None  # in preparation: no revision
    assert AuditEntry.objects.filter(model_label="plans.act", object_pk=str(act.pk)).exists()
    assert AuditEntry.objects.filter(model_label="plans.scoringconfig", username="ufficio").exists()
    cycle.refresh_from_db()
    assert cycle.data_version > version  # cached scores are recomputed


def test_an_invalid_setting_is_refused_with_its_path_and_nothing_is_written(
    world: World,
) -> None:
    cycle = in_state(world, Cycle.State.DRAFT)
    with pytest.raises(SmvpError) as error:
        set_cycle_smvp(
            cycle, {"livelli": {"unit": {"metodo": "median"}}}, by=None, act_reference=""
        )
    assert error.value.where == "livelli.unit.metodo"
    with pytest.raises(SmvpError) as error:
        set_cycle_smvp(cycle, {"livelli": {"unit": {"decimal": 1}}}, by=None, act_reference="")
    assert error.value.where == "livelli.unit.decimal"
    assert not Act.objects.filter(cycle=cycle, kind=Act.Kind.SMVP).exists()


def test_the_same_document_twice_changes_nothing(world: World) -> None:
    cycle = in_state(world, Cycle.State.DRAFT)
    set_cycle_smvp(cycle, simple(), by=None, act_reference="Delibera n. 1")
    again = set_cycle_smvp(cycle, simple(), by=None, act_reference="Delibera n. 1")
    assert not again.stored and again.act is None and again.changed == ()
    assert Act.objects.filter(cycle=cycle, kind=Act.Kind.SMVP).count() == 1


def test_after_approval_the_change_is_a_revision_with_one_line_per_setting(
    world: World,
) -> None:
    cycle = world.cycle  # monitoring; revision n. 1 closed
    with pytest.raises(SmvpRefused) as error:
        set_cycle_smvp(cycle, simple(), by=user("ufficio"), act_reference="")
    assert error.value.where == "atto"
    with pytest.raises(SmvpRefused) as error:
        set_cycle_smvp(cycle, simple(), by=user("ufficio"), act_reference="Delibera n. 3")
    assert error.value.where == "motivo"
    saved = set_cycle_smvp(
        cycle,
        simple(),
        by=user("ufficio"),
        act_reference="Delibera n. 3 del 02/03/2019",
        reason="nuovo SMVP adottato dalla Giunta",
    )
    revision = saved.revision
    assert revision is not None and revision.number == 2 and not revision.is_open
    assert revision.act == saved.act
    changes = RevisionChange.objects.filter(revision=revision)
    assert changes.count() == len(saved.changed) == revision.variations_count
    line = changes.get(field="livelli.entity.fonte")
    assert (line.old_value, line.new_value) == ("blocks", "strategic")
    assert line.kind == RevisionChange.Kind.OTHER and "SMVP" in line.item_label
    assert line.by == user("ufficio")


def test_after_approval_the_change_goes_into_the_open_revision(world: World) -> None:
    cycle = world.cycle
    Revision.objects.create(cycle=cycle, number=2, is_open=True)
    saved = set_cycle_smvp(
        cycle, simple(), by=user("ufficio"), act_reference="Delibera n. 4", reason="perché"
    )
    assert saved.revision is not None and saved.revision.number == 2
    assert saved.revision.is_open and saved.revision.changes.count() == len(saved.changed)


@pytest.mark.parametrize(
    "state", [Cycle.State.CLOSED, Cycle.State.VALIDATED, Cycle.State.PUBLISHED]
)
def test_a_closed_cycle_keeps_its_smvp(world: World, state: str) -> None:
    cycle = in_state(world, state)
    with pytest.raises(SmvpRefused) as error:
        set_cycle_smvp(cycle, simple(), by=None, act_reference="Delibera n. 5", reason="x")
    assert "non si cambia più" in error.value.message
    assert "documento" not in (ScoringConfig.objects.get(cycle=cycle).options or {})


@pytest.mark.parametrize("username", ["po", "dirigente", "segretario", "oiv"])
def test_only_the_office_changes_the_smvp(world: World, username: str) -> None:
    cycle = in_state(world, Cycle.State.DRAFT)
    with pytest.raises(SmvpRefused):
        set_cycle_smvp(cycle, simple(), by=user(username), act_reference="Delibera n. 6")


def test_entity_source_blocks_is_refused_for_a_plan_without_blocks(world: World) -> None:
    cycle = in_state(world, Cycle.State.DRAFT)
    from traguardo.plans.models import EntityBlock

    EntityBlock.objects.filter(cycle=cycle).delete()
    with pytest.raises(SmvpError) as error:
        set_cycle_smvp(cycle, {"nome": "x"}, by=None, act_reference="")
    assert error.value.where == "livelli.entity.fonte"
    saved = set_cycle_smvp(cycle, simple(), by=None, act_reference="")
    assert saved.smvp.level("entity").source == "strategic"
    # In preparation an act is optional: none named, none recorded.
    assert saved.stored and saved.act is None
    assert not Act.objects.filter(cycle=cycle, kind=Act.Kind.SMVP).exists()


def test_act_references_of_several_shapes() -> None:
    assert parse_act_reference("Determinazione n. 7")[:2] == ("Determinazione", "7")
    assert parse_act_reference("Verbale OIV") == ("Verbale OIV", "", None)
    with pytest.raises(SmvpRefused) as error:
        parse_act_reference("Delibera n. 1 del 31/02/2020")
    assert error.value.where == "atto"


# --- the commands --------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("smvp", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_presets_lists_every_preset_with_its_label(world: World) -> None:
    lines = run("presets").splitlines()
    assert [line.split()[0] for line in lines] == list(PRESETS)
    assert "Treviso-Belluno" in lines[0]


def test_set_from_a_preset_then_show_prints_yaml_that_set_reads_back(
    world: World, tmp_path: Path
) -> None:
    in_state(world, Cycle.State.DRAFT)
    code = world.entity.code
    out = run("set", "--entity", code, "--year", "2019", "--preset", "medie-semplici")
    assert "impostato" in out
    shown = run("show", "--entity", code, "--year", "2019")
    assert yaml.safe_load(shown) == simple()
    path = tmp_path / "smvp.yaml"
    path.write_text(shown.replace("decimali: 2", "decimali: 3", 1), encoding="utf-8")
    run("set", "--entity", code, "--year", "2019", "--file", str(path), "--atto", "Delibera n. 9")
    assert yaml.safe_load(run("show", "--entity", code, "--year", "2019")) != simple()
    assert document_of(world.cycle)["livelli"]["indicator"]["decimali"] == 3
    path.write_text(run("show", "--entity", code, "--year", "2019"), encoding="utf-8")
    assert "nulla da fare" in run("set", "--entity", code, "--year", "2019", "--file", str(path))


def test_set_with_a_bad_key_names_it_in_one_line(world: World, tmp_path: Path) -> None:
    in_state(world, Cycle.State.DRAFT)
    path = tmp_path / "smvp.yaml"
    path.write_text("livelli:\n  unit:\n    metodo: mediana\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("set", "--year", "2019", "--file", str(path))
    message = str(error.value)
    assert "livelli.unit.metodo" in message and "\n" not in message
    path.write_text("livelli: [unit\n", encoding="utf-8")
    with pytest.raises(CommandError, match="YAML non valido"):
        run("set", "--year", "2019", "--file", str(path))
    with pytest.raises(CommandError, match="preset"):
        run("set", "--year", "2019", "--preset", "nessuno")
    with pytest.raises(CommandError, match="--preset"):
        run("set", "--year", "2019")


def test_set_after_approval_needs_the_act(world: World) -> None:
    with pytest.raises(CommandError, match="--atto"):
        run("set", "--year", "2019", "--preset", "medie-semplici")


def test_the_command_line_prints_the_message_without_a_traceback(
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connections

    from traguardo.cli import main

    # Django closes every connection after a command run from the command line: that
    # would close the test database under the tests that follow.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    path = tmp_path / "smvp.yaml"
    path.write_text("premi: {tipo: a_caso}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["smvp", "set", "--year", "2019", "--file", str(path)])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert "premi.tipo" in err and "Traceback" not in err
