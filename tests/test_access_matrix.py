"""Every URL pattern × every role → the expected status.

A new URL pattern without a row here fails ``test_every_url_pattern_has_a_row``.
Of the admin, only its index is listed: every admin page sits behind the same
``has_permission`` check (superusers only), which the index exercises.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from blocs import services as bloc_services
from pledges import services as pledge_services
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import Proposal
from tests.pledges.conftest import drawn_png, sign

ROLES = [
    "anonymous",
    "superuser",
    "board",
    "other_board",
    "chair_officer",
    "vice_head",
    "member_head",
    "member_staff",
    "outsider",
]


# Shorthands for the columns, in ROLES order.
def row(anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider):
    values = [anonymous, superuser, board, other_board, chair_officer, vice_head, member_head, member_staff, outsider]
    return dict(zip(ROLES, values, strict=True))


EVERYONE = row(302, 200, 200, 200, 200, 200, 200, 200, 200)
BOARD_ONLY = row(302, 200, 200, 200, 403, 403, 403, 403, 403)
BLOC_READ = row(302, 200, 200, 404, 200, 200, 200, 200, 404)
# A document not rendered yet: the request queues its rendering and answers "being prepared" (202).
BLOC_READ_PREPARING = {role: 202 if status == 200 else status for role, status in BLOC_READ.items()}
BLOC_BOARD_EDIT = row(302, 200, 200, 404, 403, 403, 403, 403, 404)
TERM_EDIT = row(302, 200, 200, 404, 200, 403, 403, 403, 404)
UNIT_PAGE = row(302, 200, 200, 404, 404, 404, 404, 404, 404)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200, 200, 200)
REDIRECT_ALL = row(302, 302, 302, 302, 302, 302, 302, 302, 302)
TERM_EDIT_POST = row(302, 302, 302, 404, 302, 403, 403, 403, 404)
RANKING_OPEN = row(302, 200, 200, 404, 200, 403, 403, 403, 404)
OWN_ASSESSMENT = row(302, 200, 200, 404, 200, 404, 200, 200, 404)
OWN_UNIT_POST = row(302, 403, 403, 404, 403, 404, 302, 302, 404)
BOARD_POST = row(302, 302, 302, 404, 403, 403, 403, 403, 404)
DIGITAL_SIGNERS = row(302, 403, 403, 404, 403, 302, 302, 403, 404)
NOT_FOUND_SEEN = row(302, 404, 404, 404, 404, 404, 404, 404, 404)

# name: (method, kwargs builder, expected statuses)
MATRIX = {
    "home": ("get", lambda c: {}, EVERYONE),
    "healthz": ("get", lambda c: {}, PUBLIC),
    "set_language": ("post", lambda c: {}, REDIRECT_ALL),
    "admin:index": ("get", lambda c: {}, row(302, 200, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:login": ("get", lambda c: {}, row(200, 302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": ("post", lambda c: {}, REDIRECT_ALL),
    "accounts:password_change": ("get", lambda c: {}, EVERYONE),
    "accounts:password_change_done": ("get", lambda c: {}, EVERYONE),
    "accounts:password_reset": ("get", lambda c: {}, PUBLIC),
    "accounts:password_reset_done": ("get", lambda c: {}, PUBLIC),
    "accounts:password_reset_confirm": ("get", lambda c: {"uidb64": "MQ", "token": "bad-token"}, PUBLIC),
    "accounts:password_reset_complete": ("get", lambda c: {}, PUBLIC),
    "accounts:user_list": ("get", lambda c: {}, BOARD_ONLY),
    "accounts:user_invite": ("get", lambda c: {}, BOARD_ONLY),
    "accounts:user_deactivate": (
        "post",
        lambda c: {"pk": c.member_staff.pk},
        row(302, 302, 302, 404, 403, 403, 403, 403, 403),
    ),
    # A member's staff: its board edits; its colleagues see the account (403); the chair's officer edits
    # only its own unit's people, so it learns nothing of another unit's (404), like everyone else.
    "accounts:user_edit": (
        "get",
        lambda c: {"pk": c.member_staff.pk},
        row(302, 200, 200, 404, 404, 404, 403, 403, 404),
    ),
    "blocs:bloc_list": ("get", lambda c: {}, EVERYONE),
    "blocs:bloc_create": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:province_signing": ("get", lambda c: {"pk": c.province.pk}, UNIT_PAGE),
    "blocs:bloc_detail": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_READ),
    "blocs:bloc_edit": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_BOARD_EDIT),
    "blocs:bloc_rename": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_BOARD_EDIT),
    "blocs:term_create": ("get", lambda c: {"pk": c.bloc.pk}, BLOC_BOARD_EDIT),
    "blocs:term_detail": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, BLOC_READ),
    "blocs:membership_add": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "blocs:membership_end": (
        "get",
        lambda c: {"pk": c.bloc.pk, "year": 2022, "membership_pk": c.term.memberships.get(unit=c.member_unit_2).pk},
        TERM_EDIT,
    ),
    "blocs:term_roles": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "blocs:term_acting": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    # 2023 exists in this world: the rollover sends the editors to it.
    "blocs:term_rollover": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT_POST),
    "blocs:unit_list": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:unit_create": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:unit_detail": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_edit": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_rename": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_merge": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "blocs:unit_close": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    # The board's overview of its province's blocs (each board its own).
    "board:dashboard": ("get", lambda c: {"year": 2022}, BOARD_ONLY),
    "board:index": ("get", lambda c: {}, row(302, 302, 302, 302, 403, 403, 403, 403, 403)),
    # Every board imports into its own province.
    "blocs:import": ("get", lambda c: {}, BOARD_ONLY),
    "blocs:import_template": ("get", lambda c: {}, BOARD_ONLY),
    "accounts:profile": ("get", lambda c: {}, EVERYONE),
    "ops:notification_settings": ("get", lambda c: {}, EVERYONE),
    "favicon": ("get", lambda c: {}, row(301, 301, 301, 301, 301, 301, 301, 301, 301)),
    "accounts:saved_signature": ("get", lambda c: {}, row(302, 404, 404, 404, 404, 404, 404, 404, 404)),
    "pledges:create": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "pledges:detail": ("get", lambda c: {"pk": c.open_pledge.pk}, BLOC_READ),
    "pledges:edit": ("get", lambda c: {"pk": c.draft.pk}, TERM_EDIT),
    # An empty commitment is shown again on the edit page with its error (nothing typed is lost).
    "pledges:item_add": ("post", lambda c: {"pk": c.draft.pk}, TERM_EDIT),
    "pledges:item_edit": ("get", lambda c: {"pk": c.draft.pk, "item_pk": c.item.pk}, TERM_EDIT),
    "pledges:item_move": ("post", lambda c: {"pk": c.draft.pk, "item_pk": c.item.pk}, TERM_EDIT_POST),
    "pledges:item_remove": ("post", lambda c: {"pk": c.draft.pk, "item_pk": c.item.pk}, TERM_EDIT_POST),
    "pledges:open": ("get", lambda c: {"pk": c.draft.pk}, TERM_EDIT),
    "pledges:cancel": ("get", lambda c: {"pk": c.open_pledge.pk}, TERM_EDIT),
    "pledges:excuse": ("get", lambda c: {"pk": c.open_pledge.pk, "signer_pk": c.signer_row.pk}, TERM_EDIT),
    "pledges:sign": ("get", lambda c: {"pk": c.open_pledge.pk}, row(302, 403, 403, 404, 403, 200, 200, 403, 404)),
    # "Tôi có ý kiến": a head's question; an empty one goes back to the signing page with its message.
    "pledges:question": ("post", lambda c: {"pk": c.open_pledge.pk}, row(302, 403, 403, 404, 403, 302, 302, 403, 404)),
    "pledges:paper": ("get", lambda c: {"pk": c.open_pledge.pk}, TERM_EDIT),
    "pledges:signature": ("get", lambda c: {"pk": c.signature.pk}, BLOC_READ),
    "pledges:signature_image": ("get", lambda c: {"pk": c.signature.pk}, BLOC_READ),
    # The unit had a seal image when its head signed: whoever sees the pledge sees it.
    "pledges:signature_seal": ("get", lambda c: {"pk": c.signature.pk}, BLOC_READ),
    "blocs:unit_seal": ("post", lambda c: {"pk": c.member_unit.pk}, row(302, 302, 302, 404, 404, 404, 404, 404, 404)),
    "blocs:unit_seal_image": ("get", lambda c: {"pk": c.member_unit.pk}, UNIT_PAGE),
    "pledges:frozen_pdf": ("get", lambda c: {"pk": c.open_pledge.pk}, BLOC_READ_PREPARING),
    # Ký số: the heads and clerks of member units. The matrix's pledge is signed with images: its ký
    # số page sends heads to the signing page, its turn refuses (a message, back to the page), and it
    # has no signed original.
    "pledges:digital": ("get", lambda c: {"pk": c.open_pledge.pk}, DIGITAL_SIGNERS),
    "pledges:digital_turn": ("post", lambda c: {"pk": c.open_pledge.pk}, DIGITAL_SIGNERS),
    "pledges:digital_cancel": ("post", lambda c: {"pk": c.open_pledge.pk}, DIGITAL_SIGNERS),
    "pledges:digital_otp": (
        "post",
        lambda c: {"pk": c.open_pledge.pk},
        row(302, 403, 403, 404, 403, 400, 400, 403, 404),
    ),
    "pledges:digital_upload": (
        "post",
        lambda c: {"pk": c.open_pledge.pk},
        row(302, 403, 403, 404, 403, 400, 400, 403, 404),
    ),
    "pledges:original_pdf": ("get", lambda c: {"pk": c.open_pledge.pk}, NOT_FOUND_SEEN),
    "pledges:revision_pdf": ("get", lambda c: {"pk": c.open_pledge.pk, "number": 0}, NOT_FOUND_SEEN),
    # The signing plugin's one-time addresses: no login, an unknown ticket is simply not found.
    "pledges:plugin_document": ("get", lambda c: {"ticket": "unknown-ticket"}, row(*[404] * 9)),
    "pledges:plugin_upload": ("post", lambda c: {"ticket": "unknown-ticket"}, row(*[404] * 9)),
    "pledges:remote_account": ("get", lambda c: {}, row(302, 403, 403, 403, 403, 200, 200, 403, 403)),
    "pledges:page_image": ("get", lambda c: {"pk": c.open_pledge.pk, "name": c.page_name}, BLOC_READ),
    "pledges:conference": ("get", lambda c: {"pk": c.open_pledge.pk}, BLOC_READ),
    "pledges:conference_data": ("get", lambda c: {"pk": c.open_pledge.pk}, BLOC_READ),
    "pledges:remind": ("post", lambda c: {"pk": c.open_pledge.pk}, TERM_EDIT_POST),
    "pledges:copy": ("post", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT_POST),
    "pledges:diff": ("get", lambda c: {"pk": c.draft.pk}, row(302, 302, 302, 404, 302, 302, 302, 302, 404)),
    "pledges:docx": ("get", lambda c: {"pk": c.draft.pk}, BLOC_READ),
    "pledges:comments": ("get", lambda c: {"pk": c.draft.pk}, BLOC_READ),
    "pledges:comments_open": ("get", lambda c: {"pk": c.draft.pk}, TERM_EDIT),
    "pledges:comment_answer": ("get", lambda c: {"pk": c.draft.pk, "comment_pk": c.comment.pk}, TERM_EDIT),
    "pledges:pdf": ("get", lambda c: {"pk": c.open_pledge.pk}, BLOC_READ_PREPARING),
    "pledges:pdf_retry": ("post", lambda c: {"pk": c.open_pledge.pk}, TERM_EDIT_POST),
    "verify:index": ("get", lambda c: {}, PUBLIC),
    "verify:code": ("get", lambda c: {"code": c.open_pledge.verification_code}, PUBLIC),
    # The scan of the member unit's paper signature: its own people, the chair's officers and the board.
    "pledges:signature_scan": (
        "get",
        lambda c: {"pk": c.paper_signature.pk},
        row(302, 200, 200, 404, 200, 404, 200, 200, 404),
    ),
    # Only the people of the unit dispute the paper signature recorded in its name.
    "pledges:signature_dispute": (
        "get",
        lambda c: {"pk": c.paper_signature.pk},
        row(302, 403, 403, 404, 403, 403, 200, 200, 404),
    ),
    "pledges:legal_grounds": ("get", lambda c: {}, BOARD_ONLY),
    # No such province ground: 404 for the boards, 403 for everyone else (only boards enter them).
    "pledges:legal_ground_edit": ("get", lambda c: {"pk": 999999}, row(302, 404, 404, 404, 403, 403, 403, 403, 403)),
    # The year-end review of 2022, in self-assessment: the member unit's own assessment is the one asked for.
    "reviews:home": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, BLOC_READ),
    "reviews:table": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, BLOC_READ),
    "reviews:table_json": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, BLOC_READ),
    "reviews:table_import": ("get", lambda c: {"pk": c.bloc.pk, "year": 2023}, TERM_EDIT),
    "reviews:table_copy": ("post", lambda c: {"pk": c.bloc.pk, "year": 2023}, TERM_EDIT_POST),
    "reviews:open": ("get", lambda c: {"pk": c.bloc.pk, "year": 2023}, TERM_EDIT),
    "reviews:start": ("post", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT_POST),
    "reviews:close": ("post", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT_POST),
    "reviews:remind": ("post", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT_POST),
    # Before the review closes, the ranking is for the chair's officers and the board.
    "reviews:ranking": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, RANKING_OPEN),
    "reviews:ranking_xlsx": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, RANKING_OPEN),
    "reviews:assessment": ("get", lambda c: {"pk": c.assessment.pk}, OWN_ASSESSMENT),
    # The unit's staff may press it too (the service then refuses with a message); others are refused.
    "reviews:assessment_submit": ("post", lambda c: {"pk": c.assessment.pk}, OWN_UNIT_POST),
    "reviews:evidence_add": (
        "get",
        lambda c: {"pk": c.assessment.pk},
        row(302, 403, 403, 404, 403, 404, 200, 200, 404),
    ),
    "reviews:evidence": ("get", lambda c: {"pk": c.evidence.pk}, OWN_ASSESSMENT),
    "reviews:evidence_remove": ("post", lambda c: {"pk": c.evidence.pk}, OWN_UNIT_POST),
    # The 2022 secret ballot, open; 2023 has none (opening it there is refused with a message).
    "reviews:ballot_home": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, BLOC_READ),
    "reviews:ballot_open": ("post", lambda c: {"pk": c.bloc.pk, "year": 2023}, TERM_EDIT_POST),
    "reviews:quota_set": (
        "post",
        lambda c: {"pk": c.bloc.pk, "year": 2022},
        row(302, 302, 302, 404, 403, 403, 403, 403, 404),
    ),
    "reviews:ballot": ("get", lambda c: {"pk": c.ballot.pk}, BLOC_READ),
    "reviews:ballot_close": ("post", lambda c: {"pk": c.ballot.pk}, TERM_EDIT_POST),
    "reviews:ballot_runoff": ("post", lambda c: {"pk": c.ballot.pk}, TERM_EDIT_POST),
    # Each board sets its own province's award forms.
    "reviews:award_forms": ("get", lambda c: {"year": 2022}, BOARD_ONLY),
    "reviews:year_xlsx": ("get", lambda c: {"year": 2022}, BOARD_ONLY),
    "reviews:election": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    # The 2022 dossier, being prepared (its pass/cut/decide answer the board with a message, as it is not submitted).
    "reviews:dossier_prepare": ("get", lambda c: {"pk": c.bloc.pk, "year": 2022}, TERM_EDIT),
    "reviews:dossier": ("get", lambda c: {"pk": c.dossier.pk}, BLOC_READ),
    "reviews:dossier_submit": ("post", lambda c: {"pk": c.dossier.pk}, TERM_EDIT_POST),
    "reviews:dossier_return": ("post", lambda c: {"pk": c.dossier.pk}, BOARD_POST),
    "reviews:proposal_decide": ("post", lambda c: {"pk": c.dossier.pk, "proposal_pk": c.proposal.pk}, BOARD_POST),
    "reviews:dossier_decide": ("post", lambda c: {"pk": c.dossier.pk}, BOARD_POST),
    "reviews:dossier_pdf": ("get", lambda c: {"pk": c.dossier.pk, "part": "minutes"}, BLOC_READ),
}


@pytest.fixture
def world(cast):
    """The cast with a draft pledge (2023) and an open one (2022) with a drawn signature (the vice-chair's)
    and a paper signature (the member unit's head's, recorded by the board)."""
    term_2023 = bloc_services.term_create(
        actor=cast.board,
        bloc=cast.bloc,
        year=2023,
        units=[cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2],
        chair=cast.chair_unit,
        vice_chair=cast.vice_unit,
    )
    cast.draft = pledge_services.pledge_create(
        actor=cast.board, term=term_2023, place="Nam Định", signing_date=datetime.date(2023, 3, 1), items=["Một", "Hai"]
    )
    cast.item = cast.draft.items.first()
    pledge_services.comments_open(actor=cast.board, pledge=cast.draft, until=datetime.date(2099, 1, 1))
    cast.comment = pledge_services.comment_add(actor=cast.member_staff, pledge=cast.draft, text="Góp ý")
    pledge = pledge_services.pledge_create(
        actor=cast.board, term=cast.term, place="Nam Định", signing_date=datetime.date(2022, 3, 30), items=["Một"]
    )
    cast.open_pledge = pledge_services.pledge_open(actor=cast.board, pledge=pledge, deadline=datetime.date(2099, 1, 1))
    for unit in (cast.member_unit, cast.vice_unit):
        bloc_services.unit_set_seal(actor=cast.board, unit=unit, png=drawn_png())
    cast.signature, _ = sign(cast.open_pledge, cast.vice_head)
    # A page image as after_opening would have rendered it (rendering here would cost seconds per row).
    cast.page_name = f"{pledge_services.page_image_key(cast.open_pledge)}-1"
    storages["private"].save(f"page-images/{cast.open_pledge.pk}/{cast.page_name}.png", ContentFile(drawn_png()))
    cast.signer_row = cast.open_pledge.required_signers.get(unit=cast.member_unit_2)
    # The member unit's head signed on paper: the board records it, with the scan.
    cast.paper_signature = pledge_services.paper_signature_add(
        actor=cast.board, pledge=cast.open_pledge, signer_user=cast.member_head, scan=drawn_png()
    )
    review_services.table_set(actor=cast.board, term=cast.term, data=review_selectors.example_table())
    review = review_services.review_open(actor=cast.board, term=cast.term, deadline=datetime.date(2099, 1, 1))
    cast.assessment = review.assessments.get(unit=cast.member_unit)
    cast.evidence = review_services.evidence_add(
        actor=cast.member_staff, assessment=cast.assessment, data=drawn_png(), name="bao-cao.png"
    )
    review_services.award_form_set(
        actor=cast.board, province=cast.province, year=2022, code="co", name="Cờ thi đua", default_quota=1
    )
    cast.ballot = review_services.ballot_open(actor=cast.board, term=cast.term)
    cast.dossier = review_services.dossier_prepare(
        actor=cast.board,
        term=cast.term,
        number="05/TTr",
        place="Nam Định",
        signed_on=datetime.date(2022, 12, 28),
        recipients="- Ban TĐKT tỉnh;",
    )
    cast.dossier.minutes_pdf.save("bien-ban.pdf", ContentFile(b"%PDF-1.4\n%%EOF"))
    cast.proposal = Proposal.objects.create(
        dossier=cast.dossier,
        award_form=cast.ballot.seats.get().award_form,
        unit=cast.member_unit,
        unit_name=cast.member_unit.name,
        votes=3,
    )
    return cast


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if inner == "admin:":
                yield "admin:index"
                continue
            yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_pattern_has_a_row():
    assert set(url_names()) == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, world, name):
    """Every role on one URL. Each request runs in a savepoint that is rolled back, so that what one role's
    POST changes (a review started, a ballot closed) never decides the next role's answer, and the world is
    built once per URL rather than once per role."""
    method, kwargs, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                client.force_login(getattr(world, role))
            status = getattr(client, method)(url).status_code
            transaction.set_rollback(True)
        if status != expected[role]:
            wrong.append(f"{role}: {status}, expected {expected[role]}")
    assert not wrong, f"{name}: " + "; ".join(wrong)
