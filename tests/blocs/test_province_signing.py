"""A province's rules for ký số: the service, the board's page, and the clerk role in the user pages and the import."""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from accounts.models import User
from blocs import importer, services
from blocs.models import Event, Province
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def english():
    """Messages in English, whatever the catalogues hold, so that the assertions read them."""
    with translation.override("en"):
        yield


def certificate(name: str = "Ban Co yeu Chinh phu Test Root", *, ca: bool = True, days: int = 3650) -> x509.Certificate:
    """Return a new self-signed certificate (EC keys: quick to make), a CA's unless *ca* is false."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def fingerprint(cert: x509.Certificate) -> str:
    """The fingerprint as the page shows it (asn1crypto's form: "AB CD …")."""
    return " ".join(f"{byte:02X}" for byte in cert.fingerprint(hashes.SHA256()))


@pytest.fixture(scope="module")
def root() -> x509.Certificate:
    return certificate()


def set_rules(cast, trust_list: str, seals: bool = False) -> Province:
    return services.province_signing_set(
        actor=cast.board, province=cast.province, trust_list=trust_list, requires_agency_seal=seals
    )


def signing_events(cast):
    return Event.objects.filter(province=cast.province, kind=Event.Kind.PROVINCE_SIGNING_SET)


# The service ---------------------------------------------------------------------


def test_board_sets_a_ca_root_and_agency_seals(cast, root):
    assert (cast.province.trust_list, cast.province.requires_agency_seal) == ("", False)
    province = set_rules(cast, pem(root), seals=True)
    province.refresh_from_db()
    assert province.trust_list == pem(root)
    assert province.requires_agency_seal is True
    roots = services.trust_list_roots(province.trust_list)
    assert [r.sha256_fingerprint for r in roots] == [fingerprint(root)]
    event = signing_events(cast).get()
    assert event.actor == cast.board
    assert "Ban Co yeu Chinh phu Test Root" in event.summary
    assert "clerk adds the agency's signature" in event.summary
    assert event.details == {
        "roots": [{"subject": roots[0].subject, "sha256": fingerprint(root)}],
        "requires_agency_seal": True,
    }


def test_text_around_the_blocks_windows_line_endings_and_repeats_are_normalised(cast, root):
    second = certificate("Second Test Root")
    pasted = f"Bag Attributes\r\n    friendlyName: root\r\n{pem(root)}\r\n{pem(second)}{pem(root)}".replace(
        "\n", "\r\n"
    )
    province = set_rules(cast, pasted)
    assert province.trust_list == pem(root) + pem(second)
    assert "\r" not in Province.objects.get(pk=cast.province.pk).trust_list


def test_saving_the_same_rules_again_records_nothing(cast, root):
    set_rules(cast, pem(root), seals=True)
    set_rules(cast, "\n" + pem(root).replace("\n", "\r\n"), seals=True)
    assert signing_events(cast).count() == 1
    set_rules(cast, pem(root), seals=False)
    assert signing_events(cast).count() == 2


def test_an_empty_list_is_allowed_and_seals_are_set_independently(cast, root):
    set_rules(cast, pem(root))
    province = set_rules(cast, "  \r\n ", seals=True)
    province.refresh_from_db()
    assert (province.trust_list, province.requires_agency_seal) == ("", True)
    assert "Trusted roots: none." in signing_events(cast).first().summary


def too_many() -> str:
    return "".join(pem(certificate(f"Root {n}")) for n in range(services.MAX_TRUST_ROOTS + 1))


@pytest.mark.parametrize(
    "make_text, message",
    [
        (lambda root: "hello, this is no certificate", "PEM form"),
        (lambda root: pem(root)[:300] + "\n-----END CERTIFICATE-----\n", "damaged or incomplete"),
        (lambda root: pem(certificate("Nguyen Van A", ca=False)), "“Common Name: Nguyen Van A, Country: VN” is not"),
        (
            lambda root: (
                ec.generate_private_key(ec.SECP256R1())
                .private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
                .decode()
            ),
            "holds a private key (PRIVATE KEY)",
        ),
        (lambda root: pem(root) + "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not PUBLIC KEY"),
        (lambda root: too_many(), "holds 21 certificates; at most 20"),
        (lambda root: pem(root) + "#" * (200 * 1024), "too large (at most 200 KB)"),
    ],
    ids=["garbage", "damaged", "not_a_ca", "private_key", "public_key", "too_many", "too_large"],
)
def test_what_is_not_a_list_of_ca_certificates_is_refused_and_nothing_changes(cast, root, make_text, message):
    set_rules(cast, pem(root), seals=True)
    with pytest.raises(services.RegistryError) as refusal:
        set_rules(cast, make_text(root), seals=False)
    assert refusal.value.field == "trust_list"
    assert message in refusal.value.message
    province = Province.objects.get(pk=cast.province.pk)
    assert (province.trust_list, province.requires_agency_seal) == (pem(root), True)
    assert signing_events(cast).count() == 1


def test_exactly_the_root_limit_is_accepted(cast):
    text = "".join(pem(certificate(f"Root {n}")) for n in range(services.MAX_TRUST_ROOTS))
    assert len(services.trust_list_roots(set_rules(cast, text).trust_list)) == services.MAX_TRUST_ROOTS


def merge_away(cast) -> tuple[Province, User]:
    """Merge the cast's province into a new one; return it and its board officer."""
    new = services.province_create(actor=None, code="NDM", name="Nam Định mới")
    services.province_merge(actor=cast.superuser, sources=[cast.province], target=new, on=datetime.date(2022, 7, 1))
    return new, make_user("new_board", province=new)


def test_a_merged_province_gets_no_new_rules(cast, root):
    _new, new_board = merge_away(cast)
    with pytest.raises(services.RegistryError, match="has merged into another province"):
        services.province_signing_set(
            actor=new_board, province=cast.province, trust_list=pem(root), requires_agency_seal=True
        )
    assert not signing_events(cast).exists()


# The page ------------------------------------------------------------------------


def page_url(province) -> str:
    return reverse("blocs:province_signing", kwargs={"pk": province.pk})


@pytest.fixture
def board_client(client, cast):
    client.cookies["django_language"] = "en"
    client.force_login(cast.board)
    return client


def test_board_sees_each_root_with_its_date_and_fingerprint(board_client, cast, root):
    set_rules(cast, pem(root), seals=True)
    response = board_client.get(page_url(cast.province))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Common Name: Ban Co yeu Chinh phu Test Root" in page
    assert fingerprint(root) in page
    until = timezone.localtime(root.not_valid_after_utc)  # the page shows the local (Hà Nội) date
    assert f"Valid until: {until.day} {until:%B} {until.year}" in page
    assert "Ban Cơ yếu Chính phủ" in page  # what the province must obtain
    assert 'name="requires_agency_seal"' in page and "checked" in page
    assert 'enctype="multipart/form-data"' in page


def test_board_without_roots_is_told_none_can_be_accepted(board_client, cast):
    page = board_client.get(page_url(cast.province)).content.decode()
    assert "No root certificates yet" in page


def test_bloc_list_links_the_board_to_its_province_page(board_client, client, cast):
    assert page_url(cast.province) in board_client.get(reverse("blocs:bloc_list")).content.decode()
    client.force_login(cast.member_head)
    assert "/signing/" not in client.get(reverse("blocs:bloc_list")).content.decode()


def test_board_saves_pasted_roots_and_the_seal_rule(board_client, cast, root):
    response = board_client.post(page_url(cast.province), {"trust_list": pem(root), "requires_agency_seal": "on"})
    assert response.status_code == 302
    assert response["Location"] == page_url(cast.province)
    province = Province.objects.get(pk=cast.province.pk)
    assert (province.trust_list, province.requires_agency_seal) == (pem(root), True)
    assert signing_events(cast).get().actor == cast.board


def test_board_adds_the_roots_of_a_der_file_to_those_pasted(board_client, cast, root):
    second = certificate("Second Test Root")
    upload = SimpleUploadedFile("root.cer", second.public_bytes(serialization.Encoding.DER))
    response = board_client.post(page_url(cast.province), {"trust_list": pem(root), "trust_file": upload})
    assert response.status_code == 302
    assert Province.objects.get(pk=cast.province.pk).trust_list == pem(root) + pem(second)


def test_board_empties_the_list(board_client, cast, root):
    set_rules(cast, pem(root))
    assert board_client.post(page_url(cast.province), {"trust_list": ""}).status_code == 302
    assert Province.objects.get(pk=cast.province.pk).trust_list == ""


@pytest.mark.parametrize(
    "data, message",
    [
        (lambda: {"trust_list": pem(certificate("Nguyen Van A", ca=False))}, "is not a certification authority"),
        (lambda: {"trust_file": SimpleUploadedFile("big.pem", b"#" * (200 * 1024 + 1))}, "at most 200 KB"),
        (lambda: {"trust_file": SimpleUploadedFile("photo.cer", b"\x89PNG not a certificate")}, "damaged"),
    ],
    ids=["not_a_ca", "file_too_large", "file_not_a_certificate"],
)
def test_a_refused_list_is_shown_again_with_its_reason_and_nothing_is_saved(board_client, cast, root, data, message):
    set_rules(cast, pem(root))
    response = board_client.post(page_url(cast.province), data())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors
    assert Province.objects.get(pk=cast.province.pk).trust_list == pem(root)
    assert signing_events(cast).count() == 1


def test_board_names_its_board_and_the_signing_rules_stay(board_client, cast, root):
    set_rules(cast, pem(root), seals=True)
    page = board_client.get(page_url(cast.province)).content.decode()
    assert "Emulation and Commendation Board of Nam Định province" in page  # the default name
    name = "Sở Nội vụ tỉnh Nam Định (Phòng Thi đua - Khen thưởng)"
    response = board_client.post(page_url(cast.province), {"form": "board", "board_name": name})
    assert response.status_code == 302 and response["Location"] == page_url(cast.province)
    province = Province.objects.get(pk=cast.province.pk)
    assert (province.board_name, province.board_title()) == (name, name)
    assert (province.trust_list, province.requires_agency_seal) == (pem(root), True)  # the other form untouched
    assert Event.objects.get(kind=Event.Kind.PROVINCE_BOARD_NAMED).actor == cast.board
    assert name in board_client.get(page_url(cast.province)).content.decode()


def test_a_board_name_on_two_lines_is_shown_again_and_not_saved(board_client, cast):
    response = board_client.post(page_url(cast.province), {"form": "board", "board_name": "Sở Nội vụ\nPhòng TĐKT"})
    assert response.status_code == 200 and response.context["board_form"].errors
    assert Province.objects.get(pk=cast.province.pk).board_name == ""
    assert not Event.objects.filter(kind=Event.Kind.PROVINCE_BOARD_NAMED).exists()


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("superuser", 200),
        ("board", 200),
        ("other_board", 404),
        ("chair_officer", 404),
        ("member_head", 404),
        ("member_staff", 404),
        ("outsider", 404),
    ],
)
def test_only_the_province_board_opens_the_page(client, cast, role, status):
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    assert client.get(page_url(cast.province)).status_code == status
    assert client.post(page_url(cast.province), {"trust_list": ""}).status_code == (302 if status == 200 else status)
    assert not signing_events(cast).exists()


