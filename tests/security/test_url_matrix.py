"""Every URL × every role: who may read it, who may write through it (issue 15).

The list of URLs is generated from the URL configuration (`django.urls.get_resolver`): a
URL name without an entry in `RULES` fails `test_every_url_has_a_rule`, so a new page cannot
be added without saying who may use it. Then, for each URL and each role of the small
`world` (tests/world.py) plus a member of another administration, a GET (and a POST for the
URLs that write) must be answered as the table says:

- allowed: any answer but a refusal (200, a redirect elsewhere than the login page, 400 for
  an empty form, ...);
- refused: 403, 404 (an object the user may not know about), 405, 401, or a redirect to the
  login page; a refused POST changes nothing (each test runs in a rolled-back transaction,
  and the audit trail gains no entry).

The POSTs carry no data: they test the permission, not the forms (the forms have their own
tests). Roles: "" (anonymous), po, po2 (a colleague: sector 3.1), dirigente, segretario,
oiv, ufficio (tests/world.py) and "altro", the performance office of another administration
with a cycle of its own. Every role of a second administration of the world's shape walks
the same URLs in tests/security/test_isolation.py (`build_ids` gives the ids of either).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories as f
from tests.api_clients import api_client
from tests.world import World
from traguardo.accounts.models import Role
from traguardo.audit import recorder
from traguardo.audit.models import AuditEntry
from traguardo.exchange.models import Upload
from traguardo.individual.models import ReportCard
from traguardo.monitoring.models import UnitValidation
from traguardo.oiv.models import EvidenceSample, ValidationDecision
from traguardo.plans.models import Cycle
from traguardo.reports.models import Narrative, ReportJob

ANON = ""
PO, PO2, DIR, SG = "po", "po2", "dirigente", "segretario"
OIV, OFFICE, OTHER = "oiv", "ufficio", "altro"
ROLES = (ANON, PO, PO2, DIR, SG, OIV, OFFICE, OTHER)

NOBODY: frozenset[str] = frozenset()
MEMBERS = frozenset({PO, PO2, DIR, SG, OIV, OFFICE})
EVERYONE = MEMBERS | {ANON}
OFFICE_ONLY = frozenset({OFFICE})
OFFICE_OIV = frozenset({OFFICE, OIV})
OIV_ONLY = frozenset({OIV})


@dataclass(frozen=True)
class Rule:
    """Who may GET the URL, and who may POST to it (None: not a write URL, not posted)."""

    read: frozenset[str]
    write: frozenset[str] | None = None
    # Pages that answer every member with their own administration's data (lists, the
    # latest cycle): the member of another administration gets a page about its own cycle.
    other_reads_own: bool = False
    # What the POST carries, with "{name}" filled in from the world's ids (empty: nothing).
    data: dict[str, str] = field(default_factory=dict)


def own(read: frozenset[str], write: frozenset[str] | None = None, **data: str) -> Rule:
    """A page about "the" cycle (?anno=, the latest, a year): the member of the other
    administration reads (and writes) its own cycle through it."""
    return Rule(
        read | {OTHER} if read else read,
        None if write is None else write | {OTHER},
        other_reads_own=True,
        data=data,
    )


# Objects are named by the ids of `world`: "indicator" is 2.1/2 #1 (sector 2.1, `po`'s),
# "card" is PO-2.1 (the card of `po`, evaluated by `dirigente`).
RULES: dict[str, Rule] = {
    # --- sign-in, language -------------------------------------------------------------
    "set_language": Rule(EVERYONE | {OTHER}, EVERYONE | {OTHER}),
    "accounts:login": Rule(EVERYONE | {OTHER}),
    "accounts:logout": Rule(NOBODY),  # POST only
    # the header's switcher: members choose among their own administrations only
    "accounts:switch_entity": Rule(NOBODY, MEMBERS, data={"ente": "{code}"}),
    # the one-time link of `traguardo user add`: a wrong token shows "no longer valid"
    "accounts:set_password": Rule(EVERYONE | {OTHER}),
    # --- onboarding: the installation administrator (no role of the world is one) --------
    "onboarding:installation": Rule(NOBODY),
    "onboarding:entity_new": Rule(NOBODY, NOBODY),
    "onboarding:cycle_new": Rule(NOBODY, NOBODY),
    "onboarding:users": Rule(NOBODY, NOBODY),
    # ... and each office for its own administration (an empty POST: the form's errors)
    "onboarding:office_users": own(OFFICE_ONLY, OFFICE_ONLY),
    "onboarding:office_cycle_new": own(OFFICE_ONLY, OFFICE_ONLY),
    "onboarding:office_entity": own(OFFICE_ONLY, OFFICE_ONLY),
    # --- public pages (the world's cycle is not published: members only) -----------------
    "web:home": Rule(EVERYONE | {OTHER}),
    "reports:latest": own(MEMBERS),
    "reports:results": own(MEMBERS),
    "reports:explain": Rule(MEMBERS),  # an objective's code
    # --- staff pages of the plan -------------------------------------------------------
    "web:dashboard": own(MEMBERS),
    "web:completeness": own(MEMBERS),
    "web:tree": own(MEMBERS),
    "web:objective": Rule(MEMBERS),
    # the footer pages (accessibility statement, privacy, ...): public; the office edits its own
    "web:site_page": Rule(EVERYONE | {OTHER}),
    # an administration's logo is public (404 when it has none, as here)
    "web:entity_logo": Rule(NOBODY),
    "web:site_page_edit": own(OFFICE_ONLY, OFFICE_ONLY),
    "audit:history": Rule(MEMBERS),  # an indicator's history
    # --- plan editor: the office edits, members read -------------------------------------
    "plans:editor": own(OFFICE_ONLY),
    "plans:strategic_new": own(OFFICE_ONLY, OFFICE_ONLY),
    "plans:strategic": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:strategic_delete": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:annual_new": own(OFFICE_ONLY, OFFICE_ONLY),
    "plans:annual": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:annual_delete": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:objective_new": own(OFFICE_ONLY, OFFICE_ONLY),
    "plans:objective": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:objective_weights": Rule(NOBODY, OFFICE_ONLY),  # POST only
    "plans:objective_delete": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:assignments": Rule(NOBODY, OFFICE_ONLY),  # POST only
    "plans:block_new": own(OFFICE_ONLY, OFFICE_ONLY),
    "plans:block": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:block_delete": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:indicator_new": Rule(OFFICE_ONLY, OFFICE_ONLY),  # ?obiettivo=
    "plans:indicator": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:indicator_delete": Rule(OFFICE_ONLY, OFFICE_ONLY),
    "plans:move": Rule(NOBODY, OFFICE_ONLY, data={"node": "indicator:{indicator}"}),
    "plans:revisions": own(MEMBERS, OFFICE_ONLY),
    "plans:smvp": own(MEMBERS, OFFICE_ONLY),
    "plans:smvp_installation": Rule(NOBODY, NOBODY),
    "plans:compare": own(MEMBERS),
    # monitoring → closed: the office (blocked by the world's values not validated, the
    # page comes back with the blockers; the other administration closes its own cycle).
    "plans:states": own(MEMBERS, OFFICE_ONLY, target="closed"),
    "plans:states_confirm": own(OFFICE_ONLY, OFFICE_ONLY, target="closed"),
    # the next year's cycle from the latest one: each office its own administration's
    # (the empty POST is an invalid form, answered 400)
    "plans:new_cycle": own(OFFICE_ONLY, OFFICE_ONLY),
    # --- monitoring --------------------------------------------------------------------
    "monitoring:todo": own(MEMBERS),
    "monitoring:indicator": Rule(
        MEMBERS,
        frozenset({PO, DIR, OFFICE}),  # the PO of 2.1, the dirigente of area 2, the office
        data={"action": "comment", "period": "{final}", "text": "Fonte?"},
    ),
    "monitoring:periods": Rule(
        OFFICE_ONLY | {OTHER},  # each office its own campaigns
        OFFICE_ONLY,
        data={"action": "deadline", "period": "{final}"},
    ),
    "monitoring:validate": Rule(  # POST only
        NOBODY, frozenset({DIR, SG}), data={"period": "{final}", "unit": "{unit}"}
    ),
    "monitoring:evidence": Rule(MEMBERS),
    "monitoring:evidence_delete": Rule(NOBODY, frozenset({PO, OFFICE})),  # uploader: po
    # --- report cards, fund, staff -------------------------------------------------------
    "individual:cards": own(MEMBERS),
    # Who takes which step is tested in tests/individual; a refused step changes nothing.
    "individual:card": Rule(MEMBERS - {PO2}, MEMBERS - {PO2}, data={"step": "assign"}),
    "rewards:fund": Rule(OFFICE_OIV | {OTHER}, OFFICE_ONLY),  # B has no fund
    "rewards:payroll": Rule(OFFICE_OIV),
    "staff:gender": own(MEMBERS, OFFICE_ONLY),
    # --- OIV -----------------------------------------------------------------------------
    "oiv:workspace": own(OFFICE_OIV),
    "oiv:subject": Rule(OFFICE_OIV, OIV_ONLY),
    "oiv:evidence": Rule(NOBODY, OIV_ONLY),
    "oiv:no_remarks": Rule(NOBODY, OIV_ONLY),
    "oiv:decision": Rule(NOBODY, OIV_ONLY),
    "oiv:document": Rule(OFFICE_OIV),  # the OIV's own uploaded document, as an attachment
    "oiv:challenge": own(OFFICE_OIV),
    # published figures and overrides: the office, the SG and the OIV read; the office and
    # the SG write (an empty POST: back to the list with the message)
    "scoring:adjustments": own(OFFICE_OIV | {SG}),
    "scoring:adjust": own(NOBODY, frozenset({OFFICE, SG})),
    # --- Relazione -----------------------------------------------------------------------
    # Amministrazione trasparente: only published cycles, for everyone alike (the world's
    # cycle is not published: its pages answer 404; the list answers every visitor).
    "web:search": own(MEMBERS),
    # The dirigente of area 2 (sector 2.1's values) and the SG; POST only.
    "monitoring:validation_undo": Rule(NOBODY, frozenset({DIR, SG})),
    "monitoring:send_back": Rule(NOBODY, frozenset({DIR, SG})),
    "transparency:index": own(EVERYONE),
    # (an anonymous visitor, with two administrations and no code in the URL, gets the list
    # of administrations with something published: none here, the world's is unpublished)
    "transparency:cycle": Rule(frozenset({ANON})),
    "transparency:relazione_file": Rule(NOBODY),
    "transparency:validation": Rule(NOBODY),
    "transparency:plan": Rule(NOBODY),
    "transparency:rewards": Rule(NOBODY),
    "transparency:open_data": Rule(NOBODY),
    "oiv:decision_document": Rule(OFFICE_OIV, OIV_ONLY),  # the signed PDF of a decision
    "relazione:index": own(MEMBERS),
    "relazione:year": own(MEMBERS),
    "relazione:generate": own(NOBODY, OFFICE_ONLY),
    "relazione:preview": own(MEMBERS),
    "relazione:narratives": own(MEMBERS, OFFICE_ONLY, section="{section}", html="<p>x</p>"),
    "relazione:retry": Rule(NOBODY, OFFICE_ONLY),
    "relazione:status": Rule(MEMBERS),
    "relazione:download": Rule(MEMBERS),
    # --- spreadsheets ----------------------------------------------------------------------
    "exchange:index": own(MEMBERS),  # the forms are the office's
    "exchange:plan_template": own(MEMBERS),  # an empty template
    "exchange:values_template": Rule(MEMBERS),  # the plan members read
    "exchange:export": own(OFFICE_ONLY),
    "exchange:import": own(NOBODY, OFFICE_ONLY),  # POST only
    "exchange:upload": Rule(OFFICE_ONLY),
    "exchange:confirm": Rule(NOBODY, OFFICE_ONLY),
    "exchange:retry": Rule(NOBODY, OFFICE_ONLY),
    "exchange:status": Rule(OFFICE_ONLY),
    # --- API (token) -----------------------------------------------------------------------
    "api:cycles": Rule(EVERYONE | {OTHER}),  # each reader the cycles it may read
    "api:cycle": Rule(MEMBERS),
    "api:tree": Rule(MEMBERS),
    "api:indicators": Rule(MEMBERS),
    "api:periods": Rule(MEMBERS),
    "api:measurements": Rule(MEMBERS),
    "api:score": Rule(MEMBERS),
    "api:explain": Rule(MEMBERS),
    "api:indicator": Rule(MEMBERS),
    "api:indicator-values": Rule(
        MEMBERS,
        frozenset({PO, DIR, OFFICE}),
        data={"period": "31.12", "text": "150", "overwrite": "true"},
    ),
    "api:cycle-state": Rule(NOBODY, OFFICE_ONLY, data={"target": "closed"}),  # POST only
    "api:revisions": Rule(MEMBERS, OFFICE_ONLY, data={"reason": "Nuovo obiettivo"}),
    "api:revision-close": Rule(NOBODY, OFFICE_ONLY),  # POST only; 409 with none open
    "api:token": Rule(NOBODY, EVERYONE | {OTHER}),  # sign-in with a password: a form
    "api:schema": Rule(EVERYONE | {OTHER}),
}
# The admin site has its own staff check (is_staff): no role of the world is staff.
ADMIN_PREFIX = "admin:"


def url_names() -> Iterator[str]:
    """Every named URL of the project, with its namespace."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns and namespace and pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                if pattern.callback.__module__ == "django.views.static":
                    continue  # media files in DEBUG only
                name = pattern.name or f"<no name: {pattern.pattern}>"
                yield f"{namespace}:{name}" if namespace else name

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_has_a_rule() -> None:
    names = {n for n in url_names() if not n.startswith(ADMIN_PREFIX)}
    missing = sorted(names - RULES.keys())
    assert missing == [], f"URLs without a rule in tests/security/test_url_matrix.py: {missing}"
    stale = sorted(RULES.keys() - names)
    assert stale == [], f"rules for URLs that no longer exist: {stale}"


