import datetime
import hashlib

import pytest
from django.utils import translation

from blocs import services as bloc_services
from core import clock
from pledges import services
from pledges.content import canonical, name_key
from pledges.models import Pledge, PledgeEvent, PledgeItem, Signature
from pledges.services import PledgeError
from tests.pledges.conftest import ITEMS, sign

D = datetime.date


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def kinds(pledge):
    return list(PledgeEvent.objects.filter(pledge=pledge).order_by("id").values_list("kind", flat=True))


# Drafting -------------------------------------------------------------------------


def test_create_gives_default_title_items_and_event(cast, draft):
    assert draft.title == "Giao ước thi đua năm 2022"
    assert [i.text for i in draft.items.all()] == ITEMS
    assert draft.status == Pledge.Status.DRAFT
    assert kinds(draft) == ["created"]


def test_a_term_has_one_live_pledge(cast, draft):
    with pytest.raises(PledgeError, match="already has a pledge"):
        services.pledge_create(actor=cast.board, term=cast.term, place="X", signing_date=D(2022, 4, 1))
    services.pledge_cancel(actor=cast.board, pledge=draft, reason="Soạn lại")
    again = services.pledge_create(actor=cast.board, term=cast.term, place="X", signing_date=D(2022, 4, 1))
    assert Pledge.objects.filter(term=cast.term).count() == 2 and again.status == "draft"


def test_signing_date_must_be_in_the_year(cast):
    with pytest.raises(PledgeError, match="inside the year 2022"):
        services.pledge_create(actor=cast.board, term=cast.term, place="X", signing_date=D(2023, 1, 1))


def test_items_add_edit_move_remove_renumber(cast, draft):
    third = services.item_add(actor=cast.chair_officer, pledge=draft, text="Ba")
    assert third.position == 3
    services.item_move(actor=cast.chair_officer, item=third, offset=-1)
    assert [i.text for i in draft.items.order_by("position")] == [ITEMS[0], "Ba", ITEMS[1]]
    services.item_update(actor=cast.chair_officer, item=third, text="Ba (sửa)")
    first = draft.items.get(position=1)
    services.item_remove(actor=cast.chair_officer, item=first)
    assert list(draft.items.order_by("position").values_list("position", "text")) == [(1, "Ba (sửa)"), (2, ITEMS[1])]


# Opening and freezing -----------------------------------------------------------------


def test_open_freezes_names_signers_and_hash(cast, pledge):
    assert pledge.status == "open" and pledge.opened_at and pledge.signing_deadline == D(2099, 1, 1)
    assert pledge.bloc_name == "Khối Khoa học - Văn hoá - Xã hội"
    assert pledge.issuing_body == "KHỐI KHOA HỌC - VĂN HOÁ - XÃ HỘI"
    signers = list(pledge.required_signers.order_by("order"))
    assert [s.unit for s in signers] == [cast.chair_unit, cast.vice_unit, cast.member_unit, cast.member_unit_2]
    items = list(pledge.items.order_by("position"))
    assert pledge.content_hash == hashlib.sha256(canonical(pledge, items, signers).encode()).hexdigest()
    assert services.recomputed_hash(pledge) == pledge.content_hash
    assert kinds(pledge) == ["created", "opened"]


def test_hash_is_canonical_nfc_sorted_json(cast, pledge):
    items = list(pledge.items.order_by("position"))
    text = canonical(pledge, items, list(pledge.required_signers.order_by("order")))
    assert text.startswith('{"bloc_name":"Khối Khoa học') and '"version":1' in text


def test_open_uses_names_on_the_signing_date(cast, draft):
    bloc_services.unit_rename(
        actor=cast.board,
        unit=cast.member_unit,
        on=D(2022, 6, 1),
        name="Sở Y tế mới",
        short_name="",
        head_title="Giám đốc",
    )
    opened = services.pledge_open(actor=cast.board, pledge=draft, deadline=D(2099, 1, 1))
    assert "Sở Y tế" in opened.required_signers.values_list("unit_name", flat=True)