def test_after_a_merger_the_old_province_is_read_only_for_both_boards(client, cast):
    new, new_board = merge_away(cast)
    client.force_login(cast.board)  # its province merged away: reads, changes nothing
    assert client.get(page_url(cast.province)).status_code == 403
    assert client.post(page_url(cast.province), {"requires_agency_seal": "on"}).status_code == 403
    assert client.get(reverse("blocs:bloc_list")).context["signing_province_id"] is None
    client.force_login(new_board)  # sees the old province, sets the rules of its own
    assert client.get(page_url(cast.province)).status_code == 403
    assert client.get(page_url(new)).status_code == 200
    client.force_login(cast.other_board)
    assert client.get(page_url(new)).status_code == 404
    assert not Province.objects.filter(requires_agency_seal=True).exists()


# The clerk in the user pages and the import ------------------------------------------


def invite(client, cast, **overrides):
    data = {
        "username": "yt.vanthu",
        "email": "yt.vanthu@example.invalid",
        "full_name": "Đỗ Thị Lan",
        "unit": cast.member_unit.pk,
        "position": "Văn thư",
        "is_clerk": "on",
    } | overrides
    return client.post(reverse("accounts:user_invite"), data)


def test_board_invites_a_clerk_and_the_list_shows_the_role(board_client, cast):
    assert 'name="is_clerk"' in board_client.get(reverse("accounts:user_invite")).content.decode()
    assert invite(board_client, cast).status_code == 302
    clerk = User.objects.get(username="yt.vanthu")
    assert (clerk.unit, clerk.is_clerk, clerk.can_sign) == (cast.member_unit, True, False)
    page = board_client.get(reverse("accounts:user_list")).content.decode()
    assert "Clerk (văn thư)" in page
    invite(board_client, cast, username="yt.staff3", email="yt.staff3@example.invalid", is_clerk="")
    assert User.objects.get(username="yt.staff3").is_clerk is False


