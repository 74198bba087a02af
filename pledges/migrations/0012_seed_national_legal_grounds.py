"""Seed the national legal grounds of the emulation and commendation rules (2024–2026).

Dates of issue are left out of the lines whose date the seed could not check (the board can
correct a line in the admin; a pledge keeps the lines it printed whatever happens here).
"""

import datetime

from django.db import migrations

NATIONAL = [
    {
        "order": 10,
        "short_name": "Luật Thi đua, khen thưởng 2022",
        "number": "06/2022/QH15",
        "text": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "valid_from": datetime.date(2024, 1, 1),
        "valid_until": None,
    },
    {
        "order": 20,
        "short_name": "Nghị định 98/2023/NĐ-CP",
        "number": "98/2023/NĐ-CP",
        "text": (
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết"
            " thi hành một số điều của Luật Thi đua, khen thưởng;"
        ),
        "valid_from": datetime.date(2024, 1, 1),
        "valid_until": datetime.date(2025, 6, 30),
    },
    {
        "order": 20,
        "short_name": "Nghị định 152/2025/NĐ-CP",
        "number": "152/2025/NĐ-CP",
        "text": (
            "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết và hướng dẫn thi hành"
            " Luật Thi đua, khen thưởng;"
        ),
        "valid_from": datetime.date(2025, 7, 1),
        "valid_until": None,
    },
    {
        "order": 30,
        "short_name": "Thông tư 01/2024/TT-BNV",
        "number": "01/2024/TT-BNV",
        "text": (
            "Căn cứ Thông tư số 01/2024/TT-BNV của Bộ trưởng Bộ Nội vụ quy định biện pháp thi hành"
            " Luật Thi đua, khen thưởng;"
        ),
        "valid_from": datetime.date(2024, 3, 1),
        "valid_until": datetime.date(2025, 6, 30),
    },
    {
        "order": 30,
        "short_name": "Thông tư 15/2025/TT-BNV",
        "number": "15/2025/TT-BNV",
        "text": (
            "Căn cứ Thông tư số 15/2025/TT-BNV của Bộ trưởng Bộ Nội vụ quy định chi tiết một số điều"
            " của Luật Thi đua, khen thưởng;"
        ),
        # The effective date was not checked: 01/07/2025, with the decree it implements.
        "valid_from": datetime.date(2025, 7, 1),
        "valid_until": None,
    },
]


def seed(apps, schema_editor):
    LegalGround = apps.get_model("pledges", "LegalGround")
    for ground in NATIONAL:
        LegalGround.objects.get_or_create(province=None, number=ground["number"], defaults=ground)


def unseed(apps, schema_editor):
    LegalGround = apps.get_model("pledges", "LegalGround")
    LegalGround.objects.filter(province=None, number__in=[g["number"] for g in NATIONAL]).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0011_legal_grounds")]

    operations = [migrations.RunPython(seed, unseed)]
