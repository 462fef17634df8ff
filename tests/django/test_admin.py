"""Every model of every Traguardo app is in the admin; list, search and add pages load for a
superuser; history and record models are read only (no add, change or delete)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

from traguardo.adminutils import ReadOnlyAdmin
from traguardo.monitoring.models import Period, PeriodEvent
from traguardo.plans.models import Cycle, CycleTransition, Indicator

OUR_MODELS = [
    model
    for config in apps.get_app_configs()
    if config.name.startswith("traguardo.")
    for model in config.get_models()
]
READ_ONLY = [m for m in OUR_MODELS if isinstance(admin.site._registry.get(m), ReadOnlyAdmin)]

# History and record models: written by the application's processes, never by hand.
EXPECTED_READ_ONLY = {
    "accounts.SignInFailure",
    "api.ApiToken",  # credentials: issued by the API or `api_token`; the admin only revokes
    "audit.AuditEntry",
    "exchange.Upload",
    "individual.BehaviourRating",
    "individual.CardEvent",
    "individual.CardProcess",
    "monitoring.Comment",
    "monitoring.Evidence",
    "monitoring.PeriodEvent",
    "monitoring.ReminderSent",
    "monitoring.UnitValidation",
    "oiv.EvidenceSample",
    "oiv.ValidationCheck",
    "oiv.ValidationDecision",
    "plans.CycleTransition",
    "plans.PlanSnapshot",
    "plans.Publication",
    "scoring.ScoreAdjustment",
    "scoring.ScoreSnapshot",
}


@pytest.fixture
def office(db: None, client: Client) -> Client:
    """The performance office, as a superuser."""
    user = User.objects.create_superuser("ufficio.performance", "stp@example.org", "pw")
    client.force_login(user)
    return client


def test_it_registers_every_model_of_every_traguardo_app() -> None:
    missing = [m._meta.label for m in OUR_MODELS if m not in admin.site._registry]
    assert missing == []
    assert len(OUR_MODELS) >= 48  # the loop did find the apps (48 models at the time)


def test_history_models_are_read_only() -> None:
    assert {m._meta.label for m in READ_ONLY} == EXPECTED_READ_ONLY


def _url(model: type[models.Model], view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_it_loads_the_list_search_and_add_pages(
    office: Client, model: type[models.Model], indicator: Indicator
) -> None:
    changelist = _url(model, "changelist")
    assert office.get(changelist).status_code == 200
    assert office.get(changelist, {"q": "2.4"}).status_code == 200
    add = office.get(_url(model, "add"))
    assert add.status_code == (403 if model in READ_ONLY else 200)


def test_a_read_only_record_refuses_add_change_and_delete(office: Client, cycle: Cycle) -> None:
    transition = CycleTransition.objects.create(
        cycle=cycle, source="draft", target="approved", note="approvato"
    )
    period = Period.objects.create(cycle=cycle, code="30.06", date="2019-06-30")
    event = PeriodEvent.objects.create(period=period, action="opened", reason="campagna")
    for model, row, field in (
        (CycleTransition, transition, "note"),
        (PeriodEvent, event, "reason"),
    ):
        # The change page shows the row without a form to save it.
        page = office.get(_url(model, "change", row.pk))
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        # Crafted POSTs are refused and change nothing.
        assert office.post(_url(model, "change", row.pk), {field: "riscritto"}).status_code == 403
        assert office.post(_url(model, "add"), {field: "nuovo"}).status_code == 403
        assert office.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        row.refresh_from_db()
        assert getattr(row, field) != "riscritto"
        assert model._default_manager.count() == 1
    # Nor through the list's bulk delete action.
    response = office.post(
        _url(CycleTransition, "changelist"),
        {"action": "delete_selected", "_selected_action": [transition.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert CycleTransition.objects.filter(pk=transition.pk).exists()
