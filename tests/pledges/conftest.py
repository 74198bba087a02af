"""Pledge fixtures: a draft and an open pledge of the cast's 2022 term, and signing helpers."""

import base64
import datetime
import io
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image, ImageDraw

from pledges import services
from tests.conftest import make_user

ITEMS = ["Hoàn thành các chỉ tiêu kinh tế - xã hội.", "Thực hiện tốt công tác thi đua, khen thưởng."]


def drawn_png(width=300, height=100) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (120, 20), (290, 70)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@pytest.fixture
def heads(cast):
    """A head with signing right for every member unit of the 2022 term."""
    return {
        "chair": make_user("chair_head", unit=cast.chair_unit, can_sign=True, full_name="Trần Văn Hùng"),
        "vice": cast.vice_head,
        "member": cast.member_head,
        "member2": make_user("member2_head", unit=cast.member_unit_2, can_sign=True, full_name="Cao Xuân Hoà"),
    }


@pytest.fixture
def draft(cast):
    return services.pledge_create(
        actor=cast.chair_officer,
        term=cast.term,
        place="Nam Định",
        signing_date=datetime.date(2022, 3, 30),
        legal_grounds="Căn cứ Luật Thi đua, Khen thưởng;",
        introduction="Các đơn vị thống nhất giao ước:",
        items=ITEMS,
    )


@pytest.fixture
def pledge(cast, draft):
    return services.pledge_open(actor=cast.chair_officer, pledge=draft, deadline=datetime.date(2099, 1, 1))


def sign(pledge, user, *, kind="drawn", token="t1", typed_name=None, content_hash=None):
    return services.signature_add(
        actor=user,
        pledge=pledge,
        kind=kind,
        image_png=drawn_png(),
        content_hash_seen=content_hash or pledge.content_hash,
        typed_name=typed_name if typed_name is not None else user.full_name,
        form_token=token,
        ip="127.0.0.1",
        user_agent="pytest",
    )


def self_signed_p12(path: Path, subject: x509.Name, *, days: int = 30) -> Path:
    """Write to *path* a PKCS#12 of a key and a certificate issued by itself to *subject*: what anyone can make."""
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"self", key, cert, None, serialization.NoEncryption()))
    return path
