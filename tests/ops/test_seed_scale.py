"""seed_scale: a tiny national data set whose pages render for the generated users."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from blocs.models import Bloc, Membership, Province, Term, Unit
from pledges.models import Pledge, RequiredSigner, Signature
from pledges.services import recomputed_hash
from reviews.models import Review


def seed(**sizes):
    out = io.StringIO()
    call_command("seed_scale", provinces=2, blocs=4, members=3, years=2, stdout=out, **sizes)
    return out.getvalue()


def test_seed_scale_creates_the_counts_asked_for(db):
    output = seed()
    assert "seed_scale took" in output
    assert Province.objects.count() == 2
    assert Bloc.objects.count() == 4
    assert Unit.objects.count() == 4 * 3
    assert Term.objects.count() == 4 * 2
    assert Membership.objects.count() == 4 * 2 * 3
    assert User.objects.count() == 2 + 4 * 3 * 2  # a board officer per province, a head and a staff per unit
    # Every term has one live pledge; open and completed ones have their members as required signers.
    assert Pledge.objects.exclude(status=Pledge.Status.CANCELLED).count() == 8
    frozen = Pledge.objects.exclude(status=Pledge.Status.DRAFT)
    assert RequiredSigner.objects.count() == frozen.count() * 3
    completed = Pledge.objects.filter(status=Pledge.Status.COMPLETED)
    assert completed.exists()
    assert Signature.objects.filter(pledge__in=completed).count() == completed.count() * 3
    assert Review.objects.filter(status=Review.Status.CLOSED).exists()


def test_seed_scale_freezes_the_hash_the_services_recompute(db):
    seed()
    for pledge in Pledge.objects.exclude(status=Pledge.Status.DRAFT):
        assert pledge.content_hash == recomputed_hash(pledge)


def test_seed_scale_refuses_a_second_run(db):
    seed()
    with pytest.raises(CommandError, match="already run"):
        seed()


def test_generated_users_see_home_year_and_signing_pages(db, client):
    seed()
    year = timezone.localdate().year
    pledge = (
        Pledge.objects.filter(status=Pledge.Status.OPEN, term__year=year)
        .exclude(signatures__unit_id__isnull=False)
        .select_related("term")
        .first()
        or Pledge.objects.filter(status=Pledge.Status.OPEN).select_related("term").first()
    )
    signer = pledge.required_signers.exclude(unit_id__in=pledge.signatures.values("unit_id")).first()
    head = User.objects.get(unit_id=signer.unit_id, can_sign=True)
    client.force_login(head)
    assert client.get(reverse("home")).status_code == 200
    term_url = reverse("blocs:term_detail", args=[pledge.term.bloc_id, pledge.term.year])
    assert client.get(term_url).status_code == 200
    response = client.get(reverse("pledges:sign", args=[pledge.pk]))
    assert response.status_code == 200
    assert pledge.content_hash in response.content.decode()
    board = User.objects.get(username="sc01.board")
    client.force_login(board)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("board:dashboard", args=[year])).status_code == 200