# --- the world's objects ---------------------------------------------------------------


@dataclass
class Ids:
    world: World
    other: Cycle
    values: dict[str, Any]


@pytest.fixture
def ids(world: World, settings: Any, tmp_path: Any) -> Ids:
    settings.MEDIA_ROOT = str(tmp_path)
    other = f.CycleFactory(entity=f.EntityFactory(name="Altro ente", short_name="AE"))
    f.user_with_role(Role.PERFORMANCE_OFFICE, other.entity, username=OTHER)
    return build_ids(world, other)


def build_ids(world: World, other: Cycle, users: str = "") -> Ids:
    """The objects the URLs name, in `world` (whose usernames start with `users`): an
    evidence, an upload, Relazione jobs, a fund, an OIV document, an audited change."""
    people = get_user_model().objects
    office = people.get(username=users + OFFICE)
    indicator = world.indicator("2.1/2", 1)
    objective = world.objectives["2.1/2"]
    measurement = indicator.measurements.get(period=world.final)
    evidence = f.EvidenceFactory(
        measurement=measurement, uploaded_by=people.get(username=users + PO)
    )
    block = world.block_indicator.entity_block  # type: ignore[union-attr]
    upload = Upload.objects.create(user=office, cycle=world.cycle, name="piano.xlsx", data=b"x")
    job = ReportJob.objects.create(cycle=world.cycle, format="docx")
    card = ReportCard.objects.get(cycle=world.cycle, key="PO-2.1")
    f.FundFactory(cycle=world.cycle)
    done = ReportJob.objects.create(
        cycle=world.cycle,
        format="docx",
        status=ReportJob.Status.DONE,
        file=ContentFile(b"PK docx", name="relazione.docx"),
    )
    sample = EvidenceSample.objects.create(
        cycle=world.cycle,
        indicator=indicator,
        source="Verbale n. 12",
        outcome=EvidenceSample.Outcome.values[0],
        document=ContentFile(b"%PDF-1.4\n%%EOF\n", name="verbale.pdf"),
    )
    # A "non validata" round (the world's cycle stays where it is): its document is read by
    # the OIV and the office, and uploaded by the OIV.
    decision = ValidationDecision.objects.create(
        cycle=world.cycle,
        outcome=ValidationDecision.Outcome.NOT_VALIDATED,
        date=datetime.date(2020, 5, 1),
        reasons="Da correggere",
        document=ContentFile(b"%PDF-1.4\n%%EOF\n", name="validazione.pdf"),
    )
    # A validation of sector 2.1 (its period is closed: undoing it is refused after the
    # permission check, which is what the matrix tests).
    validation = UnitValidation.objects.create(
        period=world.final, unit=world.unit("2.1"), by=people.get(username=users + DIR), count=0
    )
    with recorder.acting_as(office):
        recorder.save(indicator)
    year = str(world.cycle.year)
    return Ids(
        world,
        other,
        {
            "year": year,
            "indicator": indicator.pk,
            "objective": objective.pk,
            "strategic": objective.annual_objectives.first().strategic_id,  # type: ignore[union-attr]
            "annual": objective.annual_objectives.first().pk,  # type: ignore[union-attr]
            "block": block.pk,
            "evidence": evidence.pk,
            "upload": upload.pk,
            "job": job.pk,
            "card": card.pk,
            "period": world.final.code,
            "final": world.final.pk,
            "unit": world.unit("2.1").pk,
            "done": done.pk,
            "oiv_document": sample.pk,
            "decision": decision.pk,
            "validation": validation.pk,
            "measurement": measurement.pk,
            "section": Narrative.Section.values[0],
            "code": world.entity.code,
        },
    )