def test_open_refuses_past_deadline_no_items_and_changed_draft(cast, draft):
    with pytest.raises(PledgeError, match="past"):
        services.pledge_open(actor=cast.board, pledge=draft, deadline=D(2000, 1, 1))
    with pytest.raises(PledgeError, match="changed after you reviewed"):
        services.pledge_open(actor=cast.board, pledge=draft, deadline=D(2099, 1, 1), expected_hash="0" * 64)
    for item in list(draft.items.all()):
        services.item_remove(actor=cast.board, item=item)
    with pytest.raises(PledgeError, match="at least one commitment"):
        services.pledge_open(actor=cast.board, pledge=draft, deadline=D(2099, 1, 1))
    draft.refresh_from_db()
    assert draft.status == "draft" and not draft.required_signers.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda cast, p: services.pledge_update(actor=cast.board, pledge=p, signing_date=D(2022, 4, 1), title="X"),
        lambda cast, p: services.item_add(actor=cast.board, pledge=p, text="X"),
        lambda cast, p: services.item_update(actor=cast.board, item=p.items.first(), text="X"),
        lambda cast, p: services.item_remove(actor=cast.board, item=p.items.first()),
        lambda cast, p: services.item_move(actor=cast.board, item=p.items.first(), offset=1),
    ],
)
def test_frozen_pledge_refuses_every_edit(cast, pledge, change):
    before = services.recomputed_hash(pledge)
    with pytest.raises(PledgeError, match="frozen"):
        change(cast, pledge)
    assert services.recomputed_hash(pledge) == before == pledge.content_hash


# Signing ----------------------------------------------------------------------------------


def test_member_head_signs_with_snapshot_and_event(cast, pledge, heads):
    moment = datetime.datetime(2022, 3, 30, 2, 15, tzinfo=datetime.UTC)
    with clock.fixed_at(moment):
        signature, created = sign(pledge, heads["member"])
    assert created
    assert (signature.unit_name, signature.signer_name, signature.capacity) == ("Sở Y tế", "Member_Head", "GIÁM ĐỐC")
    assert signature.signed_at == moment and signature.content_hash == pledge.content_hash
    assert signature.image.read().startswith(b"\x89PNG")
    assert kinds(pledge)[-1] == "signed"


