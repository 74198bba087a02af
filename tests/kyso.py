"""Ký số fixtures: a Nam Định bloc of eight members whose heads and agencies hold certificates of the
test PKI (ops/testpki.py), a pledge open in ký số mode, and signing helpers (CSC, PKCS#12 upload)."""

import datetime
import io
from dataclasses import dataclass, field

import pytest

from accounts.models import RemoteSigningAccount, User
from blocs import services as registry
from core import clock, signing
from ops import testpki
from pledges import services
from pledges.models import Pledge
from pledges.services import digital

__all__ = ["Kyso", "kyso", "kyso_settings"]

PROVIDER = "thu-nghiem"
ITEMS = ["Hoàn thành xuất sắc nhiệm vụ chính trị năm 2026.", "Đẩy mạnh chuyển đổi số, cải cách hành chính."]


@dataclass
class Kyso:
    pki: object
    province: object
    term: object
    pledge: Pledge
    officer: User
    board: User
    heads: list = field(default_factory=list)  # in signing order (the term's order)
    clerks: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    units: list = field(default_factory=list)

    def link(self, user, label: str) -> None:
        """Link *user*'s remote-signing account to the CSC credential of holder *label*."""
        RemoteSigningAccount.objects.update_or_create(
            user=user,
            defaults={"provider": PROVIDER, "credential_id": testpki.credential_id(label), "linked_at": clock.now()},
        )

    def current(self) -> bytes:
        return digital.revision_bytes(digital.latest_revision(self.pledge))

    def sign_with_p12(self, label: str, field_name: str, data: bytes | None = None) -> bytes:
        """Return the current revision signed in *field_name* with holder *label*'s PKCS#12, as a USB
        token's signing tool would (pyHanko, no appearance)."""
        from pyhanko.sign import signers

        signer = signers.SimpleSigner.load_pkcs12_data(self.pki.pkcs12(label, b"pw"), other_certs=[], passphrase=b"pw")
        from django.conf import settings

        base = self.current() if data is None else data
        stamper = signing.timestamper(settings.TSA_URL) if settings.TSA_URL else None
        # A signing tool draws its own appearance; this one, like a careful tool, embeds its font.
        appearance = signing.Appearance(lines=(f"Ký bởi: {testpki.HOLDERS[label].common_name}",))
        return signing.sign_field(
            base, field_name=field_name, signer=signer, appearance=appearance, reason="Ký", timestamper=stamper
        )


@pytest.fixture
def kyso_settings(settings, test_pki):
    settings.CSC_PROVIDERS = {PROVIDER: {"name": "Máy chủ ký số thử nghiệm", "url": test_pki.csc_url}}
    settings.TSA_URL = test_pki.tsa_url
    return settings


def build_kyso(test_pki, *, seals: bool = True, year: int | None = None, members: int = 8) -> Kyso:
    """The bloc, its year, its people and a pledge open in ký số mode, revision 0 rendered."""
    year = year or clock.now().year
    province = registry.province_create(actor=None, code="NDK", name="Nam Định")
    board = User.objects.create_user(
        "kyso_board", password="pw", full_name="Nguyễn Văn Bình", province=province, email="b@example.invalid"
    )
    registry.province_signing_set(
        actor=board, province=province, trust_list=test_pki.root_pem.decode(), requires_agency_seal=seals
    )
    units, heads, clerks, staff = [], [], [], []
    for code, name, _short, head_title, head_name, staff_name in testpki.NAM_DINH_BLOC_UNITS[:members]:
        unit = registry.unit_create(actor=board, province=province, code=code, name=name, head_title=head_title)
        units.append(unit)
        lower = code.lower()
        heads.append(
            User.objects.create_user(
                f"{lower}.head", password="pw", full_name=head_name, unit=unit, can_sign=True,
                position=head_title, email=f"{lower}.head@example.invalid",
            )
        )  # fmt: skip
        clerks.append(
            User.objects.create_user(
                f"{lower}.clerk", password="pw", full_name=f"Văn thư {name}", unit=unit, is_clerk=True,
                email=f"{lower}.clerk@example.invalid",
            )
        )  # fmt: skip
        staff.append(
            User.objects.create_user(
                f"{lower}.staff", password="pw", full_name=staff_name, unit=unit, email=f"{lower}.staff@example.invalid"
            )
        )
    bloc = registry.bloc_create(
        actor=board, province=province, kind="khoi", code="KHVHXH", name="Khối Văn hoá - Xã hội"
    )
    term = registry.term_create(
        actor=board, bloc=bloc, year=year, units=units, chair=units[0], vice_chair=units[1], reference="Biên bản"
    )
    officer = staff[0]
    draft = services.pledge_create(
        actor=officer,
        term=term,
        place="Nam Định",
        signing_date=datetime.date(year, 3, 30),
        legal_grounds="Căn cứ Luật Thi đua, khen thưởng năm 2022;",
        introduction="Các đơn vị thống nhất giao ước:",
        items=ITEMS,
    )
    pledge = services.pledge_open(
        actor=officer, pledge=draft, deadline=datetime.date(year + 1, 1, 1), signing_mode=Pledge.SigningMode.DIGITAL
    )
    digital.original_prepare(pledge.pk)  # the task's work, also run by the immediate queue
    pledge.refresh_from_db()
    return Kyso(test_pki, province, term, pledge, officer, board, heads, clerks, staff, units)


@pytest.fixture
def kyso(db, kyso_settings, test_pki) -> Kyso:
    return build_kyso(test_pki)


def png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(10, 80), (120, 20), (290, 70)], fill="black", width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