def _url(name: str, ids: Ids) -> str:
    v = ids.values
    args: dict[str, list[Any]] = {
        "accounts:set_password": ["MQ", "wrong-token"],
        "onboarding:cycle_new": [ids.world.cycle.entity.code],
        "onboarding:users": [ids.world.cycle.entity.code],
        "plans:smvp_installation": [ids.world.cycle.entity.code],
        "plans:strategic": [v["strategic"]],
        "plans:strategic_delete": [v["strategic"]],
        "plans:annual": [v["annual"]],
        "plans:annual_delete": [v["annual"]],
        "plans:objective": [v["objective"]],
        "plans:objective_weights": [v["objective"]],
        "plans:objective_delete": [v["objective"]],
        "plans:assignments": [v["objective"]],
        "plans:block": [v["block"]],
        "plans:block_delete": [v["block"]],
        "plans:indicator": [v["indicator"]],
        "plans:indicator_delete": [v["indicator"]],
        "web:site_page": ["accessibilita"],
        "web:site_page_edit": ["accessibilita"],
        "monitoring:indicator": [v["indicator"]],
        "monitoring:evidence": [v["evidence"]],
        "monitoring:evidence_delete": [v["evidence"]],
        "individual:card": [v["card"]],
        "oiv:subject": [v["year"], "obiettivo", v["objective"]],
        "oiv:evidence": [v["year"]],
        "oiv:no_remarks": [v["year"]],
        "web:entity_logo": [v["code"]],
        "oiv:decision": [v["year"]],
        "oiv:document": [v["oiv_document"]],
        "oiv:challenge": [v["year"]],
        "scoring:adjust": [v["year"]],
        "oiv:decision_document": [v["year"], v["decision"]],
        "monitoring:validation_undo": [v["validation"]],
        "monitoring:send_back": [v["measurement"]],
        "transparency:cycle": [v["year"]],
        "transparency:relazione_file": [v["year"], v["done"]],
        "transparency:validation": [v["year"]],
        "transparency:plan": [v["year"]],
        "transparency:rewards": [v["year"]],
        "transparency:open_data": [v["year"]],
        "relazione:year": [v["year"]],
        "relazione:generate": [v["year"]],
        "relazione:preview": [v["year"]],
        "relazione:narratives": [v["year"]],
        "relazione:retry": [v["job"]],
        "relazione:status": [v["job"]],
        "relazione:download": [v["done"]],
        "exchange:values_template": [v["period"]],
        "exchange:upload": [v["upload"]],
        "exchange:confirm": [v["upload"]],
        "exchange:retry": [v["upload"]],
        "exchange:status": [v["upload"]],
        "audit:history": ["plans.indicator", v["indicator"]],
        "api:cycle": [ids.world.cycle.pk],
        "api:tree": [ids.world.cycle.pk],
        "api:indicators": [ids.world.cycle.pk],
        "api:periods": [ids.world.cycle.pk],
        "api:measurements": [ids.world.cycle.pk],
        "api:score": [ids.world.cycle.pk],
        "api:explain": [ids.world.cycle.pk],
        "api:cycle-state": [ids.world.cycle.pk],
        "api:revisions": [ids.world.cycle.pk],
        "api:revision-close": [ids.world.cycle.pk],
        "api:indicator": [v["indicator"]],
        "api:indicator-values": [v["indicator"]],
        "reports:results": [v["year"]],
        "reports:explain": [v["year"], "2.1/2"],
        "web:objective": [v["objective"]],
    }
    url = reverse(name, args=args.get(name, []))
    if name == "api:explain":
        url += "?code=2.1/2"
    if name == "plans:states_confirm":
        url += "?stato=closed"
    if name == "plans:indicator_new":
        url += f"?obiettivo={v['objective']}"
    return url


