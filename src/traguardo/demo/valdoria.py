"""The second demo administration: the Comune di Valdoria, a FICTIONAL municipality (code
``vald``) whose SMVP is the ``medie-semplici`` preset, unlike Treviso-Belluno's seed.

It is set up the way docs/new-administration.md and docs/smvp.md tell a person to do it,
through the same services the commands call: the administration, its 2025 cycle, its SMVP,
the plan and the values of 30.06 and 31.12 imported from the templates kept in
``data/valdoria/`` (the project's own plan and values templates, filled in), the plan
approved and the monitoring opened by its office. No weight is written anywhere: the SMVP
averages plainly at every level. See data/valdoria/README.md.

Loading it again does nothing to its data (it is created once; ``replace=True`` is not
offered: the cycle's history, values and audit entries are not thrown away by a demo
command); the demo users get their password back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from traguardo.accounts.models import Membership, Role
from traguardo.audit.recorder import acting_as
from traguardo.core.smvp import PRESETS
from traguardo.demo.users import DEMO_PASSWORD
from traguardo.exchange.report import text_report
from traguardo.exchange.services import import_file
from traguardo.monitoring.cycles import add_cycle
from traguardo.organisation.models import Entity
from traguardo.plans import states
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import OnboardingRefused, add_entity, add_user
from traguardo.plans.smvp_services import set_cycle_smvp
from traguardo.scoring import lifecycle

CODE = "vald"
NAME = "Comune di Valdoria (ente fittizio, dati di esempio)"
SHORT_NAME = "Valdoria (fittizio)"
KIND = Entity.Kind.COMUNE
YEAR = 2025
PLAN = "2025-2027"
PRESET = "medie-semplici"
SMVP_ACT = "Delibera di Giunta n. 3 del 14/01/2025"  # fictional, like everything of Valdoria
DATA = Path(__file__).resolve().parent / "data" / "valdoria"
PLAN_FILE = DATA / "piano.xlsx"
VALUES_FILES = (DATA / "valori-30-06.xlsx", DATA / "valori-31-12.xlsx")


@dataclass(frozen=True)
class ValdoriaUser:
    username: str
    role: Role
    unit: str  # the unit whose post the user holds ("" for non-post roles)
    label: str


USERS = (
    ValdoriaUser("vald-ufficio", Role.PERFORMANCE_OFFICE, "", "Ufficio performance di Valdoria"),
    ValdoriaUser("vald-dirigente", Role.DIRIGENTE, "1", "Dirigente Area Amministrativa (Valdoria)"),
    ValdoriaUser("vald-po", Role.PO, "2.1", "PO Settore Ambiente (Valdoria)"),
    ValdoriaUser("vald-oiv", Role.OIV, "", "OIV di Valdoria"),
)


class ValdoriaError(Exception):
    """A step of the setup refused: the message says which and why (import problems too)."""


def store_smvp(cycle: Cycle, name: str) -> None:
    """The cycle's SMVP is the preset `name`, set as the office would (its act recorded)."""
    set_cycle_smvp(cycle, PRESETS[name], by=None, act_reference=SMVP_ACT)


def _import(cycle: Cycle, path: Path) -> None:
    result = import_file(path.name, path.read_bytes(), cycle, dry_run=False)
    if result.issues:
        raise ValdoriaError(f"{path.name}: {text_report(result)}")


def load_valdoria(*, passwords: bool = True) -> tuple[Cycle, bool]:
    """The Valdoria demo (created if missing) and whether it was created now.

    Its users (one per role, :data:`USERS`) are made in any case (the office approves the
    plan); `passwords`: they get the demo password ``DEMO_PASSWORD``, only on a demo
    installation, as ``demo-users`` does (otherwise they have none)."""
    existing = Cycle.objects.filter(entity__code=CODE, year=YEAR).first()
    if existing is not None:
        try:
            create_users(existing.entity, passwords=passwords)
        except OnboardingRefused as exc:
            raise ValdoriaError(exc.message) from None
        return existing, False
    try:
        with transaction.atomic():  # all of it or nothing: a refused step leaves no half
            cycle = _create(passwords=passwords)
    except OnboardingRefused as exc:
        raise ValdoriaError(exc.message) from None
    return cycle, True


def _create(*, passwords: bool) -> Cycle:
    entity = Entity.objects.filter(code=CODE).first() or add_entity(
        CODE, NAME, KIND, short_name=SHORT_NAME
    )
    cycle, _preview = add_cycle(entity, YEAR, PLAN)
    assert cycle is not None  # not a dry run
    store_smvp(cycle, PRESET)
    _import(cycle, PLAN_FILE)
    office = create_users(entity, passwords=passwords)[0]
    with acting_as(office):
        for target in (Cycle.State.APPROVED, Cycle.State.MONITORING):
            try:
                lifecycle.change_state(office, cycle, target, "Piano dimostrativo di Valdoria")
            except states.TransitionRefused as exc:
                raise ValdoriaError(
                    f"il ciclo {YEAR} di «{CODE}» non passa a «{target}»: {exc.message}"
                ) from None
    for path in VALUES_FILES:
        _import(cycle, path)
    return cycle


def create_users(entity: Entity, *, passwords: bool) -> list[Any]:
    """The demo users of Valdoria, their roles made again if gone; with `passwords`, the
    demo password (else a new user has none: ``add_user`` gives no password)."""
    model = get_user_model()
    made = []
    for demo in USERS:
        if not Membership.objects.filter(
            user__username=demo.username, entity=entity, role=demo.role
        ).exists():
            add_user(demo.username, entity, demo.role, unit=demo.unit, name=demo.label)
        user = model.objects.get(username=demo.username)
        if passwords:
            user.set_password(DEMO_PASSWORD)
            user.first_name = demo.label
            user.save()
        made.append(user)
    return made
