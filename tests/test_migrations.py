"""Every migration runs forwards: from an empty schema, and again over the demo data."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pledges.models import Pledge


def leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.postgres
def test_migrations_run_forwards_over_the_demo_data(transactional_db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    hashes = dict(Pledge.objects.values_list("pk", "content_hash"))
    # Back to the first migration of the pledges app (keeping its rows), then forwards again with the data in place.
    call_command("migrate", "pledges", "0001", verbosity=0)
    call_command("migrate", verbosity=0)
    assert dict(Pledge.objects.values_list("pk", "content_hash")) == hashes
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(leaves()) == []


@pytest.mark.postgres
def test_migrations_run_forwards_from_an_empty_schema(transactional_db):
    for app in ("pledges", "accounts", "blocs"):
        call_command("migrate", app, "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    assert MigrationExecutor(connection).migration_plan(leaves()) == []


def test_no_model_change_lacks_a_migration(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
