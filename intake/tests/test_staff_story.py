"""The issue's "done": a staff member fills the template with 300 rows the way a lower unit
would, uploads, fixes the three rows the preview flags, confirms, and the figures change by
exactly those rows."""

import datetime
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.urls import reverse

from intake.models import BatchStatus, ImportBatch
from registry.choices import UnitType
from registry.exports import COLUMNS
from registry.models import Registration
from registry.tests.factories import make_unit

from .conftest import fill_template

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POSITION = {column.key: index for index, column in enumerate(COLUMNS)}
BAD_ROWS = {50: "unit", 120: "date", 250: "person"}


def counts_per_unit_year():
    return Counter(
        {
            (row["unit"], row["year"]): row["n"]
            for row in Registration.objects.alive().values("unit", "year").annotate(n=Count("pk"))
        }
    )


def lower_unit_rows(tree, town, broken):
    """300 rows as lower units write them: abbreviations, missing diacritics, dates as text."""
    spellings = {
        tree.commune: ["X. Cẩm Giàng", "xa cam giang", "ĐU xã Cẩm Giàng", "BT-CG"],
        tree.cell: ["CB thôn Nà Phải", "chi bo thon na phai", "Chi bộ thôn  Nà Phải"],
        town: ["TT. Phủ Thông", "TT Phu Thong", "thi tran phu thong"],
    }
    fields = ["Kinh tế", "kinh te", "Xây dựng nông thôn mới", "An ninh trat tu", "Van hoa - xa hoi"]
    units = list(spellings)
    rows, expected = [], Counter()
    for i in range(300):
        unit = units[i % 3]
        values = [""] * len(COLUMNS)
        values[POSITION["unit"]] = spellings[unit][i % len(spellings[unit])]
        values[POSITION["name"]] = f"Mô hình dân vận khéo số {i + 1}"
        individual = i % 7 == 0
        values[POSITION["kind"]] = "Cá nhân" if individual else "Tap the"
        if individual:
            values[POSITION["person_name"]] = f"Nguyễn Văn {i}"
            values[POSITION["person_position"]] = "Trưởng thôn"
        values[POSITION["field"]] = fields[i % len(fields)]
        values[POSITION["year"]] = 2025
        day = 1 + i % 28
        values[POSITION["registered_on"]] = (
            f"{day:02d}/03/2025" if i % 2 else datetime.date(2025, 3, day)  # text or a real date
        )
        values[POSITION["people_reached"]] = "1.759" if i % 5 == 0 else 120 + i
        values[POSITION["money_mobilised"]] = "135.000.000" if i % 4 == 0 else ""
        number = i + 3  # row 1 is the header, row 2 the template's example
        if broken and BAD_ROWS.get(number) == "unit":
            values[POSITION["unit"]] = "X. Cẩm Giàg"
        if broken and BAD_ROWS.get(number) == "date":
            values[POSITION["registered_on"]] = "31/02/2025"
        if broken and BAD_ROWS.get(number) == "person":
            values[POSITION["kind"]] = "Cá nhân"
            values[POSITION["person_name"]] = ""
        rows.append(values)
        expected[(unit.pk, 2025)] += 1
    return rows, expected


def test_a_staff_member_imports_300_rows_after_fixing_the_three_the_preview_flags(
    tree, client_for, tally_is_live
):
    town = make_unit("Đảng ủy thị trấn Phủ Thông", tree.a, UnitType.COMMUNE, code="BT-PT")
    client = client_for(tree.editor_a)
    template = client.get(reverse("intake:template")).content
    before = counts_per_unit_year()

    rows, _expected = lower_unit_rows(tree, town, broken=True)
    client.post(
        reverse("intake:upload"),
        {"file": SimpleUploadedFile("xa.xlsx", fill_template(template, rows), XLSX)},
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.counts == {"create": 297, "error": 3}
    flagged = {row.number: row.errors for row in batch.rows.filter(action="error")}
    assert set(flagged) == set(BAD_ROWS)
    assert flagged[50][0]["column"] == "B – Đơn vị" and "Đảng ủy xã Cẩm Giàng" in flagged[50][0]["message"]
    assert flagged[120][0]["column"] == "J – Ngày đăng ký"
    assert flagged[250][0]["column"] == "E – Họ và tên cá nhân"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Xác nhận nhập" not in page and "Chưa nhập được" in page
    assert counts_per_unit_year() == before

    rows, expected = lower_unit_rows(tree, town, broken=False)
    client.post(
        reverse("intake:upload"),
        {"file": SimpleUploadedFile("xa.xlsx", fill_template(template, rows), XLSX)},
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.counts == {"create": 300}
    client.post(reverse("intake:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE

    after = counts_per_unit_year()
    assert tally_is_live()
    assert after - before == expected
    assert before - after == Counter()
    assert Registration.objects.filter(year=2025, people_reached=1759).count() == 60
    assert Registration.objects.filter(year=2025, initiative__kind="individual").count() == 43