def test_a_clerk_without_a_unit_is_refused(board_client, cast):
    response = invite(board_client, cast, unit="")
    assert response.status_code == 200
    assert response.context["form"].errors["is_clerk"]
    assert not User.objects.filter(username="yt.vanthu").exists()


ACCOUNT_HEADERS = ["Tên đăng nhập", "Họ và tên", "Email", "Mã đơn vị", "Chức vụ", "Quyền ký (có/không)"]


def accounts_workbook(rows, *, clerk_column: bool = True) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tài khoản"
    sheet.append(ACCOUNT_HEADERS + (["Văn thư (có/không)"] if clerk_column else []))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_import_reads_the_clerk_column(cast):
    data = accounts_workbook(
        [
            ["yt.vanthu", "Đỗ Thị Lan", "yt.vanthu@example.invalid", "YT", "Văn thư", "không", "có"],
            ["yt.staff3", "Lê Văn Bảo", "yt.staff3@example.invalid", "YT", "Chuyên viên", "", ""],
        ]
    )
    report = importer.run(data, actor=cast.board, province=cast.province)
    assert report.imported, report.rejected
    assert User.objects.get(username="yt.vanthu").is_clerk is True
    assert User.objects.get(username="yt.staff3").is_clerk is False


def test_a_file_without_the_clerk_column_still_imports(cast):
    data = accounts_workbook(
        [["yt.staff3", "Lê Văn Bảo", "yt.staff3@example.invalid", "YT", "", "có"]], clerk_column=False
    )
    report = importer.run(data, actor=cast.board, province=cast.province)
    assert report.imported, report.rejected
    assert User.objects.get(username="yt.staff3").is_clerk is False