def _client(role: str, api: bool) -> Client:
    if api:
        return api_client(role)  # type: ignore[return-value]
    client = Client()
    if role:
        client.force_login(get_user_model().objects.get(username=role))
    return client


def refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return reverse("accounts:login") in location or "/admin/login/" in location


def _matrix(name: str, ids: Ids) -> list[str]:
    rule = RULES[name]
    url = _url(name, ids)
    api = name.startswith("api:")
    problems: list[str] = []
    for role in ROLES:
        client = _client(role, api)
        got = client.get(url)
        allowed = role in rule.read
        if refused(got) == allowed:
            problems.append(f"GET {url} as {role or 'anonymous'}: {got.status_code}")
        if rule.write is None:
            continue
        may_write = role in rule.write
        before = AuditEntry.objects.count()
        data = {k: d.format(**ids.values) for k, d in rule.data.items()}
        sent = client.post(url, data, format="json") if api else client.post(url, data)
        if refused(sent) == may_write:
            problems.append(f"POST {url} as {role or 'anonymous'}: {sent.status_code}")
        if not may_write and AuditEntry.objects.count() != before:
            problems.append(f"POST {url} as {role or 'anonymous'}: refused but recorded a change")
    return problems


@pytest.mark.parametrize("name", sorted(RULES))
def test_url_by_role(ids: Ids, name: str) -> None:
    problems = _matrix(name, ids)
    assert problems == [], "\n".join(problems)


