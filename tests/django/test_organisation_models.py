"""The organisation's invariants, and the two PO rotations of 21.05.2019."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from traguardo.organisation.models import Assignment, Entity, OrgUnit, Person
from traguardo.organisation.selectors import unit_heads_on, unit_tree

ROTATION_DAY = datetime.date(2019, 5, 21)
DAY_BEFORE = datetime.date(2019, 5, 20)


def make_po(entity: Entity, post: str) -> Person:
    return Person.objects.create(entity=entity, display_name=f"Titolare PO {post}")


def rotate(person: Person, old: OrgUnit, new: OrgUnit) -> None:
    """One PO's year: `old` sector until 20.05.2019, `new` sector from 21.05.2019."""
    Assignment.objects.create(
        person=person,
        unit=old,
        role=Assignment.Role.PO,
        start=datetime.date(2019, 1, 1),
        end=DAY_BEFORE,
    )
    Assignment.objects.create(person=person, unit=new, role=Assignment.Role.PO, start=ROTATION_DAY)


@pytest.fixture
def rotated_pos(entity: Entity, units: dict[str, OrgUnit]) -> dict[str, Person]:
    """The seed's two swaps: 0.1 <-> 2.4 and 2.2 <-> 2.3. Keyed by the sector led first."""
    people = {code: make_po(entity, f"settore {code} fino al 20.05.2019") for code in units}
    rotate(people["0.1"], units["0.1"], units["2.4"])
    rotate(people["2.4"], units["2.4"], units["0.1"])
    rotate(people["2.2"], units["2.2"], units["2.3"])
    rotate(people["2.3"], units["2.3"], units["2.2"])
    return people


@pytest.mark.parametrize(
    ("sector", "led_before", "led_after"),
    [("0.1", "0.1", "2.4"), ("2.4", "2.4", "0.1"), ("2.2", "2.2", "2.3"), ("2.3", "2.3", "2.2")],
)
def test_it_tells_who_led_a_sector_on_either_side_of_the_rotation(
    units: dict[str, OrgUnit],
    rotated_pos: dict[str, Person],
    sector: str,
    led_before: str,
    led_after: str,
) -> None:
    assert unit_heads_on(units[sector], DAY_BEFORE) == [rotated_pos[led_before]]
    assert unit_heads_on(units[sector], ROTATION_DAY) == [rotated_pos[led_after]]
    assert unit_heads_on(units[sector], datetime.date(2019, 12, 31)) == [rotated_pos[led_after]]


def test_it_lists_every_post_a_rotated_po_held_in_the_year(
    units: dict[str, OrgUnit], rotated_pos: dict[str, Person]
) -> None:
    held = Assignment.objects.filter(person=rotated_pos["0.1"]).order_by("start")
    assert [(a.unit.code, a.start, a.end) for a in held] == [
        ("0.1", datetime.date(2019, 1, 1), DAY_BEFORE),
        ("2.4", ROTATION_DAY, None),
    ]


def test_it_finds_nobody_for_a_vacant_post(units: dict[str, OrgUnit]) -> None:
    assert unit_heads_on(units["2.2"], ROTATION_DAY) == []


def test_it_ignores_staff_when_looking_for_the_head(
    entity: Entity, units: dict[str, OrgUnit]
) -> None:
    clerk = Person.objects.create(entity=entity, display_name="Addetto ufficio", category="C")
    Assignment.objects.create(
        person=clerk, unit=units["2.2"], role=Assignment.Role.STAFF, start=ROTATION_DAY
    )
    assert unit_heads_on(units["2.2"], ROTATION_DAY) == []


def test_it_rejects_an_assignment_that_ends_before_it_starts(
    entity: Entity, units: dict[str, OrgUnit]
) -> None:
    person = make_po(entity, "2.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            person=person,
            unit=units["2.2"],
            role=Assignment.Role.PO,
            start=ROTATION_DAY,
            end=DAY_BEFORE,
        )


def test_it_accepts_a_one_day_assignment(entity: Entity, units: dict[str, OrgUnit]) -> None:
    person = make_po(entity, "2.2")
    Assignment.objects.create(
        person=person, unit=units["2.2"], role=Assignment.Role.PO, start=DAY_BEFORE, end=DAY_BEFORE
    )
    assert unit_heads_on(units["2.2"], DAY_BEFORE) == [person]


def test_it_rejects_a_second_unit_with_the_same_code_and_start(
    entity: Entity, units: dict[str, OrgUnit]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(
            entity=entity,
            code="2.2",
            name="Doppione",
            kind=OrgUnit.Kind.SETTORE,
            valid_from=units["2.2"].valid_from,
        )


def test_it_keeps_a_reorganised_unit_as_a_new_version(
    entity: Entity, units: dict[str, OrgUnit]
) -> None:
    units["2.2"].valid_to = datetime.date(2019, 12, 31)
    units["2.2"].save()
    OrgUnit.objects.create(
        entity=entity,
        code="2.2",
        name="Settore riorganizzato",
        kind=OrgUnit.Kind.SETTORE,
        valid_from=datetime.date(2020, 1, 1),
    )
    assert OrgUnit.objects.filter(entity=entity, code="2.2").count() == 2


def test_it_rejects_a_unit_kind_outside_the_choices(entity: Entity) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnit.objects.create(
            entity=entity,
            code="9",
            name="Direzione",
            kind="direzione",
            valid_from=datetime.date(2019, 1, 1),
        )


def test_the_unit_tree_gives_each_unit_with_every_unit_below_it(
    entity: Entity, units: dict[str, OrgUnit]
) -> None:
    ids = {code: unit.pk for code, unit in units.items()}
    tree = unit_tree(entity.pk)
    assert tree.below([ids["2"]]) == {ids[c] for c in ("2", "2.2", "2.3", "2.4")}
    assert tree.below([ids["0.1"]]) == {ids["0.1"]}
    assert tree.below([ids["0"], ids["2"]]) == set(ids.values())
    assert tree.codes == {pk: code for code, pk in ids.items()}
