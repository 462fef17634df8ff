"""Every model's admin list, search and add pages load for a superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.urls import reverse

from traguardo.plans.models import Indicator

OUR_APPS = {"organisation", "plans", "monitoring"}
OUR_MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


@pytest.fixture
def office(db: None, client: Client) -> Client:
    """The performance office, as a superuser."""
    user = User.objects.create_superuser("ufficio.performance", "stp@example.org", "pw")
    client.force_login(user)
    return client


def test_it_registers_every_model_of_our_apps() -> None:
    assert len(OUR_MODELS) == 18


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_it_loads_the_list_search_and_add_pages(
    office: Client, model: type[models.Model], indicator: Indicator
) -> None:
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert office.get(changelist).status_code == 200
    assert office.get(changelist, {"q": "2.4"}).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert office.get(add).status_code == 200