def test_deputy_signs_as_kt(cast, pledge, heads):
    deputy = heads["member"]
    deputy.signing_capacity, deputy.position = "deputy", "Phó Giám đốc"
    deputy.save()
    signature, _ = sign(pledge, deputy)
    assert (signature.capacity, signature.capacity_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def test_same_form_resubmitted_returns_the_stored_signature(cast, pledge, heads):
    first, created = sign(pledge, heads["member"], token="tap")
    again, created_again = sign(pledge, heads["member"], token="tap")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Signature.objects.count() == 1


def test_second_signature_for_a_unit_is_refused_with_time(cast, pledge, heads):
    sign(pledge, heads["member"], token="a")
    with pytest.raises(PledgeError, match="signed this pledge already, at"):
        sign(pledge, heads["member"], token="b")


def test_staff_without_signing_right_is_refused(cast, pledge):
    with pytest.raises(PledgeError, match="signing right"):
        sign(pledge, cast.member_staff)


def test_outsider_head_is_refused(cast, pledge):
    from tests.conftest import make_user

    outsider_head = make_user("oh", unit=cast.outsider_unit, can_sign=True)
    with pytest.raises(PledgeError, match="not among the signers"):
        sign(pledge, outsider_head)


def test_typed_name_must_match_with_both_tone_placements(cast, pledge, heads):
    with pytest.raises(PledgeError, match="does not match"):
        sign(pledge, heads["member2"], typed_name="Cao Xuân Hóa")
    signature, _ = sign(pledge, heads["member2"], typed_name="  cao   xuân hòa ")
    assert signature.signer_name == "Cao Xuân Hoà"


def test_name_key_treats_tone_placements_and_case_alike():
    assert name_key("Nguyễn Thị Thuỷ") == name_key("NGUYỄN THỊ THỦY")
    assert name_key("Hoà") == name_key("Hòa") != name_key("Hóa")


def test_stale_hash_is_refused(cast, pledge, heads):
    with pytest.raises(PledgeError, match="not the one open for signing"):
        sign(pledge, heads["member"], content_hash="f" * 64)


def test_stale_hash_after_cancel_and_redraft_is_refused(cast, pledge, heads, draft):
    old_hash = pledge.content_hash
    services.pledge_cancel(actor=cast.chair_officer, pledge=pledge, reason="Sửa nội dung")
    new = services.pledge_create(
        actor=cast.chair_officer, term=cast.term, place="Nam Định", signing_date=D(2022, 4, 5), items=["Mới"]
    )
    new = services.pledge_open(actor=cast.chair_officer, pledge=new, deadline=D(2099, 1, 1))
    with pytest.raises(PledgeError, match="cancelled"):
        sign(pledge, heads["member"], content_hash=old_hash)
    with pytest.raises(PledgeError, match="not the one open"):
        sign(new, heads["member"], content_hash=old_hash)


def test_tampered_content_is_detected(cast, pledge, heads):
    PledgeItem.objects.filter(pk=pledge.items.first().pk).update(text="Đã bị sửa")  # a bypass of every service
    with pytest.raises(PledgeError, match="not the one open"):
        sign(pledge, heads["member"])


def test_signing_a_draft_completed_or_cancelled_pledge_is_refused(cast, draft, heads):
    with pytest.raises(PledgeError, match="draft"):
        sign(draft, heads["member"], content_hash="0" * 64)
    pledge = services.pledge_open(actor=cast.board, pledge=draft, deadline=D(2099, 1, 1))
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    sign(pledge, heads["member2"], token="m2")
    pledge.refresh_from_db()
    assert pledge.status == "completed"
    late = bloc_services.membership_add(
        actor=cast.board, term=cast.term, unit=cast.outsider_unit, joined_on=D(2022, 5, 1)
    )
    from tests.conftest import make_user

    newcomer = make_user("newcomer", unit=late.unit, can_sign=True)
    with pytest.raises(PledgeError, match="completed"):
        sign(pledge, newcomer)


def test_last_signature_completes_exactly_once_after_commit(cast, pledge, heads, django_capture_on_commit_callbacks):
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    pledge.refresh_from_db()
    assert pledge.status == "open"
    with django_capture_on_commit_callbacks() as callbacks:
        sign(pledge, heads["member2"], token="m2")
    pledge.refresh_from_db()
    assert pledge.status == "completed" and pledge.completed_at
    assert kinds(pledge).count("completed") == 1
    # The completion's follow-up, and one e-mail per person told that the pledge is signed by all.
    from core.models import Notice

    assert len(callbacks) == 1 + Notice.objects.filter(kind="pledge_completed").count()


def test_member_who_left_is_excused_and_pledge_completes(cast, pledge, heads):
    for key in ("chair", "vice", "member"):
        sign(pledge, heads[key], token=key)
    signer = pledge.required_signers.get(unit=cast.member_unit_2)
    with pytest.raises(PledgeError, match="left the bloc"):
        services.signer_excuse(actor=cast.board, pledge=pledge, signer=signer, reason="x")
    membership = cast.term.memberships.get(unit=cast.member_unit_2)
    bloc_services.membership_end(actor=cast.board, membership=membership, left_on=D(2022, 4, 2), reason="Giải thể")
    services.signer_excuse(actor=cast.board, pledge=pledge, signer=signer, reason="Đơn vị giải thể")
    pledge.refresh_from_db()
    assert pledge.status == "completed"
    assert services.recomputed_hash(pledge) == pledge.content_hash  # excusing does not change the hash


def test_paper_signature_counts_and_is_marked(cast, pledge, heads):
    from tests.pledges.conftest import drawn_png

    signature = services.paper_signature_add(
        actor=cast.chair_officer, pledge=pledge, signer_user=heads["member2"], scan=drawn_png()
    )
    assert (signature.kind, signature.capacity, signature.recorded_by) == ("paper", "GIÁM ĐỐC", cast.chair_officer)
    assert (signature.signer, signature.signer_name) == (heads["member2"], "Cao Xuân Hoà")
    assert kinds(pledge)[-1] == "paper_recorded"
    with pytest.raises(PledgeError, match="already"):
        sign(pledge, heads["member2"])


def test_cancel_needs_reason_keeps_signatures_and_is_refused_after_completion(cast, pledge, heads):
    sign(pledge, heads["member"])
    with pytest.raises(PledgeError, match="reason"):
        services.pledge_cancel(actor=cast.board, pledge=pledge, reason=" ")
    services.pledge_cancel(actor=cast.board, pledge=pledge, reason="Soạn lại")
    pledge.refresh_from_db()
    assert pledge.status == "cancelled" and pledge.signatures.count() == 1


def test_signatures_and_events_are_append_only(cast, pledge, heads):
    signature, _ = sign(pledge, heads["member"])
    with pytest.raises(ValueError):
        signature.save()
    with pytest.raises(ValueError):
        signature.delete()
    with pytest.raises(ValueError):
        PledgeEvent.objects.first().delete()


def test_refused_signature_is_in_the_audit_trail(cast, pledge, heads):
    with pytest.raises(PledgeError):
        sign(pledge, heads["member"], typed_name="Ai đó")
    event = PledgeEvent.objects.filter(pledge=pledge).last()
    assert (event.kind, event.actor, event.ip) == ("signature_refused", heads["member"], "127.0.0.1")
    assert "does not match" in event.details["reason"]


def test_cancel_is_refused_after_completion(cast, pledge, heads):
    for key, head in heads.items():
        sign(pledge, head, token=key)
    with pytest.raises(PledgeError, match="completed"):
        services.pledge_cancel(actor=cast.board, pledge=pledge, reason="Muộn")


def test_font_check_fails_clearly_without_the_font(settings, tmp_path):
    from core.checks import fonts_installed

    assert fonts_installed(None) == []
    settings.FONT_DIR = tmp_path
    errors = fonts_installed(None)
    assert errors[0].id == "core.E001" and "fonts-liberation2" in errors[0].hint
