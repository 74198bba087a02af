"""Create the demo: the seed article's bloc in Nam Định, its years 2022–2025 (the
2022 pledge signed, the 2022 year-end review closed and its ballot on award proposals
held) with the 2025 reorganisation, the merger into Ninh Bình, and a second province.

Idempotent: a second run changes nothing and prints the accounts again.
"""

import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from blocs import services
from blocs.models import Province, Term, Unit
from core import clock
from core.images import typed_signature_png
from ops import testpki
from ops.demo_text import PLEDGE_GROUNDS, PLEDGE_IMPLEMENTATION, PLEDGE_INTRODUCTION, PLEDGE_ITEMS
from pledges import services as pledge_services
from reviews.demo import seed_ballot_2022, seed_dossier_2022, seed_review_2022
from reviews.models import Review

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

DEMO_PASSWORD = "GiaoUoc@2022"

# code, full name, short name, head title, head's name, staff's name
NAM_DINH_BLOC_UNITS = testpki.NAM_DINH_BLOC_UNITS
NAM_DINH_OTHER_UNITS = [
    ("NV", "Sở Nội vụ", "Sở Nội vụ", "Giám đốc", "Đinh Văn Quý", "Phạm Thị Hằng"),
    ("TC", "Sở Tài chính", "Sở Tài chính", "Giám đốc", None, None),
    ("TP", "Sở Tư pháp", "Sở Tư pháp", "Giám đốc", None, None),
    ("TTR", "Thanh tra tỉnh", "Thanh tra tỉnh", "Chánh Thanh tra", None, None),
]
NINH_BINH_UNITS = [
    ("KHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", "Giám đốc", "Lã Văn Tuấn", "Tống Thị Huyền"),
    ("GDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Giám đốc", None, None),
    ("VHTT", "Sở Văn hóa và Thể thao", "Sở VH&TT", "Giám đốc", None, None),
    ("YT", "Sở Y tế", "Sở Y tế", "Giám đốc", None, None),
    ("NV", "Sở Nội vụ", "Sở Nội vụ", "Giám đốc", None, None),
]
CAO_BANG_UNITS = [
    ("CT", "Sở Công Thương", "Sở CT", "Giám đốc", "Nông Văn Khải", "Hà Thị Mai"),
    ("XD", "Sở Xây dựng", "Sở XD", "Giám đốc", None, None),
    ("NNMT", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", "Giám đốc", None, None),
    ("TC", "Sở Tài chính", "Sở Tài chính", "Giám đốc", None, None),
]

# The clerks (văn thư) of the demo's current bloc, who add their agency's seal in ký số mode.
DEMO_CLERKS = [
    ("KHCN", "Đỗ Thị Thanh"),
    ("BDT", "Hoàng Văn Nam"),
    ("GDDT", "Vũ Thị Lan"),
    ("VHTT", "Trần Thị Mai"),
    ("YT", "Phạm Văn Hải"),
]
# The development CSC server run.sh configures (certomancer-csc-dummy, ops/testpki.py).
DEMO_PROVIDER = "thu-nghiem"

KHVHXH = "Khối thi đua các sở, ngành Khoa học - Văn hoá - Xã hội"


class Command(BaseCommand):
    help = (
        "Create the demo bloc, its years and accounts (idempotent). Development only: with DEBUG off it "
        "refuses unless --force, which gives the accounts fresh random passwords instead of the published one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off (a training server), with fresh random passwords printed once.",
        )

    def handle(self, *args, **options):
        # The published password opens every demo account, the superuser's too: never on a real server.
        self.development = settings.DEMO_PASSWORD_ALLOWED
        if not self.development and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like a production server, and the demo's accounts share a published "
                "password. Nothing was created. To seed a training server anyway, run seed_demo --force: the "
                "accounts then get fresh random passwords, printed once."
            )
        if Province.objects.filter(code="NDH").exists():
            self.stdout.write("The demo data exists already; nothing changed.")
            self.passwords = None
        else:
            self.passwords = self.choose_passwords()
            with transaction.atomic():
                self.seed()
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.print_accounts()

    def choose_passwords(self) -> dict[str, str]:
        """Return the superuser's and the other accounts' passwords: the published one only in development."""
        if self.development:
            return {"superuser": DEMO_PASSWORD, "others": DEMO_PASSWORD}
        return {"superuser": secrets.token_urlsafe(18), "others": secrets.token_urlsafe(12)}

    def seed(self):
        # Hash once each: the same for every demo account.
        self.password = make_password(self.passwords["others"])
        self.superuser_password = make_password(self.passwords["superuser"])
        nd = services.province_create(actor=None, code="NDH", name="Nam Định")
        # Since the 2025 reorganisation the board sits in Sở Nội vụ; Nam Định's 2022 board kept its old name.
        nb = services.province_create(
            actor=None,
            code="NBH",
            name="Ninh Bình",
            board_name="Sở Nội vụ tỉnh Ninh Bình (Phòng Thi đua - Khen thưởng)",
        )
        cb = services.province_create(actor=None, code="CBG", name="Cao Bằng")
        self.user("admin", "Quản trị hệ thống", is_superuser=True)
        nd_board = self.user(
            "bandtk.namdinh", "Nguyễn Văn Bình", province=nd, position="Chuyên viên Ban Thi đua - Khen thưởng"
        )
        nb_board = self.user(
            "bandtk.ninhbinh", "Phạm Thị Lan", province=nb, position="Chuyên viên Ban Thi đua - Khen thưởng"
        )
        cb_board = self.user(
            "bandtk.caobang", "Lục Văn Sơn", province=cb, position="Chuyên viên Ban Thi đua - Khen thưởng"
        )

        nd_units = self.units(nd, nd_board, NAM_DINH_BLOC_UNITS + NAM_DINH_OTHER_UNITS, prefix="")
        nb_units = self.units(nb, nb_board, NINH_BINH_UNITS, prefix="nb-")
        cb_units = self.units(cb, cb_board, CAO_BANG_UNITS, prefix="cb-")

        # The seed article's bloc and its 2022 term.
        bloc = services.bloc_create(
            actor=nd_board,
            province=nd,
            kind="khoi",
            code="KHVHXH",
            name=KHVHXH,
            description="Khối thi đua của bài viết gốc: ký kết giao ước thi đua ngày 30/3/2022.",
        )
        members = [nd_units[row[0]] for row in NAM_DINH_BLOC_UNITS]
        term = services.term_create(
            actor=nd_board,
            bloc=bloc,
            year=2022,
            units=members,
            chair=nd_units["KHCN"],
            vice_chair=nd_units["LDTBXH"],
            reference="Biên bản Hội nghị tổng kết công tác thi đua năm 2021",
        )
        # 2023 and 2024 follow the rotation that the rollover proposes.
        for _ in (2023, 2024):
            proposal = services.term_rollover_proposal(term)
            term = services.term_rollover(
                actor=nd_board,
                term=term,
                units=proposal.units,
                chair=proposal.chair,
                vice_chair=proposal.vice_chair,
                reference=f"Biên bản Hội nghị tổng kết công tác thi đua năm {term.year}",
            )
        # For 2025 the bloc chose KH&CN and LĐ-TB&XH instead of the rotation.
        proposal = services.term_rollover_proposal(term)
        term_2025 = services.term_rollover(
            actor=nd_board,
            term=term,
            units=proposal.units,
            chair=nd_units["KHCN"],
            vice_chair=nd_units["LDTBXH"],
            reference="Biên bản Hội nghị tổng kết công tác thi đua năm 2024",
        )

        term_2022 = Term.objects.get(bloc=bloc, year=2022)
        self.pledge_2022(members=members, term=term_2022)
        # Before the 2025 reorganisation: the year-end review and its ballot need the 2022 members and their
        # users as they were.
        officer = User.objects.get(username="khcn.staff")
        if not Review.objects.filter(term=term_2022).exists():
            seed_review_2022(term=term_2022, officer=officer)
        seed_ballot_2022(term=term_2022, officer=officer, board=nd_board)
        seed_dossier_2022(term=term_2022, officer=officer, board=nd_board)

        other = services.bloc_create(
            actor=nd_board, province=nd, kind="khoi", code="THNC", name="Khối các cơ quan Tổng hợp - Nội chính"
        )
        services.term_create(
            actor=nd_board,
            bloc=other,
            year=2025,
            units=[nd_units[code] for code in ("NV", "TC", "TP", "TTR")],
            chair=nd_units["TC"],
            vice_chair=nd_units["NV"],
            reference="Biên bản Hội nghị tổng kết công tác thi đua năm 2024",
        )

        # March 2025: the reorganisation of departments.
        march = datetime.date(2025, 3, 1)
        services.unit_merge(actor=nd_board, sources=[nd_units["TTTT"]], target=nd_units["KHCN"], on=march)
        services.unit_merge(actor=nd_board, sources=[nd_units["LDTBXH"]], target=nd_units["NV"], on=march)
        services.unit_rename(
            actor=nd_board,
            unit=nd_units["BDT"],
            on=march,
            name="Sở Dân tộc và Tôn giáo",
            short_name="Sở DT&TG",
            head_title="Giám đốc",
        )
        services.unit_close(
            actor=nd_board,
            unit=nd_units["PTTH"],
            on=march,
            reason="Hợp nhất với Báo Nam Định, chuyển sang khối cơ quan Đảng",
        )

        # 01/07/2025: Nam Định merges into Ninh Bình.
        services.province_merge(actor=nb_board, sources=[nd], target=nb, on=datetime.date(2025, 7, 1))
        nb_units = {unit.code: unit for unit in Unit.objects.filter(province=nb)}
        new_bloc = services.bloc_create(
            actor=nb_board,
            province=nb,
            kind="khoi",
            code="KHVHXH",
            name=KHVHXH,
            description="Khối thi đua sau hợp nhất tỉnh Nam Định và tỉnh Ninh Bình.",
            formed_from=[bloc],
        )
        year = timezone.localdate().year
        for code, head in (
            ("BDT", "Hà Văn Thông"),
            ("GDDT", "Phạm Thị Nga"),
            ("VHTT", "Trương Quốc Việt"),
            ("YT", "Lê Minh Tâm"),
        ):
            self.user(f"nb-{code.lower()}.head", head, unit=nb_units[code], position="Giám đốc", can_sign=True)
        self.kyso(nb, nb_board, nb_units)
        nb_term = services.term_create(
            actor=nb_board,
            bloc=new_bloc,
            year=year,
            units=[nb_units[code] for code in ("KHCN", "BDT", "GDDT", "VHTT", "YT")],
            chair=nb_units["KHCN"],
            vice_chair=nb_units["YT"],
            reference=f"Quyết định phân công Khối trưởng, Khối phó năm {year}",
        )
        assert Term.objects.filter(pk=term_2025.pk).exists()
        nb_officer = User.objects.get(username="nb-khcn.staff")
        # The new bloc starts from the 2022 pledge of the bloc it was formed from, then edits it.
        source = pledge_services.pledge_copy_source(nb_term)
        pledge = pledge_services.pledge_create_from(actor=nb_officer, term=nb_term, source=source)
        pledge_services.pledge_update(
            actor=nb_officer,
            pledge=pledge,
            signing_date=timezone.localdate(),
            place="Ninh Bình",
            # Legal grounds are data per year: the law and its implementing decree changed since 2022.
            legal_grounds="Căn cứ Luật Thi đua, khen thưởng năm 2022;\n"
            "Căn cứ các văn bản quy định chi tiết thi hành Luật Thi đua, khen thưởng hiện hành;\n"
            "Căn cứ Quy chế hoạt động của Khối thi đua các sở, ngành Khoa học - Văn hoá - Xã hội tỉnh Ninh Bình.",
            slogan="Đoàn kết, đổi mới, sáng tạo, hoàn thành xuất sắc nhiệm vụ",
        )
        items = list(pledge.items.order_by("position"))
        pledge_services.item_update(
            actor=nb_officer,
            item=items[4],
            text="Xây dựng tổ chức bộ máy sau sắp xếp tinh gọn, hoạt động hiệu lực, hiệu quả; đẩy mạnh cải cách "
            "hành chính và chuyển đổi số theo Nghị quyết số 57-NQ/TW.",
        )
        pledge_services.item_move(actor=nb_officer, item=items[7], offset=-1)
        pledge_services.item_add(
            actor=nb_officer,
            pledge=pledge,
            text="Thực hiện tốt việc bàn giao, tiếp nhận nhiệm vụ và hồ sơ khi hợp nhất tỉnh, bảo đảm hoạt động "
            "thông suốt, không gián đoạn.",
        )
        pledge_services.pledge_open(
            actor=nb_officer, pledge=pledge, deadline=timezone.localdate() + datetime.timedelta(days=21)
        )

        # A second, small province that must not see the first.
        cb_bloc = services.bloc_create(
            actor=cb_board, province=cb, kind="khoi", code="KT", name="Khối thi đua các cơ quan Kinh tế"
        )
        services.term_create(
            actor=cb_board,
            bloc=cb_bloc,
            year=year,
            units=[cb_units[code] for code in ("CT", "XD", "NNMT", "TC")],
            chair=cb_units["CT"],
            vice_chair=cb_units["XD"],
            reference=f"Biên bản Hội nghị tổng kết công tác thi đua năm {year - 1}",
        )

    def kyso(self, province, board, units):
        """Ký số for the demo's current pledge: the test PKI's root as the province's trust list (when
        ``test_pki --setup`` made one: ./run.sh does), agency seals required, a clerk in each unit, and
        every head's and clerk's remote-signing account at the development CSC server (when configured)."""
        from accounts.models import RemoteSigningAccount

        for code, name in DEMO_CLERKS:
            self.user(f"nb-{code.lower()}.clerk", name, unit=units[code], position="Văn thư", is_clerk=True)
        root = settings.BASE_DIR / "var" / "pki" / "root.pem"
        if not root.is_file():
            return
        services.province_signing_set(
            actor=board, province=province, trust_list=root.read_text(), requires_agency_seal=True
        )
        if DEMO_PROVIDER not in settings.CSC_PROVIDERS:
            return
        for code, _name in DEMO_CLERKS:
            for role, username in (("head", f"nb-{code.lower()}.head"), ("agency", f"nb-{code.lower()}.clerk")):
                RemoteSigningAccount.objects.create(
                    user=User.objects.get(username=username),
                    provider=DEMO_PROVIDER,
                    credential_id=testpki.credential_id(f"nb-{code.lower()}-{role}"),
                    linked_at=clock.now(),
                )

    def pledge_2022(self, *, members, term):
        """The seed's pledge, drafted by the chair's officer and signed at the conference on 30/03/2022."""
        officer = User.objects.get(username="khcn.staff")
        with clock.fixed_at(datetime.datetime(2022, 3, 10, 9, 0, tzinfo=VIETNAM)):
            pledge = pledge_services.pledge_create(
                actor=officer,
                term=term,
                place="Nam Định",
                signing_date=datetime.date(2022, 3, 30),
                legal_grounds=PLEDGE_GROUNDS,
                introduction=PLEDGE_INTRODUCTION,
                slogan="Đoàn kết, sáng tạo, thi đua hoàn thành xuất sắc nhiệm vụ năm 2022",
                implementation=PLEDGE_IMPLEMENTATION,
                items=PLEDGE_ITEMS,
            )
            pledge = pledge_services.pledge_open(actor=officer, pledge=pledge, deadline=datetime.date(2022, 3, 30))
        heads = User.objects.filter(unit__in=members, can_sign=True).select_related("unit")
        order = [unit.pk for unit in members]
        for minute, head in enumerate(sorted(heads, key=lambda u: order.index(u.unit_id))):
            moment = datetime.datetime(2022, 3, 30, 9, 15 + minute * 3, tzinfo=VIETNAM)
            with clock.fixed_at(moment):
                pledge_services.signature_add(
                    actor=head,
                    pledge=pledge,
                    kind="typed",
                    image_png=typed_signature_png(head.full_name),
                    content_hash_seen=pledge.content_hash,
                    typed_name=head.full_name,
                    form_token=f"seed-{head.pk}",
                    ip="127.0.0.1",
                    user_agent="seed_demo",
                )

    def units(self, province, actor, rows, *, prefix):
        units = {}
        for code, name, short_name, head_title, head, staff in rows:
            unit = services.unit_create(
                actor=actor, province=province, code=code, name=name, short_name=short_name, head_title=head_title
            )
            units[code] = unit
            if head:
                self.user(f"{prefix}{code.lower()}.head", head, unit=unit, position=head_title, can_sign=True)
            if staff:
                self.user(f"{prefix}{code.lower()}.staff", staff, unit=unit, position="Chuyên viên")
        return units

    def user(
        self,
        username,
        full_name,
        *,
        unit=None,
        province=None,
        position="",
        can_sign=False,
        is_clerk=False,
        is_superuser=False,
    ):
        return User.objects.create(
            username=username,
            email=f"{username}@demo.invalid",
            full_name=full_name,
            unit=unit,
            province=province,
            position=position,
            can_sign=can_sign,
            is_clerk=is_clerk,
            is_superuser=is_superuser,
            is_staff=is_superuser,
            password=self.superuser_password if is_superuser else self.password,
        )

    def print_accounts(self):
        self.stdout.write("")
        if self.development:
            self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}, development only):")
        elif self.passwords:
            self.stdout.write(f"Superuser admin's password: {self.passwords['superuser']}")
            self.stdout.write(f"Demo accounts (password for the others: {self.passwords['others']}):")
            self.stdout.write("These passwords are printed only now: note them or set new ones.")
        else:
            self.stdout.write("Demo accounts (their passwords were printed when the demo was created):")
        users = User.objects.select_related("unit__province", "province").order_by("username")
        for user in users:
            if user.is_superuser:
                role = "superuser (/admin/)"
            elif user.unit_id is None:
                role = f"board officer, {user.province.name}"
            else:
                kind = "head" if user.can_sign else "clerk" if user.is_clerk else "staff"
                role = f"{kind}, {user.unit.name}, {user.unit.province.name}"
            self.stdout.write(f"  {user.username:<22} {user.full_name:<26} {role}")