def test_the_admin_site_refuses_every_role(ids: Ids) -> None:
    for role in ROLES:
        response = _client(role, api=False).get(reverse("admin:index"))
        assert refused(response), role


def test_a_closed_cycle_is_not_written_by_anyone(ids: Ids) -> None:
    """Values are entered only while the cycle is monitored."""
    Cycle.objects.filter(pk=ids.world.cycle.pk).update(state=Cycle.State.CLOSED)
    url = _url("monitoring:indicator", ids)
    for role in (PO, DIR, OFFICE):
        response = _client(role, api=False).post(
            url,
            {"action": "value", "period": ids.world.final.pk, "text": "1", "version": "1"},
        )
        assert refused(response) or response.status_code == 400, role


def test_once_published_citizens_read_the_public_pages_only(ids: Ids) -> None:
    Cycle.objects.filter(pk=ids.world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    public = {"web:home", "reports:latest", "reports:results", "reports:explain", "api:cycles"}
    public |= {"api:cycle", "api:tree", "api:indicators", "api:periods", "api:measurements"}
    public |= {"api:score", "api:explain", "api:indicator", "api:indicator-values", "api:schema"}
    public |= {"api:revisions"}  # the plan's revisions are formal acts, public once published
    public |= {"transparency:index", "transparency:cycle", "transparency:relazione_file"}
    public |= {"transparency:plan", "transparency:rewards", "transparency:open_data"}
    public |= {"accounts:login", "accounts:set_password", "set_language", "web:site_page"}
    problems = []
    for name in sorted(RULES):
        url = _url(name, ids)
        if name.startswith("transparency:"):
            # With two administrations, a citizen's document link names the administration.
            url = f"/{ids.world.entity.code}{url}"
        response = _client(ANON, name.startswith("api:")).get(url)
        if refused(response) == (name in public):
            problems.append(f"{name}: {response.status_code}")
    assert problems == []


def test_under_another_administrations_code_every_staff_page_is_refused(ids: Ids) -> None:
    """/<code>/...: the office of the other administration is refused (403) every page of
    the world's administration but the public ones, and the world's office every page of
    the other's; each reads its own under its own code."""
    public = {"web:home", "reports:latest", "reports:results", "reports:explain"}
    public |= {n for n in RULES if n.startswith("transparency:")}
    public |= {"web:site_page", "web:entity_logo"}
    public |= {"accounts:login", "accounts:logout", "accounts:set_password", "set_language"}
    public |= {"accounts:switch_entity"}
    other = _client(OTHER, api=False)
    office = _client(OFFICE, api=False)
    mine, theirs = ids.world.entity.code, ids.other.entity.code
    problems = []
    for name in sorted(n for n in RULES if not n.startswith("api:") and n not in public):
        url = _url(name, ids)
        for client, code in ((other, mine), (office, theirs)):
            got = client.get(f"/{code}{url}")
            if got.status_code != 403:
                problems.append(f"GET /{code}{url}: {got.status_code}")
    assert problems == [], "\n".join(problems)
    assert office.get(f"/{mine}{reverse('web:dashboard')}").status_code == 200
    assert other.get(f"/{theirs}{reverse('plans:editor')}").status_code == 200
