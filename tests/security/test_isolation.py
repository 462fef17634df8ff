"""Proof of isolation (issue 13): with two administrations loaded, every role of one walks
every URL of the other — reads and writes, the API, the history pages — and nothing of the
other is read or changed.

The two administrations are the small world (A) and a second one of the same shape (B,
"Comune di Altrove", users b_ufficio, b_segretario, b_dirigente, b_po, b_po2, b_oiv; see
`two_worlds` in tests/conftest.py). Their names, units, objectives and indicators carry the
word of their administration, so a page that leaks anything of A says "Treviso".

Every role of B opens each URL of the matrix (tests/security/test_url_matrix.py) with A's
ids, three ways: without a code, under A's code and under B's own code (an object of A under
B's code must be a 404, tests/security/test_object_codes.py). It POSTs to each URL that
writes, with the matrix's data; the API is called with a token. Then:

- no answer (refused or not) contains A's word;
- a URL that names one of A's objects is refused (a page about "the" cycle answers with B's);
- A's rows, every field of every table that belongs to an administration (its audit trail
  included), are the same after the walk as before;
- the history pages of A's values, objectives, indicators, cycle, block and card are
  refused, and B's own pages list none of A's history.

The reverse direction, A's office and A's dirigente walking B's URLs, is the same test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import F, Model, Q, Value
from django.db.models.functions import Concat

from tests.entity_rows import entity_rows
from tests.security.test_url_matrix import (
    ADMIN_PREFIX,
    RULES,
    Ids,
    _client,
    _url,
    build_ids,
    refused,
)
from tests.world import World
from traguardo.audit import recorder
from traguardo.monitoring.models import Measurement
from traguardo.organisation.models import OrgUnit
from traguardo.plans import versions
from traguardo.plans.models import (
    AnnualObjective,
    Indicator,
    OperationalObjective,
    StrategicObjective,
)
from traguardo.project.object_entities import HISTORY, OBJECT_URLS

# Not the administrations' names: those are public (their results pages), and a refusal
# under A's code may well name A.
A_WORD, B_WORD = "Alfa-riservato", "Beta-riservato"
# Object ids the POSTs of the matrix carry in their data.
ID_FIELDS = ("{final}", "{unit}", "{indicator}")
ROLES_OF_B = ("b_ufficio", "b_segretario", "b_dirigente", "b_po", "b_po2", "b_oiv")
# The reverse direction: A's office and A's dirigente against B's URLs.
ROLES_OF_A = ("ufficio", "dirigente")


def _name_after(world: World, word: str) -> None:
    """Every name a page may print (units, objectives, indicators) carries `word`."""
    cycle = world.cycle
    OrgUnit.objects.filter(entity=cycle.entity).update(
        name=Concat(Value(f"Ufficio di {word} "), F("code"))
    )
    for model, where in (
        (StrategicObjective, Q(cycle=cycle)),
        (AnnualObjective, Q(strategic__cycle=cycle)),
        (OperationalObjective, Q(cycle=cycle)),
    ):
        model.objects.filter(where).update(title=Concat(Value(f"{word}: "), F("title")))
    Indicator.objects.filter(Q(objective__cycle=cycle) | Q(entity_block__cycle=cycle)).update(
        name=Concat(Value(f"Indicatore di {word} "), F("number"))
    )
    versions.bump([cycle.pk])  # the pages are rendered from these names, not from a cache


@pytest.fixture
def pair(two_worlds: tuple[World, World], settings: Any, tmp_path: Any) -> tuple[Ids, Ids]:
    """A's ids and B's, each with the objects the matrix's URLs name, and an audited change
    of each kind of object whose history is asked for."""
    settings.MEDIA_ROOT = str(tmp_path)
    a, b = two_worlds
    _name_after(a, A_WORD)
    _name_after(b, B_WORD)
    return build_ids(a, b.cycle), build_ids(b, a.cycle, users="b_")


def _histories(ids: Ids) -> Iterator[tuple[str, int]]:
    """(label, pk) of items of the administration of `ids` that have a history: a value, an
    objective, an indicator, the cycle, a block of Allegato B, a card; each is changed
    first (an audited save)."""
    world = ids.world
    measurement = Measurement.objects.filter(period=world.final).order_by("pk").first()
    items: list[Model] = [
        world.cycle,
        world.objectives["2.1/2"],
        world.indicator("2.1/2", 1),
        StrategicObjective.objects.filter(cycle=world.cycle).order_by("pk")[0],
        world.block_indicator.entity_block,  # type: ignore[union-attr]
    ]
    if measurement is not None:
        items.append(measurement)
    from traguardo.individual.models import ReportCard

    items.append(ReportCard.objects.get(pk=ids.values["card"]))
    office = _user(ids, "ufficio")
    with recorder.acting_as(office):
        for item in items:
            item.refresh_from_db()
            recorder.save(item)
    for item in items:
        yield item._meta.label_lower, int(item.pk)


def _user(ids: Ids, role: str) -> Any:
    from django.contrib.auth import get_user_model

    prefix = "b_" if "Altrove" in ids.world.entity.name else ""
    return get_user_model().objects.get(username=prefix + role)


def _changed(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return [label for label in sorted(before) if before[label] != after.get(label)]


def _walk(role: str, theirs: Ids, own: Ids, word: str) -> list[str]:
    """`role` (of the administration of `own`) against every URL of `theirs`: the problems
    found. `word`: the word every name of `theirs` carries."""
    problems: list[str] = []
    mine, their_code = own.world.entity.code, theirs.world.entity.code
    for name in sorted(RULES):
        if name.startswith(ADMIN_PREFIX):
            continue
        rule = RULES[name]
        api = name.startswith("api:")
        url = _url(name, theirs)
        client = _client(role, api)
        # A URL that names one of their objects by id (the other pages are about "the"
        # cycle, a year, a period's code: each member gets their own administration's).
        names_theirs = name in OBJECT_URLS or name in (HISTORY, "oiv:subject")
        # Under one's own code, another administration's object does not exist (404);
        # the other pages are the same there as without a code.
        by_id = name in OBJECT_URLS or name == HISTORY
        ways = [url] if api else [url, f"/{their_code}{url}"] + [f"/{mine}{url}"] * by_id
        for address in ways:
            got = client.get(address)
            body = got.content.decode("utf-8", "replace")
            if word in body:
                problems.append(f"GET {address} as {role}: shows «{word}» ({got.status_code})")
            if names_theirs and not refused(got):
                problems.append(f"GET {address} as {role}: {got.status_code}, not refused")
            if address.startswith(f"/{mine}/") and got.status_code != 404:
                problems.append(f"GET {address} as {role}: {got.status_code}, not 404")
        if rule.write is None:
            continue
        data = {k: d.format(**theirs.values) for k, d in rule.data.items()}
        sent = client.post(url, data, format="json") if api else client.post(url, data)
        body = sent.content.decode("utf-8", "replace")
        if word in body:
            problems.append(f"POST {url} as {role}: shows «{word}» ({sent.status_code})")
        carries_theirs = names_theirs or any(
            key in value for value in rule.data.values() for key in ID_FIELDS
        )
        if carries_theirs and not refused(sent) and sent.status_code != 400:
            problems.append(f"POST {url} as {role}: {sent.status_code}, not refused")
    return problems


def _histories_refused(role: str, theirs: Ids, own: Ids, word: str) -> list[str]:
    problems: list[str] = []
    client = _client(role, api=False)
    for label, pk in _histories(theirs):
        for prefix in ("", f"/{theirs.world.entity.code}", f"/{own.world.entity.code}"):
            address = f"{prefix}/storico/{label}/{pk}/"
            got = client.get(address)
            if not refused(got) or word in got.content.decode("utf-8", "replace"):
                problems.append(f"GET {address} as {role}: {got.status_code}")
    return problems


@pytest.mark.parametrize("role", ROLES_OF_B)
def test_no_role_of_another_administration_reads_or_changes_anything(
    pair: tuple[Ids, Ids], role: str
) -> None:
    a, b = pair
    before = entity_rows(a.world.entity)
    problems = _walk(role, a, b, A_WORD)
    problems += _histories_refused(role, a, b, A_WORD)
    after = entity_rows(a.world.entity)
    problems += [f"{role} changed rows of A in {label}" for label in _changed(before, after)]
    assert problems == [], "\n".join(problems)
    # ... and the walk reached pages of its own: B's word where B's pages answered.
    assert B_WORD in _client(role, api=False).get("/cruscotto/").content.decode()


@pytest.mark.parametrize("role", ROLES_OF_A)
def test_the_reverse_direction(pair: tuple[Ids, Ids], role: str) -> None:
    a, b = pair
    before = entity_rows(b.world.entity)
    problems = _walk(role, b, a, B_WORD)
    problems += _histories_refused(role, b, a, B_WORD)
    after = entity_rows(b.world.entity)
    problems += [f"{role} changed rows of B in {label}" for label in _changed(before, after)]
    assert problems == [], "\n".join(problems)


def test_each_history_is_read_in_its_own_administration(pair: tuple[Ids, Ids]) -> None:
    """The control: the histories refused above are read by their own office, under its code."""
    a, _b = pair
    office = _client("ufficio", api=False)
    for label, pk in _histories(a):
        response = office.get(f"/{a.world.entity.code}/storico/{label}/{pk}/")
        assert response.status_code == 200, (label, response.status_code)
        body = response.content.decode()
        assert B_WORD not in body
