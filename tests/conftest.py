"""The cast shared by every test, built through the services.

One bloc ("KH-VH-XH") in Nam Định with a 2022 term of four members, and a
second province whose board must see nothing of the first.
"""

import datetime
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User
from blocs import services
from tests.kyso import kyso, kyso_settings  # noqa: F401  (fixtures)
from tests.pki import test_pki  # noqa: F401  (fixture)


def pytest_sessionfinish(session):
    """Remove the SQLite test database's WAL files: a thread's connection can outlive the database."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


# Live-server tests run the server in a thread next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_immediately():
    """Tasks run in the test, at once (huey's immediate mode, in memory); a test with a real consumer turns it off."""
    from huey.contrib.djhuey import HUEY

    was, HUEY.immediate = HUEY.immediate, True
    yield HUEY
    HUEY.immediate = was


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a page's query count must not depend on what ran before."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Each test's private files in its own folder: nothing leaks from one test to the next."""
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(scope="session")
def dev_seal(tmp_path_factory):
    """A development seal certificate of the test session, with its root."""
    from ops.management.commands.make_dev_seal import write_dev_seal

    target = tmp_path_factory.mktemp("seal") / "seal.p12"
    return target, write_dev_seal(target, "test-passphrase")


@pytest.fixture(autouse=True)
def seal_settings(settings, dev_seal):
    settings.SEAL_PKCS12, root = dev_seal
    settings.SEAL_PASSPHRASE = "test-passphrase"
    settings.SEAL_TRUST_ROOTS = [str(root)]


@pytest.fixture(scope="session")
def production_static(tmp_path_factory) -> Path:
    """The static files collected once as production serves them (hashed names, compressed, a manifest).

    For the tests that start gunicorn with DEBUG off; collecting takes about half a minute.
    """
    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DEBUG": "false", "STATIC_ROOT": str(root), "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": "collectstatic-only-9fK2mQ7xL4vR8tZ1cW6nB3hJ5dS0pG"}  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
        timeout=300,
    )
    return root


@dataclass
class Cast:
    province: object
    other_province: object
    chair_unit: object
    vice_unit: object
    member_unit: object
    member_unit_2: object
    outsider_unit: object
    bloc: object
    term: object
    other_bloc: object
    other_term: object
    board: User
    other_board: User
    chair_officer: User
    vice_head: User
    member_head: User
    member_staff: User
    outsider: User
    superuser: User


def make_user(username, *, unit=None, province=None, can_sign=False, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password="pw",
        email=f"{username}@example.invalid",
        full_name=extra.pop("full_name", username.title()),
        unit=unit,
        province=province,
        can_sign=can_sign,
        **extra,
    )


@pytest.fixture
def cast(db) -> Cast:
    province = services.province_create(actor=None, code="NDH", name="Nam Định")
    other_province = services.province_create(actor=None, code="CBG", name="Cao Bằng")
    # The board officer of the province, who set up the bloc.
    board = make_user("board", province=province, full_name="Nguyễn Văn Bình")
    # A board officer of another province: an outsider here.
    other_board = make_user("other_board", province=other_province)

    def unit(code, name, province=province):
        return services.unit_create(actor=board, province=province, code=code, name=name, head_title="Giám đốc")

    chair_unit = unit("KHCN", "Sở Khoa học và Công nghệ")
    vice_unit = unit("LDTBXH", "Sở Lao động - Thương binh và Xã hội")
    member_unit = unit("YT", "Sở Y tế")
    member_unit_2 = unit("GDDT", "Sở Giáo dục và Đào tạo")
    outsider_unit = unit("TC", "Sở Tài chính")
    bloc = services.bloc_create(
        actor=board, province=province, kind="khoi", code="KHVHXH", name="Khối Khoa học - Văn hoá - Xã hội"
    )
    term = services.term_create(
        actor=board,
        bloc=bloc,
        year=2022,
        units=[chair_unit, vice_unit, member_unit, member_unit_2],
        chair=chair_unit,
        vice_chair=vice_unit,
        reference="Biên bản tổng kết 2021",
    )
    other_bloc = services.bloc_create(
        actor=other_board, province=other_province, kind="khoi", code="KT", name="Khối Kinh tế"
    )
    other_unit = unit("CT", "Sở Công Thương", province=other_province)
    other_unit_2 = unit("XD", "Sở Xây dựng", province=other_province)
    other_term = services.term_create(
        actor=other_board,
        bloc=other_bloc,
        year=2022,
        units=[other_unit, other_unit_2],
        chair=other_unit,
        vice_chair=other_unit_2,
    )
    return Cast(
        province=province,
        other_province=other_province,
        chair_unit=chair_unit,
        vice_unit=vice_unit,
        member_unit=member_unit,
        member_unit_2=member_unit_2,
        outsider_unit=outsider_unit,
        bloc=bloc,
        term=term,
        other_bloc=other_bloc,
        other_term=other_term,
        board=board,
        other_board=other_board,
        # Staff of the chair unit: runs the bloc's year.
        chair_officer=make_user("chair_officer", unit=chair_unit),
        # The vice-chair's head: signs, stands in only when "acting" is on.
        vice_head=make_user("vice_head", unit=vice_unit, can_sign=True),
        # A member's head, with signing right.
        member_head=make_user("member_head", unit=member_unit, can_sign=True),
        # A member's staff, without signing right.
        member_staff=make_user("member_staff", unit=member_unit),
        # Staff of a unit that is in no term of the bloc: should see nothing.
        outsider=make_user("outsider", unit=outsider_unit),
        superuser=User.objects.create_superuser(username="root", password="pw", email="root@example.invalid"),
    )


JAN_1 = datetime.date(2022, 1, 1)

# The members of the seed bloc in 2022, in rotation order, as seed_demo creates them.
SEED_2022_NAMES = [
    "Sở Khoa học và Công nghệ",
    "Sở Lao động - Thương binh và Xã hội",
    "Ban Dân tộc",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Sở Giáo dục và Đào tạo",
    "Sở Thông tin và Truyền thông",
    "Sở Văn hóa và Thể thao",
    "Sở Y tế",
]


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def end_server_sessions(django_db_setup, django_db_blocker):
    """End the live server's leftover PostgreSQL sessions before the test database is dropped.

    The live server's request threads outlive the test; without this the drop
    fails with "database is being accessed by other users".
    """
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