def test_the_import_refuses_a_clerk_without_a_unit_and_an_unclear_mark(cast):
    data = accounts_workbook(
        [
            ["bandtk.vt", "Phạm Minh", "bandtk.vt@example.invalid", None, "Văn thư", "", "x"],
            ["yt.vanthu", "Đỗ Thị Lan", "yt.vanthu@example.invalid", "YT", "Văn thư", "", "có lẽ"],
        ]
    )
    report = importer.dry_run(data, province=cast.province)
    assert [(r.row, r.message) for r in report.rejected] == [
        (2, "A clerk (văn thư) seals for a unit: give the unit, or leave “Văn thư (có/không)” empty."),
        (3, "Write có or không in “Văn thư (có/không)”."),
    ]


def test_the_template_has_the_clerk_column_with_its_choices(client, cast):
    client.force_login(cast.board)
    book = load_workbook(io.BytesIO(client.get(reverse("blocs:import_template")).content))
    sheet = book["Tài khoản"]
    assert [cell.value for cell in sheet[1]] == [
        *ACCOUNT_HEADERS,
        "Văn thư (có/không)",
        "Tư cách ký (Cấp trưởng/KT./Q.)",
    ]
    assert any("G2" in str(validation.sqref) for validation in sheet.data_validations.dataValidation)
    assert any("H2" in str(validation.sqref) for validation in sheet.data_validations.dataValidation)
    assert "văn thư" in " ".join(str(cell.value) for cell in book["Hướng dẫn"]["A"])


def test_superuser_names_the_board_in_the_admin_through_the_service(client, cast):
    client.force_login(cast.superuser)
    url = reverse("admin:blocs_province_change", args=[cast.province.pk])
    assert client.get(url).status_code == 200
    name = "Sở Nội vụ tỉnh Nam Định (Phòng Thi đua - Khen thưởng)"
    response = client.post(url, {"board_name": name, "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    province = Province.objects.get(pk=cast.province.pk)
    assert (province.board_name, province.code, province.name) == (name, "NDH", "Nam Định")
    assert Event.objects.get(kind=Event.Kind.PROVINCE_BOARD_NAMED).actor == cast.superuser
