"""Every write service records its audit entry and bumps the cycle's data version itself:
no signal does it behind the caller's back (issue 12, point 4)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.test import Client
from django.urls import reverse

from tests.exchange.helpers import make_xlsx, read_sheets
from traguardo.audit.models import AuditEntry
from traguardo.audit.recorder import acting_as
from traguardo.exchange.services import import_file
from traguardo.exchange.workbooks import values_workbook
from traguardo.monitoring import campaigns
from traguardo.monitoring.models import Measurement, Period
from traguardo.oiv import services as oiv
from traguardo.plan_editor import deletion
from traguardo.plans import editing, revisions, states, versions
from traguardo.plans.models import Cycle, Indicator, PlanSnapshot, Target
from traguardo.reports.relazione import texts
from traguardo.scoring.models import ScoreSnapshot
from traguardo.scoring.services import score_cycle

User = get_user_model()


@pytest.fixture
def office(demo: Cycle) -> Iterator[Any]:
    user = User.objects.get(username="ufficio")
    with acting_as(user):  # as the request middleware does for a signed-in user
        yield user


def new_entries(since: int, **filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=since, **filters).order_by("pk"))


def last_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def version(cycle: Cycle) -> int:
    return versions.version_of(cycle.pk)


def b14(cycle: Cycle) -> Indicator:
    return Indicator.objects.get(entity_block__cycle=cycle, number=14)


def test_no_traguardo_model_has_save_or_delete_receivers() -> None:
    ours = [
        m for c in apps.get_app_configs() if c.name.startswith("traguardo.") for m in c.get_models()
    ]
    assert len(ours) > 40
    hidden = [
        f"{model._meta.label} {name}"
        for model in ours
        for name, signal in {
            "pre_save": pre_save,
            "post_save": post_save,
            "pre_delete": pre_delete,
            "post_delete": post_delete,
        }.items()
        if signal.has_listeners(model)
    ]
    hidden += [
        f"{model._meta.label}.{field.name} m2m_changed"
        for model in ours
        for field in model._meta.local_many_to_many
        if m2m_changed.has_listeners(field.remote_field.through)
    ]
    assert hidden == []


def test_opening_and_closing_a_revision_are_recorded_and_bump_the_version(
    demo: Cycle, office: Any
) -> None:
    since, before = last_pk(), version(demo)
    revision = revisions.open_revision(office, demo, reason="Nuove risorse", act_number="12")
    assert version(demo) != before
    created = {e.model_label: e for e in new_entries(since, action="create")}
    assert created["plans.revision"].object_pk == str(revision.pk)
    assert created["plans.revision"].username == "ufficio"
    assert created["plans.revision"].changes["reason"] == [None, "Nuove risorse"]
    assert created["plans.act"].changes["number"] == [None, "12"]
    assert PlanSnapshot.objects.filter(cycle=demo, version=revision.number - 1).exists()
    with pytest.raises(editing.EditRefused, match="già una revisione aperta"):
        revisions.open_revision(office, demo, reason="Un'altra")

    editing.set_targets(office, b14(demo), {demo.year: ">= 99%"}, None)
    since, before = last_pk(), version(demo)
    closed = revisions.close_revision(office, demo)
    assert version(demo) != before
    (entry,) = new_entries(since, model_label="plans.revision")
    assert entry.action == "update" and entry.changes["is_open"] == [True, False]
    assert entry.changes["variations_count"] == [None, 1] == [None, closed.variations_count]
    assert PlanSnapshot.objects.filter(cycle=demo, version=closed.number).exists()
    with pytest.raises(editing.EditRefused, match="Nessuna revisione aperta"):
        revisions.close_revision(office, demo)


def test_a_revision_is_refused_to_a_role_that_does_not_manage_the_plan(demo: Cycle) -> None:
    since, before = last_pk(), version(demo)
    with pytest.raises(editing.EditRefused):
        revisions.open_revision(User.objects.get(username="po"), demo, reason="No")
    assert (new_entries(since), version(demo)) == ([], before)


def test_editing_a_target_records_the_row_and_the_revision_line_and_moves_the_score(
    demo: Cycle, office: Any
) -> None:
    revisions.open_revision(office, demo, reason="Prova")
    indicator = b14(demo)
    old = Target.objects.get(indicator=indicator, year=demo.year).text
    score = score_cycle(demo).entity.performance
    since = last_pk()
    editing.set_targets(office, indicator, {demo.year: "1000000"}, None)
    (target,) = new_entries(since, model_label="plans.target")
    assert target.changes["text"] == [old, "1000000"]
    assert (target.parent_label, target.parent_pk) == ("plans.indicator", str(indicator.pk))
    (line,) = new_entries(since, model_label="plans.revisionchange")
    assert line.action == "create" and "1000000" in line.changes["new_value"][1]
    assert score_cycle(demo).entity.performance != score


def test_deleting_an_indicator_records_every_row_it_takes_with_it(demo: Cycle, office: Any) -> None:
    revisions.open_revision(office, demo, reason="Prova")
    indicator = b14(demo)
    targets = set(Target.objects.filter(indicator=indicator).values_list("pk", flat=True))
    values = set(Measurement.objects.filter(indicator=indicator).values_list("pk", flat=True))
    assert targets and values
    since, before = last_pk(), version(demo)
    deletion.delete(office, indicator, None, values_confirmed=True)
    assert version(demo) != before
    deleted = new_entries(since, action="delete")
    by_label: dict[str, set[int]] = {}
    for entry in deleted:
        by_label.setdefault(entry.model_label, set()).add(int(entry.object_pk))
    assert by_label["plans.indicator"] == {indicator.pk}
    assert by_label["plans.target"] == targets
    assert by_label["monitoring.measurement"] == values
    assert all(e.username == "ufficio" and e.cycle_id == demo.pk for e in deleted)
    (summary,) = new_entries(since, action="bulk")
    assert summary.changes["item"] == {"model": "plans.indicator", "pk": indicator.pk}


def test_a_state_change_is_recorded_and_bumps_the_version(demo: Cycle, office: Any) -> None:
    since, before = last_pk(), version(demo)
    states.transition(office, demo, "closed", "Fine anno", override=True, reason="prova")
    assert version(demo) != before
    (entry,) = new_entries(since, model_label="plans.cycle")
    assert entry.changes == {"state": ["monitoring", "closed"]}
    assert entry.cycle_id == demo.pk and entry.username == "ufficio"


def test_a_cycle_is_not_closed_while_a_revision_is_open(demo: Cycle, office: Any) -> None:
    revisions.open_revision(office, demo, reason="Prova")
    since, before = last_pk(), version(demo)
    with pytest.raises(states.TransitionRefused, match="ancora aperta"):
        states.transition(office, demo, "closed")
    assert (new_entries(since), version(demo)) == ([], before)
    assert Cycle.objects.get(pk=demo.pk).state == "monitoring"


def test_closing_a_campaign_is_recorded_and_bumps_the_version(demo: Cycle, office: Any) -> None:
    Period.objects.filter(cycle=demo).update(closed=False)
    period = Period.objects.get(cycle=demo, code="31.12")
    since, before = last_pk(), version(demo)
    campaigns.close_period(office, period)
    assert version(demo) != before
    (changed,) = new_entries(since, model_label="monitoring.period")
    assert changed.changes == {"closed": [False, True]}
    (event,) = new_entries(since, model_label="monitoring.periodevent")
    assert event.action == "create"


def test_an_oiv_check_is_recorded(demo: Cycle, office: Any) -> None:
    states.transition(office, demo, "closed", override=True, reason="prova")
    oiv_user = User.objects.get(username="oiv")
    since = last_pk()
    with acting_as(oiv_user):
        oiv.save_check(oiv_user, demo, "coherence", "remarks", "Manca un target")
        oiv.save_check(oiv_user, demo, "coherence", "ok", "")
    create, update = new_entries(since, model_label="oiv.validationcheck")
    assert create.changes["outcome"] == [None, "remarks"] and create.username == "oiv"
    assert update.changes["outcome"] == ["remarks", "ok"]
    assert update.changes["note"] == ["Manca un target", ""]


def test_headline_indicators_are_recorded_under_their_indicator(demo: Cycle, office: Any) -> None:
    indicator = b14(demo)
    since, before = last_pk(), version(demo)
    headline = texts.add_headline(office, demo, indicator, "  Interventi   economici ")
    assert headline.label == "Interventi economici"
    assert texts.remove_headline(office, demo, headline.pk)
    assert not texts.remove_headline(office, demo, headline.pk)
    assert version(demo) != before
    create, delete = new_entries(since, model_label="reports.headlineindicator")
    assert (create.action, delete.action) == ("create", "delete")
    assert (create.parent_label, create.parent_pk) == ("plans.indicator", str(indicator.pk))


def test_a_values_import_writes_an_entry_per_value_a_summary_and_one_bump(
    demo: Cycle, office: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    Period.objects.filter(cycle=demo, code="31.12").update(closed=False)
    period = Period.objects.get(cycle=demo, code="31.12")
    rows = read_sheets(values_workbook(demo, period))["Valori"]
    changed = 0
    for row in rows:
        if row[0] in ("B14", "B15"):
            row[7] = "12,5%"
            changed += 1
    assert changed == 2
    bumps: list[list[int]] = []
    real_bump = versions.bump

    def counting(cycle_ids: Any, **kwargs: Any) -> None:
        bumps.append(list(cycle_ids))
        real_bump(cycle_ids, **kwargs)

    monkeypatch.setattr(versions, "bump", counting)
    since = last_pk()
    data = make_xlsx({"Valori": rows})
    # The command line's import (no user, saved in bulk): each value keeps its own entry,
    # under its indicator, plus the summary with the counts; one bump for the file.
    import_file("valori.xlsx", data, demo, dry_run=False)
    entries = new_entries(since)
    assert sorted((e.action, e.model_label) for e in entries) == [
        ("bulk", "bulk"),
        ("update", "monitoring.measurement"),
        ("update", "monitoring.measurement"),
    ]
    summary = next(e for e in entries if e.action == "bulk")
    assert summary.changes["counts"]["Valori"]["update"] == 2
    assert {e.username for e in entries} == {"ufficio"}
    assert {e.parent_label for e in entries if e.action == "update"} == {"plans.indicator"}
    assert bumps == [[demo.pk]]
    # A signed-in user's import: the same entries, and still one bump, not one per value.
    for row in rows:
        if row[0] in ("B14", "B15"):
            row[7] = "13%"
    since = last_pk()
    import_file("valori.xlsx", make_xlsx({"Valori": rows}), demo, dry_run=False, user=office)
    labels = sorted(e.model_label for e in new_entries(since))
    assert labels == ["bulk", "monitoring.measurement", "monitoring.measurement"]
    assert bumps == [[demo.pk], [demo.pk]]


@pytest.fixture
def superuser_client(demo: Cycle) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin.stp", "stp@example.org", "pw"))
    return client


def test_an_admin_edit_is_recorded_and_bumps_the_version(
    demo: Cycle, superuser_client: Client
) -> None:
    target = Target.objects.filter(indicator=b14(demo)).order_by("year").first()
    assert target is not None
    url = reverse("admin:plans_target_change", args=[target.pk])
    since, before = last_pk(), version(demo)
    response = superuser_client.post(
        url, {"indicator": target.indicator_id, "year": target.year, "text": "<= 3"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert version(demo) != before
    (entry,) = new_entries(since)
    assert entry.username == "admin.stp" and entry.changes["text"] == [target.text, "<= 3"]

    since, before = last_pk(), version(demo)
    delete_url = reverse("admin:plans_target_delete", args=[target.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    assert version(demo) != before
    (entry,) = new_entries(since)
    assert entry.action == "delete" and entry.changes["text"] == ["<= 3", None]


def test_an_admin_inline_edit_is_recorded(demo: Cycle, superuser_client: Client) -> None:
    # The indicator page edits its targets inline: each target row gets its own entry.
    indicator = b14(demo)
    response = superuser_client.get(reverse("admin:plans_indicator_change", args=[indicator.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = [getattr(v, "pk", v) for v in value] if isinstance(value, list) else value
    data = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data[f"{prefix}-TOTAL_FORMS"] = len(fs.forms)
        data[f"{prefix}-INITIAL_FORMS"] = fs.initial_form_count()
        for i, sub in enumerate(fs.forms):
            for name in sub.fields:
                value = sub.instance.pk if name == "id" else sub.initial.get(name)
                if value is not None:
                    data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
        first = fs.forms[0]
        data[f"{prefix}-0-text"] = "= 7"
        old_text = first.instance.text
        target_pk = first.instance.pk
    since, before = last_pk(), version(demo)
    response = superuser_client.post(
        reverse("admin:plans_indicator_change", args=[indicator.pk]), data
    )
    context = response.context or {}
    errors = [context["adminform"].form.errors] if response.status_code == 200 else []
    errors += [fs.formset.errors for fs in context.get("inline_admin_formsets", [])]
    assert response.status_code == 302, errors
    assert version(demo) != before
    (entry,) = new_entries(since, model_label="plans.target")
    assert entry.object_pk == str(target_pk)
    assert entry.changes["text"] == [old_text, "= 7"]


def test_the_command_line_opens_and_closes_a_revision_and_changes_state(demo: Cycle) -> None:
    since = last_pk()
    out = StringIO()
    call_command(
        "revision", "open", year=demo.year, user="ufficio", reason="Da riga di comando", stdout=out
    )
    assert "aperta" in out.getvalue()
    (entry,) = new_entries(since, model_label="plans.revision")
    assert entry.username == "ufficio" and entry.changes["reason"][1] == "Da riga di comando"
    with pytest.raises(CommandError, match="ancora aperta"):
        call_command("cycle_state", "closed", year=demo.year, user="ufficio")
    call_command("revision", "close", year=demo.year, user="ufficio", stdout=out)
    with pytest.raises(CommandError, match="ruolo"):
        call_command("cycle_state", "closed", year=demo.year, user="po")
    assert not ScoreSnapshot.objects.filter(cycle=demo).exists()
    call_command(
        "cycle_state",
        "closed",
        year=demo.year,
        user="ufficio",
        override=True,
        reason="Valori validati su carta",
        stdout=out,
    )
    assert Cycle.objects.get(pk=demo.pk).state == "closed"
    # the same service as the states page: closing stores the cycle's score
    assert ScoreSnapshot.objects.filter(cycle=demo, state="closed").count() == 1
    assert new_entries(since, model_label="plans.cycle")[0].username == "ufficio"
