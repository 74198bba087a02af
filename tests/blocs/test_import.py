"""The board's Excel import: the file checks, the dry run, the all-or-nothing import and its page."""

import datetime
import io
import os
import unicodedata
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import User
from blocs import importer
from blocs import services as registry
from blocs.models import Bloc, Event, Membership, RoleAssignment, Term, Unit
from tests.conftest import make_user

# The documented format (docs/import-template.md), written out rather than taken from the importer.
HEADERS = {
    "Đơn vị": ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Chức danh thủ trưởng"],
    "Khối": ["Mã khối", "Tên khối", "Loại (khối/cụm)"],
    "Thành viên": ["Mã khối", "Năm", "Mã đơn vị", "Khối trưởng (x)", "Khối phó (x)"],
    "Tài khoản": [
        "Tên đăng nhập",
        "Họ và tên",
        "Email",
        "Mã đơn vị",
        "Chức vụ",
        "Quyền ký (có/không)",
        "Văn thư (có/không)",
        "Tư cách ký (Cấp trưởng/KT./Q.)",
    ],
}
SHEET = {"units": "Đơn vị", "blocs": "Khối", "members": "Thành viên", "accounts": "Tài khoản"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english():
    """Messages in English, whatever the catalogues hold, so that the assertions read them."""
    with translation.override("en"):
        yield


def workbook(**rows) -> bytes:
    """Return an .xlsx with the four sheets and *rows* (units=[...], blocs=[...], ...) under their headers."""
    book = Workbook()
    book.remove(book.active)
    for key, title in SHEET.items():
        sheet = book.create_sheet(title)
        sheet.append(HEADERS[title])
        for values in rows.get(key, []):
            sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


GOOD = {
    "units": [
        # Decomposed text with a no-break space, as pasted from some web pages.
        ["NV", nfd("Sở Nội vụ") + "\u00a0", "Sở NV", nfd("Giám đốc")],
        ["ca", "Công an tỉnh", None, "Giám đốc"],
        ["XD", "Sở Xây dựng", "SXD", "Giám đốc"],
        ["TP", "Sở Tư pháp", "", "Giám đốc"],
    ],
    "blocs": [
        ["TH", "Khối Tổng hợp - Nội chính", "khối"],
        ["CUM1", "Cụm thi đua số 1", "Cụm"],
    ],
    "members": [
        ["TH", 2023, "NV", "x", None],
        ["TH", 2023, "CA", None, "x"],
        [None, None, None, None, None],  # a blank row is skipped
        ["TH", 2023, "TC", None, None],  # an existing unit (the cast's outsider)
        ["CUM1", 2023.0, "XD", "X", ""],
        ["CUM1", "2023", "TP", None, "x"],
        ["KHVHXH", 2022, "TC", None, None],  # an existing year: the unit is added to it
    ],
    "accounts": [
        ["nv.head", nfd("Trần Thị Hoà"), "NV.Head@Example.invalid", "NV", "Giám đốc", "có"],
        ["nv.staff", "Lê Văn An", "nv.staff@example.invalid", "nv", "Chuyên viên", "không"],
        ["bandtk2", "Phạm Minh Châu", "bandtk2@example.invalid", None, "Chuyên viên", None],
        ["yt.staff2", "Ngô Thu", "yt.staff2@example.invalid", "YT", "", ""],
    ],
}


def snapshot() -> dict[str, int]:
    """Count every kind of record an import may write."""
    return {
        model.__name__: model.objects.count() for model in (Unit, Bloc, Term, Membership, RoleAssignment, User, Event)
    }


# The import through the services -------------------------------------------------


def test_good_file_imports_units_blocs_years_members_and_accounts(cast, django_capture_on_commit_callbacks, mailoutbox):
    last_event = Event.objects.order_by("-id").values_list("id", flat=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        report = importer.run(workbook(**GOOD), actor=cast.board, province=cast.province)

    assert report.ok and report.imported
    assert report.created == {"units": 4, "blocs": 2, "terms": 2, "memberships": 6, "users": 4}
    assert report.rows == {"Đơn vị": 4, "Khối": 2, "Thành viên": 6, "Tài khoản": 4}
    home_affairs = Unit.objects.get(province=cast.province, code="NV")
    assert home_affairs.name == unicodedata.normalize("NFC", "Sở Nội vụ")  # NFC, no trailing no-break space
    assert home_affairs.head_title == unicodedata.normalize("NFC", "Giám đốc")
    assert home_affairs.versions.count() == 1
    police = Unit.objects.get(province=cast.province, code="CA")  # the code is upper-cased
    assert Bloc.objects.get(province=cast.province, code="CUM1").kind == Bloc.Kind.CLUSTER
    general = Term.objects.get(bloc__code="TH", year=2023)
    assert (general.chair, general.vice_chair) == (home_affairs, police)
    assert [m.unit.code for m in general.memberships.order_by("order")] == ["NV", "CA", "TC"]
    assert RoleAssignment.objects.filter(term=general, chair=home_affairs, vice_chair=police).exists()
    cluster = Term.objects.get(bloc__code="CUM1", year=2023)
    assert (cluster.chair.code, cluster.vice_chair.code) == ("XD", "TP")
    added = Membership.objects.get(term=cast.term, unit=cast.outsider_unit)
    assert added.joined_on == datetime.date(2022, 1, 1)
    assert added.order == 5  # after the four members the year had

    head = User.objects.get(username="nv.head")
    assert (head.unit, head.province, head.can_sign, head.email) == (
        home_affairs,
        None,
        True,
        "nv.head@example.invalid",
    )
    assert head.full_name == unicodedata.normalize("NFC", "Trần Thị Hoà")
    assert not head.has_usable_password()
    assert User.objects.get(username="nv.staff").can_sign is False
    officer = User.objects.get(username="bandtk2")
    assert (officer.unit, officer.province, officer.is_board_officer) == (None, cast.province, True)
    assert User.objects.get(username="yt.staff2").unit == cast.member_unit
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["nv.head@example.invalid", "nv.staff@example.invalid", "bandtk2@example.invalid", "yt.staff2@example.invalid"]
    )

    # Every write went through a service, which wrote its event with the board officer as actor.
    events = list(Event.objects.filter(id__gt=last_event))
    assert {e.actor for e in events} == {cast.board}
    kinds = [e.kind for e in events]
    assert kinds.count(Event.Kind.UNIT_CREATED) == 4
    assert kinds.count(Event.Kind.BLOC_CREATED) == 2
    assert kinds.count(Event.Kind.TERM_CREATED) == 2
    assert kinds.count(Event.Kind.ROLES_ASSIGNED) == 2
    assert kinds.count(Event.Kind.MEMBER_ADDED) == 1
    assert kinds.count(Event.Kind.USER_INVITED) == 4


def test_dry_run_reports_what_the_import_would_create_and_writes_nothing(cast):
    before = snapshot()
    report = importer.dry_run(workbook(**GOOD), province=cast.province)
    assert report.ok and not report.imported
    assert report.planned == {"units": 4, "blocs": 2, "terms": 2, "memberships": 6, "users": 4}
    assert snapshot() == before


BAD = {
    "units": [
        ["YT", "Sở Y tế mới", "", "Giám đốc"],  # 2: exists
        ["NV", "Sở Nội vụ", "", "Giám đốc"],  # 3: fine
        ["nv", "Sở Nội vụ (bản sao)", "", "Giám đốc"],  # 4: twice in the file
        ["X" * 31, None, "", None],  # 5: too long, no name, no head title
    ],
    "blocs": [
        ["KHVHXH", "Khối trùng mã", "khối"],  # 2: exists
        ["TH", "Khối Tổng hợp", "nhóm"],  # 3: neither khối nor cụm
    ],
    "members": [
        ["ZZ", 2023, "NV", "x", None],  # 2: unknown bloc
        ["KHVHXH", 1999, "NV", None, None],  # 3: bad year
        ["KHVHXH", 2023, "QQ", None, None],  # 4: unknown unit
        ["KHVHXH", 2023, "NV", "x", "x"],  # 5: chair = vice-chair
        ["KHVHXH", 2023, "TC", "x", None],  # 6: a second chair
        ["KHVHXH", 2022, "YT", None, None],  # 7: already a member of the existing year
        ["KHVHXH", 2022, "TC", "x", None],  # 8: a chair mark on an existing year
        ["TH", 2024, "NV", None, "x"],  # 9: the year has no chair
        ["KHVHXH", 2023, "nv", None, None],  # 10: listed twice
        ["TH", 2023, "TC", None, None],  # 11: in another bloc the same year (row 6)
        ["KHVHXH", 2023, "GDDT", "maybe", None],  # 12: an unreadable mark
    ],
    "accounts": [
        ["member_head", "Ai Đó", "x@example.invalid", "YT", "", "không"],  # 2: user name taken
        ["new user!", "Ai Đó", "y@example.invalid", "", "", ""],  # 3: not a user name
        ["a1", "Ai Đó", "not-an-email", "", "", ""],  # 4: not an e-mail address
        ["a2", "Ai Đó", "Board@example.invalid", "", "", ""],  # 5: e-mail taken
        ["a3", "Ai Đó", "c@example.invalid", "QQ", "", ""],  # 6: unknown unit
        ["a4", "Ai Đó", "d@example.invalid", "", "", "có"],  # 7: a board officer cannot sign
        ["A4", "Ai Đó", "e@example.invalid", "YT", "", "perhaps"],  # 8: twice; unreadable signing right
        ["a5", "", "", "YT", "", ""],  # 9: no full name, no e-mail
    ],
}

EXPECTED_PROBLEMS = [
    ("Đơn vị", 2, "A unit with code YT exists in this province."),
    ("Đơn vị", 4, "NV is already on row 3 of this sheet."),
    ("Đơn vị", 5, "“Mã đơn vị” is longer than 30 characters."),
    ("Đơn vị", 5, "Fill in “Tên đơn vị”."),
    ("Đơn vị", 5, "Fill in “Chức danh thủ trưởng”."),
    ("Khối", 2, "A bloc with code KHVHXH exists in this province."),
    ("Khối", 3, "Write khối or cụm in “Loại (khối/cụm)”, not nhóm."),
    ("Thành viên", 2, "Unknown bloc code ZZ"),
    ("Thành viên", 3, "“1999” is not a year"),
    ("Thành viên", 4, "Unknown unit code QQ"),
    ("Thành viên", 5, "The chair and the vice-chair must be different units."),
    ("Thành viên", 6, "The year 2023 of KHVHXH has more than one chair (rows 5, 6)."),
    ("Thành viên", 7, "Sở Y tế is already a member of Khối Khoa học - Văn hoá - Xã hội in 2022."),
    ("Thành viên", 8, "KHVHXH already has the year 2022"),
    ("Thành viên", 9, "The year 2024 of TH has no chair"),
    ("Thành viên", 10, "The unit NV is already listed for KHVHXH in 2023 on row 5."),
    ("Thành viên", 11, "The unit TC is already in the bloc KHVHXH in 2023 on row 6."),
    ("Thành viên", 12, "Mark “Khối trưởng (x)” with x or leave it empty."),
    ("Tài khoản", 2, "This user name is taken."),
    ("Tài khoản", 3, "Enter a valid username."),
    ("Tài khoản", 4, "not-an-email is not a valid e-mail address."),
    ("Tài khoản", 5, "An account with this e-mail address exists."),
    ("Tài khoản", 6, "Unknown unit code QQ"),
    ("Tài khoản", 7, "A board officer (no unit) has no signing right"),
    ("Tài khoản", 8, "A4 is already on row 7 of this sheet."),
    ("Tài khoản", 8, "Write có or không in “Quyền ký (có/không)”."),
    ("Tài khoản", 9, "Fill in “Họ và tên”."),
    ("Tài khoản", 9, "Fill in “Email”."),
]


def test_dry_run_lists_every_bad_row_with_its_reason_and_writes_nothing(cast):
    before = snapshot()
    report = importer.dry_run(workbook(**BAD), province=cast.province)

    assert not report.ok and not report.errors
    found = [(r.sheet, r.row, r.message) for r in report.rejected]
    for sheet, row, fragment in EXPECTED_PROBLEMS:
        assert any(s == sheet and r == row and fragment in m for s, r, m in found), (sheet, row, fragment, found)
    rejected_rows = {(s, r) for s, r, _m in found}
    assert rejected_rows == {(s, r) for s, r, _f in EXPECTED_PROBLEMS}  # the good unit row (3) is not listed
    assert found == sorted(found, key=lambda f: (list(SHEET.values()).index(f[0]), f[1]))
    assert snapshot() == before


def test_new_year_needs_a_vice_chair_and_one_only(cast):
    data = workbook(
        units=[["NV", "Sở Nội vụ", "", "Giám đốc"]],
        blocs=[["TH", "Khối Tổng hợp", ""], ["TH2", "Khối Tổng hợp 2", ""]],
        members=[
            ["TH", 2023, "NV", "x", None],
            ["TH2", 2023, "TC", "x", "x"],
            ["TH2", 2023, "GDDT", None, "x"],
            ["TH2", 2023, "YT", None, "x"],
        ],
    )
    found = [(r.row, r.message) for r in importer.dry_run(data, province=cast.province).rejected]
    assert (2, "The year 2023 of TH has no vice-chair: mark one unit with x in “Khối phó (x)”.") in found
    assert (4, "The year 2023 of TH2 has more than one vice-chair (rows 3, 4, 5).") in found
    assert (5, "The year 2023 of TH2 has more than one vice-chair (rows 3, 4, 5).") in found


def test_a_merged_unit_cannot_join_or_get_accounts(cast):
    registry.unit_merge(
        actor=cast.board, sources=[cast.outsider_unit], target=cast.member_unit, on=datetime.date(2022, 6, 1)
    )
    data = workbook(
        members=[["KHVHXH", 2023, "TC", None, None]],
        accounts=[["tc.staff", "Ai Đó", "tc@example.invalid", "TC", "", ""]],
    )
    found = [(r.sheet, r.row, r.message) for r in importer.dry_run(data, province=cast.province).rejected]
    assert ("Thành viên", 2, "The unit TC was merged or left the registry before 2023.") in found
    assert ("Tài khoản", 2, "The unit TC was merged or left the registry.") in found


@pytest.mark.parametrize(
    "written, capacity",
    [
        (None, User.Capacity.HEAD),
        ("Cấp trưởng", User.Capacity.HEAD),
        ("head", User.Capacity.HEAD),
        ("Cấp phó (KT.)", User.Capacity.DEPUTY),
        ("cap pho (kt)", User.Capacity.DEPUTY),
        ("KT.", User.Capacity.DEPUTY),
        ("deputy", User.Capacity.DEPUTY),
        ("Quyền (Q.)", User.Capacity.ACTING),
        ("Q.", User.Capacity.ACTING),
        ("acting", User.Capacity.ACTING),
    ],
)
def test_accounts_sheet_reads_the_signing_capacity(cast, django_capture_on_commit_callbacks, written, capacity):
    row = ["yt.pho", "Ngô Thu", "yt.pho@example.invalid", "YT", nfd("Phó Giám đốc"), "có", "", written]
    with django_capture_on_commit_callbacks(execute=True):
        report = importer.run(workbook(accounts=[row]), actor=cast.board, province=cast.province)
    assert report.imported, report.rejected
    deputy = User.objects.get(username="yt.pho")
    assert deputy.signing_capacity == capacity
    if capacity == User.Capacity.DEPUTY:
        assert deputy.capacity_lines(cast.member_unit.head_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def test_accounts_sheet_refuses_a_capacity_the_block_cannot_print(cast):
    data = workbook(
        accounts=[
            ["a1", "Ai Đó", "a1@example.invalid", "YT", "", "có", "", "Cấp phó (KT.)"],  # 2: a deputy, no position
            ["a2", "Ai Đó", "a2@example.invalid", "YT", "Giám đốc", "có", "", "sếp"],  # 3: unreadable
            ["a3", "Ai Đó", "a3@example.invalid", "", "Chuyên viên", "", "", "Quyền (Q.)"],  # 4: a board officer
        ]
    )
    before = snapshot()
    found = [(r.row, r.message) for r in importer.dry_run(data, province=cast.province).rejected]
    assert found == [
        (2, "A deputy signs “KT.” over his or her own position: fill in “Chức vụ”, e.g. Phó Giám đốc."),
        (3, "Write Cấp trưởng, Cấp phó (KT.) or Quyền (Q.) in “Tư cách ký (Cấp trưởng/KT./Q.)”, not sếp."),
        (4, "A board officer (no unit) signs nothing: leave “Tư cách ký (Cấp trưởng/KT./Q.)” empty or give a unit."),
    ]
    assert snapshot() == before


def test_accounts_sheet_without_the_capacity_column_still_imports(cast, django_capture_on_commit_callbacks):
    """Files made before the column existed: every account signs as the head."""
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("Tài khoản")
    sheet.append(HEADERS["Tài khoản"][:6])
    sheet.append(["yt.head", "Ngô Thu", "yt.head@example.invalid", "YT", "Giám đốc", "có"])
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        report = importer.run(buffer.getvalue(), actor=cast.board, province=cast.province)
    assert report.imported
    assert User.objects.get(username="yt.head").signing_capacity == User.Capacity.HEAD


def test_another_province_codes_are_unknown(cast):
    """The board of Cao Bằng imports into Cao Bằng: Nam Định's codes mean nothing there."""
    data = workbook(members=[["KHVHXH", 2023, "YT", "x", None]])
    found = [r.message for r in importer.dry_run(data, province=cast.other_province).rejected]
    assert any("Unknown bloc code KHVHXH" in m for m in found)
    assert any("Unknown unit code YT" in m for m in found)


# All or nothing ------------------------------------------------------------------


def test_one_bad_row_imports_nothing(cast, django_capture_on_commit_callbacks, mailoutbox):
    rows = {**GOOD, "accounts": [*GOOD["accounts"], ["member_head", "Ai Đó", "z@example.invalid", "YT", "", ""]]}
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        report = importer.run(workbook(**rows), actor=cast.board, province=cast.province)
    assert not report.imported
    assert [(r.sheet, r.row, r.message) for r in report.rejected] == [("Tài khoản", 6, "This user name is taken.")]
    assert report.created == {}
    assert snapshot() == before
    assert mailoutbox == []


def test_a_failure_mid_import_rolls_everything_back(cast, monkeypatch, django_capture_on_commit_callbacks, mailoutbox):
    """The accounts come last: units, blocs and years are written when the second invitation fails."""
    from accounts import services as account_services

    real_invite, calls = account_services.user_invite, []

    def failing_invite(**kwargs):
        calls.append(kwargs["username"])
        if len(calls) == 2:
            raise RuntimeError("the mail queue is full")
        return real_invite(**kwargs)

    monkeypatch.setattr(account_services, "user_invite", failing_invite)
    before = snapshot()
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        importer.run(workbook(**GOOD), actor=cast.board, province=cast.province)
    assert calls == ["nv.head", "nv.staff"]
    assert snapshot() == before
    assert mailoutbox == []


def test_a_refusal_mid_import_is_reported_on_its_row_and_rolls_back(cast, monkeypatch):
    """Another request may create a bloc between the checks and the write: the service refuses."""

    def refuse(**kwargs):
        raise registry.RegistryError("A bloc with code TH exists in this province.")

    monkeypatch.setattr(registry, "bloc_create", refuse)
    before = snapshot()
    report = importer.run(workbook(**GOOD), actor=cast.board, province=cast.province)
    assert not report.imported
    assert [(r.sheet, r.row, r.message) for r in report.rejected] == [
        ("Khối", 2, "A bloc with code TH exists in this province.")
    ]
    assert snapshot() == before  # the four units written before the refusal are gone


# The file as a whole -------------------------------------------------------------


def zip_of(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx() -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return zip_of({"[Content_Types].xml": types.encode(), "word/document.xml": b"<w:document/>"})


def xlsm() -> bytes:
    """A real workbook with a VBA project added, as Excel saves a macro-enabled file."""
    source = zipfile.ZipFile(io.BytesIO(workbook(**GOOD)))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + os.urandom(512)
    return zip_of(parts)


def xlsm_by_content_type() -> bytes:
    """The macro-enabled content type, without the VBA part's usual name."""
    source = zipfile.ZipFile(io.BytesIO(workbook(**GOOD)))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
        .replace(b"application/vnd.openxmlformats-officedocument.application/", b"application/")
    )
    return zip_of(parts)


def bomb() -> bytes:
    """A workbook of a few hundred kilobytes whose sheet unpacks to 60 MB."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = b" " * (60 * 1024 * 1024)
    return zip_of(parts)


def dense_part() -> bytes:
    """Under the 50 MB total, but one part unpacks to 1,000 times its packed size."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/sharedStrings.xml"] = b"\0" * (20 * 1024 * 1024)
    return zip_of(parts)


MALFORMED = {
    "random bytes": (lambda: os.urandom(4096), "This is not an Excel workbook (.xlsx)."),
    "a Word document": (docx, "This is not an Excel workbook (.xlsx)."),
    "a truncated workbook": (lambda: workbook(**GOOD)[:3000], "The file is damaged or incomplete"),
    "an .xls renamed": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048), "not an Excel workbook"),
    "a macro-enabled workbook": (xlsm, "Workbooks with macros (.xlsm) are refused."),
    "a macro content type": (xlsm_by_content_type, "Workbooks with macros (.xlsm) are refused."),
    "a zip bomb": (bomb, "refused as a possible zip bomb"),
    "a densely packed part": (dense_part, "refused as a possible zip bomb"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_is_refused_with_a_message(cast, name):
    build, message = MALFORMED[name]
    report = importer.dry_run(build(), province=cast.province)
    assert len(report.errors) == 1 and message in report.errors[0]
    assert not report.ok


def test_oversized_file_is_refused_before_reading(cast):
    report = importer.dry_run(b"PK\x03\x04" + bytes(importer.MAX_FILE_BYTES), province=cast.province)
    assert report.errors == ["The file is too large (at most 5 MB)."]


def test_too_many_rows_are_refused(cast):
    units = [[f"DV{n}", f"Đơn vị {n}", "", "Giám đốc"] for n in range(importer.MAX_ROWS + 1)]
    report = importer.dry_run(workbook(units=units), province=cast.province)
    assert report.errors == ["The sheet “Đơn vị” has more than 2.000 rows; split the file."]


def test_exactly_the_row_limit_is_read(cast):
    units = [[f"DV{n}", f"Đơn vị {n}", "", "Giám đốc"] for n in range(importer.MAX_ROWS)]
    report = importer.dry_run(workbook(units=units), province=cast.province)
    assert report.ok and report.planned["units"] == importer.MAX_ROWS


def test_missing_header_and_unknown_sheet_are_refused(cast):
    book = Workbook()
    book.active.title = "Đơn vị"
    book.active.append(["Mã đơn vị", "Tên đơn vị"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = importer.dry_run(buffer.getvalue(), province=cast.province)
    assert report.errors == [
        "Row 1 of the sheet “Đơn vị” must hold the column headers; missing: “Tên viết tắt”, “Chức danh thủ trưởng”."
    ]
    book.active.delete_rows(1)
    book.active.append(HEADERS["Đơn vị"])
    book.create_sheet("Sheet2")
    buffer = io.BytesIO()
    book.save(buffer)
    report = importer.dry_run(buffer.getvalue(), province=cast.province)
    assert "The workbook has a sheet “Sheet2”" in report.errors[0]


def test_sheet_names_and_headers_match_without_diacritics_and_in_any_order(cast):
    book = Workbook()
    book.active.title = "DON VI"
    book.active.append(["Chuc danh thu truong", "ma don vi", "Ten don vi", "Ten viet tat", "Ghi chú"])
    book.active.append(["Giám đốc", "NV", "Sở Nội vụ", "", "an extra column is ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = importer.run(buffer.getvalue(), actor=cast.board, province=cast.province)
    assert report.imported and report.created["units"] == 1
    assert Unit.objects.get(code="NV").head_title == "Giám đốc"


# The template --------------------------------------------------------------------


def test_template_downloads_and_reimports_cleanly(client, cast):
    client.force_login(cast.board)
    response = client.get(reverse("blocs:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [*HEADERS, "Hướng dẫn"]
    for title, headers in HEADERS.items():
        assert list(next(book[title].iter_rows(values_only=True))) == headers
    guide = " ".join(row[0] or "" for row in book["Hướng dẫn"].iter_rows(values_only=True))
    assert "Cấp phó (KT.)" in guide and "Quyền (Q.)" in guide

    report = importer.dry_run(response.content, province=cast.province)
    assert report.ok and report.row_count == 0
    before = snapshot()
    report = importer.run(response.content, actor=cast.board, province=cast.province)
    assert report.imported and sum(report.created.values()) == 0
    assert snapshot() == before


# The page ------------------------------------------------------------------------


def post(client, data: bytes, action: str, **extra):
    file = io.BytesIO(data)
    file.name = "du-lieu.xlsx"
    return client.post(reverse("blocs:import"), {"document": file, "action": action, **extra})


@pytest.fixture
def board_client(client, cast):
    client.cookies["django_language"] = "en"
    client.force_login(cast.board)
    return client


def test_page_offers_the_dry_run_the_import_and_the_template(board_client):
    page = board_client.get(reverse("blocs:import")).content.decode()
    assert 'value="dry_run"' in page and 'value="import"' in page
    assert reverse("blocs:import_template") in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="province"' not in page  # a board officer imports into its own province


def test_page_dry_run_shows_the_report_and_writes_nothing(board_client, cast):
    before = snapshot()
    response = post(board_client, workbook(**BAD), "dry_run")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Rejected rows" in page
    assert "This user name is taken." in page
    assert "The year 2024 of TH has no chair" in page
    assert snapshot() == before


def test_page_dry_run_of_a_good_file_says_so(board_client):
    response = post(board_client, workbook(**GOOD), "dry_run")
    page = response.content.decode()
    assert "Every row is accepted." in page
    assert Unit.objects.filter(code="NV").exists() is False


def test_page_import_of_a_good_file_imports_and_redirects(board_client, cast):
    response = post(board_client, workbook(**GOOD), "import")
    assert response.status_code == 302
    assert response["Location"] == reverse("blocs:import")
    assert Term.objects.filter(bloc__code="TH", year=2023).exists()
    page = board_client.get(response["Location"]).content.decode()
    assert "Imported: Units: 4; Blocs and clusters: 2; Years of a bloc: 2; Memberships: 6; User accounts: 4." in page


def test_page_import_rechecks_and_refuses_a_bad_file(board_client):
    """The import button does not trust an earlier dry run: it checks again and writes nothing."""
    before = snapshot()
    response = post(board_client, workbook(**BAD), "import")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Import: nothing was imported" in page
    assert "This user name is taken." in page
    assert snapshot() == before


@pytest.mark.parametrize("action", ["dry_run", "import"])
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_page_refuses_a_malformed_file_with_a_message(board_client, name, action):
    build, message = MALFORMED[name]
    before = snapshot()
    response = post(board_client, build(), action)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("action", ["dry_run", "import"])
def test_page_refuses_an_oversized_file_with_a_message(board_client, action):
    response = post(board_client, bytes(importer.MAX_FILE_BYTES + 1), action)
    assert response.status_code == 200
    assert "The file is too large (at most 5 MB)." in response.content.decode()


@pytest.mark.parametrize("action", ["dry_run", "import"])
def test_page_refuses_a_sheet_over_the_row_limit_naming_it(board_client, action):
    """A sheet of 2,001 accounts (2,001 invitations) is refused before any row is checked; nothing is written."""
    accounts = [[f"u{n}", f"Người {n}", f"u{n}@example.invalid", "", "", ""] for n in range(importer.MAX_ROWS + 1)]
    before = snapshot()
    response = post(board_client, workbook(accounts=accounts), action)
    assert response.status_code == 200
    assert "The sheet “Tài khoản” has more than 2.000 rows; split the file." in response.content.decode()
    assert snapshot() == before


def test_page_without_a_file_asks_for_one(board_client):
    response = board_client.post(reverse("blocs:import"), {"action": "dry_run"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_superuser_chooses_the_province(client, cast):
    client.force_login(cast.superuser)
    assert 'name="province"' in client.get(reverse("blocs:import")).content.decode()
    data = workbook(units=[["NV", "Sở Nội vụ", "", "Giám đốc"]])
    response = post(client, data, "import", province=cast.other_province.pk)
    assert response.status_code == 302
    assert Unit.objects.get(code="NV").province == cast.other_province


def test_board_of_a_merged_province_is_refused(client, cast):
    registry.province_merge(
        actor=None, sources=[cast.other_province], target=cast.province, on=datetime.date(2025, 7, 1)
    )
    client.force_login(cast.other_board)
    assert client.get(reverse("blocs:import")).status_code == 403


def test_member_staff_cannot_post_an_import(client, cast):
    client.force_login(cast.chair_officer)
    response = post(client, workbook(**GOOD), "import")
    assert response.status_code == 403
    assert not Unit.objects.filter(code="NV").exists()


def test_make_user_accounts_count_as_taken(cast):
    """Accounts created outside the import (by hand, by invitation) block the same name and address."""
    make_user("taken.name")
    data = workbook(accounts=[["Taken.Name", "Ai Đó", "TAKEN.NAME@example.invalid", "", "", ""]])
    found = [r.message for r in importer.dry_run(data, province=cast.province).rejected]
    assert found == ["This user name is taken.", "An account with this e-mail address exists."]
