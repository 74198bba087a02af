"""The national-size data set of `seed_scale`: what it builds, with bulk writes (see the command for the shape)."""

import datetime
import json
import random
import zoneinfo
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from blocs.models import (
    Bloc,
    BlocName,
    Event,
    Membership,
    Province,
    ProvinceName,
    RoleAssignment,
    Term,
    Unit,
    UnitName,
)
from core.text import fold
from ops.demo_text import PLEDGE_GROUNDS, PLEDGE_IMPLEMENTATION, PLEDGE_INTRODUCTION, PLEDGE_ITEMS
from pledges.content import HASH_VERSION, content_hash
from pledges.models import Pledge, PledgeEvent, PledgeItem, RequiredSigner, Signature
from reviews.models import (
    AdjustmentLine,
    Band,
    Criterion,
    CriterionScore,
    Review,
    ReviewEvent,
    ScoreGroup,
    ScoringTable,
    SelfAssessment,
)

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "GiaoUoc@Scale"
CODE_PREFIX = "SC"  # every province this command creates: its presence means it has run
BATCH = 2000

# The 34 provinces and cities after the 2025 reorganisation.
PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Thành phố Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
    "An Giang",
]  # fmt: skip

# Full name, short name, title of the head.
DEPARTMENTS = [
    ("Sở Tài chính", "Sở TC", "Giám đốc"),
    ("Sở Xây dựng", "Sở XD", "Giám đốc"),
    ("Sở Y tế", "Sở YT", "Giám đốc"),
    ("Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Giám đốc"),
    ("Sở Nội vụ", "Sở NV", "Giám đốc"),
    ("Sở Tư pháp", "Sở TP", "Giám đốc"),
    ("Sở Công Thương", "Sở CT", "Giám đốc"),
    ("Sở Nông nghiệp và Môi trường", "Sở NN&MT", "Giám đốc"),
    ("Sở Khoa học và Công nghệ", "Sở KH&CN", "Giám đốc"),
    ("Sở Văn hóa, Thể thao và Du lịch", "Sở VH-TT&DL", "Giám đốc"),
    ("Sở Dân tộc và Tôn giáo", "Sở DT&TG", "Giám đốc"),
    ("Sở Ngoại vụ", "Sở NgV", "Giám đốc"),
    ("Thanh tra tỉnh", "Thanh tra", "Chánh Thanh tra"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND", "Chánh Văn phòng"),
    ("Ban Quản lý các khu công nghiệp", "BQL KCN", "Trưởng ban"),
    ("Đài Phát thanh và Truyền hình tỉnh", "Đài PT-TH", "Giám đốc"),
    ("Bảo hiểm xã hội tỉnh", "BHXH", "Giám đốc"),
    ("Kho bạc Nhà nước khu vực", "KBNN", "Giám đốc"),
    ("Cục Thuế tỉnh", "Cục Thuế", "Cục trưởng"),
    ("Công an tỉnh", "Công an", "Giám đốc"),
]
COMMUNE_WORDS = ["Tân", "Phú", "An", "Hòa", "Bình", "Thạnh", "Long", "Xuân", "Đông", "Tây", "Nam", "Bắc", "Hưng"]
BLOC_THEMES = [
    "Khoa học - Văn hoá - Xã hội",
    "Tổng hợp - Nội chính",
    "Kinh tế - Tài chính",
    "Nông nghiệp - Tài nguyên",
    "Các cơ quan Trung ương đóng trên địa bàn",
    "Doanh nghiệp Nhà nước",
    "Các trường cao đẳng, trung cấp",
    "Các bệnh viện tuyến tỉnh",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Quốc", "Thanh", "Thu", "Hữu", "Xuân"]
GIVEN = ["Hùng", "Hà", "Thắng", "Hoà", "Lộc", "Thuỷ", "Vinh", "Ánh", "Yến", "Toản", "Hương", "Đức", "Thành", "Mến"]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def _at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIETNAM)


def _version_on(versions: list, day: datetime.date):
    """Return the version in force on *day*, as ``DatedNamesMixin.version_on`` does (sorted by valid_from)."""
    chosen = versions[0]
    for version in versions:
        if version.valid_from is None or version.valid_from <= day:
            chosen = version
    return chosen


def _verification_code(number: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    text = ""
    for _ in range(10):
        number, digit = divmod(number, len(alphabet))
        text += alphabet[digit]
    return text


class ScaleSeeder:
    """Build provinces, units, users, blocs, terms, pledges and reviews in bulk, reproducibly from *random_seed*."""

    def __init__(self, *, random_seed: int, years: int):
        self.random = random.Random(random_seed)
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - years + 1, self.today.year + 1))

    def build(self, *, provinces: int, blocs: int, members: int) -> None:
        """Write the whole data set in one transaction."""
        with transaction.atomic():
            self._registry(provinces, blocs, members)
            self._users()
            self._terms()
            self._pledges()
            self._reviews()

    # The registry ------------------------------------------------------------------------------

    def _registry(self, province_count: int, bloc_count: int, members: int) -> None:
        self.provinces = Province.objects.bulk_create(
            Province(code=f"{CODE_PREFIX}-{p + 1:02d}", name=self._province_name(p)) for p in range(province_count)
        )
        ProvinceName.objects.bulk_create(ProvinceName(province=p, valid_from=None, name=p.name) for p in self.provinces)
        self.province_of_bloc, units = [], []
        for b in range(bloc_count):
            province = self.provinces[b % province_count]
            self.province_of_bloc.append(province)
            for m in range(members):
                units.append(self._unit(province, b, m, len(units)))
        self.units = Unit.objects.bulk_create(units, batch_size=BATCH)
        # A tenth of the units were renamed on 1 March of the second year: the pages must show the dated names.
        renamed_on = datetime.date(self.years[min(1, len(self.years) - 1)], 3, 1)
        versions = []
        self.versions = {}
        for unit in self.units:
            first = UnitName(unit=unit, valid_from=None, name=unit.name, short_name=unit.short_name,
                             head_title=unit.head_title)  # fmt: skip
            self.versions[unit.pk] = [first]
            versions.append(first)
            if unit.pk % 10 == 3:
                renamed = UnitName(
                    unit=unit,
                    valid_from=renamed_on,
                    name=f"{unit.name} (hợp nhất)",
                    short_name=unit.short_name,
                    head_title=unit.head_title,
                )
                self.versions[unit.pk].append(renamed)
                versions.append(renamed)
        UnitName.objects.bulk_create(versions, batch_size=BATCH)
        self.blocs = Bloc.objects.bulk_create(
            (
                Bloc(
                    province=province,
                    kind=Bloc.Kind.BLOC if b % 3 else Bloc.Kind.CLUSTER,
                    code=f"K{b + 1:04d}",
                    name=self._bloc_name(b, b // province_count),
                    description="Khối thi đua do Ban Thi đua - Khen thưởng tỉnh tổ chức.",
                )
                for b, province in enumerate(self.province_of_bloc)
            ),
            batch_size=BATCH,
        )
        BlocName.objects.bulk_create(
            (BlocName(bloc=b, valid_from=None, name=b.name) for b in self.blocs), batch_size=BATCH
        )
        self.bloc_units = [self.units[b * members : (b + 1) * members] for b in range(bloc_count)]

    def _province_name(self, index: int) -> str:
        name = PROVINCES[index % len(PROVINCES)]
        return name if index < len(PROVINCES) else f"{name} {index // len(PROVINCES) + 1}"

    def _bloc_name(self, index: int, in_province: int) -> str:
        if index % 3 == 0:
            return f"Cụm thi đua số {in_province + 1}"
        theme = BLOC_THEMES[in_province % len(BLOC_THEMES)]
        suffix = f" {in_province // len(BLOC_THEMES) + 1}" if in_province >= len(BLOC_THEMES) else ""
        return f"Khối thi đua {theme}{suffix}"

    def _unit(self, province: Province, bloc_index: int, member_index: int, number: int) -> Unit:
        if bloc_index < len(self.provinces) and member_index < len(DEPARTMENTS):
            name, short, title = DEPARTMENTS[member_index]
        else:
            words = self.random.sample(COMMUNE_WORDS, 2)
            name = f"Ủy ban nhân dân xã {words[0]} {words[1]} {number}"
            short, title = f"UBND xã {words[0]} {words[1]} {number}", "Chủ tịch"
        code = f"{province.code[3:]}U{number:05d}"
        return Unit(
            province=province,
            code=code,
            name=name,
            short_name=short,
            head_title=title,
            search_text=fold(f"{code} {name} {short}"),  # as Unit.save() would
        )

    def _person(self, middle: str | None = None) -> str:
        pick = self.random.choice
        return f"{pick(FAMILY)} {middle or pick(MIDDLE)} {pick(GIVEN)}"

    def _users(self) -> None:
        password = make_password(PASSWORD)  # one hash for everybody: hashing 20,000 times would take minutes
        users = [
            User(
                username=f"sc{p + 1:02d}.board",
                full_name=self._person(),
                province=province,
                position="Chuyên viên Ban Thi đua - Khen thưởng",
                password=password,
            )
            for p, province in enumerate(self.provinces)
        ]
        for unit in self.units:
            deputy = unit.pk % 7 == 0
            users.append(
                User(
                    username=f"{unit.code.lower()}.head",
                    full_name=self._person(),
                    unit=unit,
                    position=f"Phó {unit.head_title.lower()}" if deputy else unit.head_title,
                    can_sign=True,
                    signing_capacity=User.Capacity.DEPUTY if deputy else User.Capacity.HEAD,
                    password=password,
                )
            )
            users.append(
                User(
                    username=f"{unit.code.lower()}.staff",
                    full_name=self._person(),
                    unit=unit,
                    position="Chuyên viên",
                    password=password,
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        self.board_of = {u.province_id: u for u in users if u.province_id}
        self.head_of = {u.unit_id: u for u in users if u.unit_id and u.can_sign}
        self.staff_of = {u.unit_id: u for u in users if u.unit_id and not u.can_sign}

    # Years -------------------------------------------------------------------------------------

    def _terms(self) -> None:
        terms = []
        for b, bloc in enumerate(self.blocs):
            units = self.bloc_units[b]
            for y, year in enumerate(self.years):
                # The chair rotates each year and last year's vice-chair takes over, as in the demo.
                terms.append(
                    Term(
                        bloc=bloc,
                        year=year,
                        chair=units[y % len(units)],
                        vice_chair=units[(y + 1) % len(units)],
                        roles_reference=f"Biên bản hội nghị tổng kết năm {year - 1}",
                    )
                )
        self.terms = Term.objects.bulk_create(terms, batch_size=BATCH)
        memberships, roles, events = [], [], []
        units_of_bloc = {bloc.pk: self.bloc_units[b] for b, bloc in enumerate(self.blocs)}
        for term in self.terms:
            bloc, first_day = term.bloc, datetime.date(term.year, 1, 1)
            board = self.board_of[bloc.province_id]
            for order, unit in enumerate(units_of_bloc[bloc.pk]):
                memberships.append(Membership(term=term, unit=unit, joined_on=first_day, order=order))
            roles.append(
                RoleAssignment(
                    term=term,
                    chair=term.chair,
                    vice_chair=term.vice_chair,
                    reference=term.roles_reference,
                    effective_on=first_day,
                    actor=board,
                )
            )
            for kind, summary in (
                (Event.Kind.TERM_CREATED, f"Tạo năm thi đua {term.year} của {bloc.name}"),
                (Event.Kind.ROLES_ASSIGNED, f"Khối trưởng: {term.chair.name}; Khối phó: {term.vice_chair.name}"),
            ):
                events.append(
                    Event(
                        province_id=bloc.province_id,
                        bloc=bloc,
                        term=term,
                        actor=board,
                        kind=kind,
                        summary=summary,
                        details={"year": term.year},
                    )
                )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
        Event.objects.bulk_create(events, batch_size=BATCH)
        self.units_of_bloc = units_of_bloc

    # Pledges -----------------------------------------------------------------------------------

    def _state(self, term: Term, index: int) -> str:
        """Return the pledge state of *term*: every state in the current year, mostly completed before."""
        if term.year < self.today.year:
            return "cancelled+completed" if index % 20 == 7 else "completed"
        return ["open", "open", "open", "completed", "draft", "open", "overdue", "completed", "cancelled", "open"][
            index % 10
        ]

    def _pledges(self) -> None:
        pledges, plans = [], []
        for index, term in enumerate(self.terms):
            state = self._state(term, index)
            if state == "cancelled+completed":
                plans.append((term, "cancelled", index))
                plans.append((term, "completed", index))
            else:
                plans.append((term, state, index))
        for number, (term, state, _index) in enumerate(plans, start=1):
            pledges.append(self._pledge(term, state, number))
        self.pledges = Pledge.objects.bulk_create(pledges, batch_size=BATCH)
        items, signers, signatures, events = [], [], [], []
        for pledge, (term, state, index) in zip(self.pledges, plans, strict=True):
            pledge_items = [
                PledgeItem(pledge=pledge, position=position, text=text)
                for position, text in enumerate(PLEDGE_ITEMS, start=1)
            ]
            items.extend(pledge_items)
            board = self.board_of[term.bloc.province_id]
            events.append(
                PledgeEvent(pledge=pledge, actor=board, kind=PledgeEvent.Kind.CREATED, created_at=pledge.created_at)
            )
            if state == "draft":
                continue
            units = self.units_of_bloc[term.bloc_id]
            required = [
                RequiredSigner(
                    pledge=pledge,
                    unit=unit,
                    order=order,
                    unit_name=_version_on(self.versions[unit.pk], pledge.signing_date).name,
                    head_title=_version_on(self.versions[unit.pk], pledge.signing_date).head_title,
                )
                for order, unit in enumerate(units, start=1)
            ]
            signers.extend(required)
            # The hash the services would freeze: computed from the same in-memory rows that are written.
            pledge.content_hash = content_hash(pledge, pledge_items, required)
            events.append(
                PledgeEvent(
                    pledge=pledge,
                    actor=board,
                    kind=PledgeEvent.Kind.OPENED,
                    created_at=pledge.opened_at,
                    details={"content_hash": pledge.content_hash, "deadline": pledge.signing_deadline.isoformat()},
                )
            )
            if state == "completed":
                signing = units
            elif state == "cancelled":
                signing = units[: len(units) // 3]
            else:  # open or overdue: some have signed
                signing = units[: (index * 7) % len(units)]
            for n, unit in enumerate(signing):
                signed_at = pledge.opened_at + datetime.timedelta(hours=1 + n)
                signatures.append(self._signature(pledge, unit, signed_at, n))
                events.append(
                    PledgeEvent(
                        pledge=pledge,
                        actor=self.head_of[unit.pk],
                        kind=PledgeEvent.Kind.SIGNED,
                        created_at=signed_at,
                        ip=signatures[-1].ip,
                        user_agent=USER_AGENT,
                        details={"unit": signatures[-1].unit_name, "kind": signatures[-1].kind},
                    )
                )
            last = pledge.completed_at or pledge.cancelled_at
            if state in ("completed", "cancelled"):
                kind = PledgeEvent.Kind.COMPLETED if state == "completed" else PledgeEvent.Kind.CANCELLED
                details = {"reason": pledge.cancel_reason} if state == "cancelled" else {}
                events.append(PledgeEvent(pledge=pledge, actor=board, kind=kind, created_at=last, details=details))
        Pledge.objects.bulk_update(self.pledges, ["content_hash"], batch_size=BATCH)
        PledgeItem.objects.bulk_create(items, batch_size=BATCH)
        RequiredSigner.objects.bulk_create(signers, batch_size=BATCH)
        Signature.objects.bulk_create(signatures, batch_size=BATCH)
        PledgeEvent.objects.bulk_create(events, batch_size=BATCH)

    def _pledge(self, term: Term, state: str, number: int) -> Pledge:
        bloc = term.bloc
        current = term.year == self.today.year
        if current and state in ("open", "draft"):
            signing_date = self.today + datetime.timedelta(days=7)
        else:
            signing_date = datetime.date(term.year, 3, 30)
        if state == "overdue":
            signing_date = min(self.today - datetime.timedelta(days=30), datetime.date(term.year, 3, 30))
        bloc_name = bloc.name  # one bloc name version: its name on every day
        created = _at(signing_date - datetime.timedelta(days=40))
        pledge = Pledge(
            term=term,
            status={"overdue": "open"}.get(state, state),
            title=f"Giao ước thi đua năm {term.year}",
            place=bloc.province.name,
            signing_date=signing_date,
            legal_grounds=PLEDGE_GROUNDS.replace("Khối thi đua các sở, ngành Khoa học - Văn hoá - Xã hội", bloc_name),
            introduction=PLEDGE_INTRODUCTION,
            slogan="Đoàn kết - Đổi mới - Sáng tạo - Hoàn thành xuất sắc nhiệm vụ",
            implementation=PLEDGE_IMPLEMENTATION,
            created_at=created,
        )
        if state == "draft":
            return pledge
        pledge.bloc_name, pledge.issuing_body = bloc_name, bloc_name.upper()
        pledge.hash_version = HASH_VERSION
        pledge.opened_at = created + datetime.timedelta(days=20)
        pledge.signing_deadline = (
            signing_date + datetime.timedelta(days=10)
            if state == "overdue"
            else signing_date + datetime.timedelta(days=21)
        )
        pledge.verification_code = _verification_code(number * 7919 + 12345)
        if state == "completed":
            pledge.completed_at = _at(signing_date, 11)
        if state == "cancelled":
            pledge.cancelled_at = _at(signing_date - datetime.timedelta(days=5), 15)
            pledge.cancel_reason = "Sai tên đơn vị thành viên; soạn lại giao ước."
        return pledge

    def _signature(self, pledge: Pledge, unit: Unit, signed_at: datetime.datetime, n: int) -> Signature:
        head = self.head_of[unit.pk]
        version = _version_on(self.versions[unit.pk], signed_at.date())
        capacity, capacity_title = head.capacity_lines(version.head_title)
        return Signature(
            pledge=pledge,
            unit=unit,
            signer=head,
            unit_name=version.name,
            signer_name=head.full_name,
            signer_position=head.position,
            capacity=capacity,
            capacity_title=capacity_title,
            kind=Signature.Kind.DRAWN if n % 3 else Signature.Kind.TYPED,
            signed_at=signed_at,
            ip=f"10.{unit.pk % 250}.{n % 250}.{(unit.pk // 250) % 250 + 1}",
            user_agent=USER_AGENT,
            content_hash=pledge.content_hash,
            form_token=f"scale-{pledge.pk}-{unit.pk}",
        )

    # Year-end reviews --------------------------------------------------------------------------

    def _reviews(self) -> None:
        """Close the review of a third of last year's terms, and open self-assessment for a fifth of this year's."""
        data = json.loads(
            (Path(__file__).resolve().parents[1] / "reviews" / "data" / "scoring-table-100.json").read_text("utf-8")
        )
        closed = [t for i, t in enumerate(self.terms) if t.year == self.today.year - 1 and i % 3 == 0]
        opened = [t for i, t in enumerate(self.terms) if t.year == self.today.year and i % 5 == 0]
        terms = closed + opened
        if not terms:
            return
        tables = ScoringTable.objects.bulk_create(
            (
                ScoringTable(
                    term=term,
                    total=Decimal(str(data["total"])),
                    bonus_limit=self._decimal((data.get("bonus") or {}).get("limit")),
                    penalty_limit=self._decimal((data.get("penalty") or {}).get("limit")),
                    frozen_at=_at(datetime.date(term.year, 12, 1)),
                    created_at=_at(datetime.date(term.year, 11, 20)),
                )
                for term in terms
            ),
            batch_size=BATCH,
        )
        groups = ScoreGroup.objects.bulk_create(
            (
                ScoreGroup(table=table, code=group["code"], title=group["title"], order=g)
                for table in tables
                for g, group in enumerate(data["groups"], start=1)
            ),
            batch_size=BATCH,
        )
        per_table = len(data["groups"])
        criteria = []
        for i, group in enumerate(groups):
            spec = data["groups"][i % per_table]
            for c, criterion in enumerate(spec["criteria"], start=1):
                criteria.append(
                    Criterion(
                        group=group,
                        code=criterion["code"],
                        title=criterion.get("title", ""),
                        max_points=Decimal(str(criterion["max"])),
                        pledge_item_number=criterion.get("pledge_item"),
                        order=c,
                    )
                )
        criteria = Criterion.objects.bulk_create(criteria, batch_size=BATCH)
        criteria_per_table = len(criteria) // len(tables)
        lines, bands = [], []
        for table in tables:
            for kind in (AdjustmentLine.Kind.BONUS, AdjustmentLine.Kind.PENALTY):
                for n, line in enumerate((data.get(kind) or {}).get("lines", []), start=1):
                    lines.append(
                        AdjustmentLine(
                            table=table,
                            kind=kind,
                            code=line["code"],
                            title=line.get("title", ""),
                            points=Decimal(str(line["points"])),
                            repeatable=bool(line.get("repeatable")),
                            order=n,
                        )
                    )
            for n, band in enumerate(data.get("bands", []), start=1):
                bands.append(
                    Band(
                        table=table,
                        name=band["name"],
                        min_total=Decimal(str(band["min_total"])),
                        min_share=Decimal(str(band.get("min_share_per_criterion", 0))),
                        order=n,
                    )
                )
        AdjustmentLine.objects.bulk_create(lines, batch_size=BATCH)
        Band.objects.bulk_create(bands, batch_size=BATCH)
        reviews = Review.objects.bulk_create(
            (
                Review(
                    term=term,
                    status=Review.Status.CLOSED if term.year < self.today.year else Review.Status.SELF_ASSESSMENT,
                    deadline=datetime.date(term.year, 12, 20),
                    opened_at=_at(datetime.date(term.year, 12, 1)),
                    closed_at=_at(datetime.date(term.year, 12, 27), 16) if term.year < self.today.year else None,
                )
                for term in terms
            ),
            batch_size=BATCH,
        )
        assessments, review_events, plan = [], [], []
        for r, (review, term) in enumerate(zip(reviews, terms, strict=True)):
            closing = review.status == Review.Status.CLOSED
            day = datetime.date(term.year, 12, 31)
            for n, unit in enumerate(self.units_of_bloc[term.bloc_id]):
                submitted = closing or n % 2 == 0
                assessment = SelfAssessment(
                    review=review,
                    unit=unit,
                    unit_name=_version_on(self.versions[unit.pk], day).name,
                    status=SelfAssessment.Status.SUBMITTED if submitted else SelfAssessment.Status.DRAFT,
                    submitted_by=self.head_of[unit.pk] if submitted else None,
                    submitted_at=_at(datetime.date(term.year, 12, 12 + n % 8)) if submitted else None,
                )
                assessments.append(assessment)
                plan.append((assessment, criteria[r * criteria_per_table : (r + 1) * criteria_per_table]))
            review_events.append(
                ReviewEvent(term=term, kind=ReviewEvent.Kind.OPENED, created_at=review.opened_at, details={})
            )
        assessments = SelfAssessment.objects.bulk_create(assessments, batch_size=BATCH)
        scores, totals = [], {}
        for assessment, table_criteria in plan:
            if assessment.status != SelfAssessment.Status.SUBMITTED:
                continue
            total = Decimal("0")
            for criterion in table_criteria:
                # Between 80 % and 100 % of the maximum, in half points.
                points = (criterion.max_points * Decimal(self.random.randint(160, 200)) / 200).quantize(Decimal("0.5"))
                scores.append(
                    CriterionScore(
                        assessment=assessment,
                        criterion=criterion,
                        self_score=points,
                        evidence_note="Báo cáo tổng kết năm, số liệu kèm theo.",
                    )
                )
                total += points
            totals.setdefault(assessment.review_id, []).append((assessment.unit_name, total))
        CriterionScore.objects.bulk_create(scores, batch_size=BATCH)
        for review, term in zip(reviews, terms, strict=True):
            if review.status != Review.Status.CLOSED:
                continue
            ranked = sorted(totals.get(review.pk, []), key=lambda row: -row[1])
            ranking = [
                {
                    "unit": name,
                    "base": str(total),
                    "bonus": "0",
                    "penalty": "0",
                    "total": str(total),
                    "band": "Xuất sắc" if total >= 90 else "Tốt",
                    "rank": rank,
                }
                for rank, (name, total) in enumerate(ranked, start=1)
            ]
            review_events.append(
                ReviewEvent(
                    term=term, kind=ReviewEvent.Kind.CLOSED, created_at=review.closed_at, details={"ranking": ranking}
                )
            )
        ReviewEvent.objects.bulk_create(review_events, batch_size=BATCH)

    @staticmethod
    def _decimal(value) -> Decimal | None:
        return None if value is None else Decimal(str(value))
