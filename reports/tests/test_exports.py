"""The summary workbook, read back with openpyxl."""

import datetime

import pytest
from openpyxl import load_workbook

from registry import services
from registry.choices import Kind
from reports import exports, selectors
from reports.periods import Period
from reports.tests.conftest import register

Y2023 = Period.year(2023)
TODAY = datetime.date(2024, 1, 15)


def read(user, root, period=Y2023):
    with exports.summary_workbook(user, root, period, today=TODAY) as output:
        return load_workbook(output)


def values(ws):
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def find_row(ws, first_value, column=2):
    for row in ws.iter_rows():
        if row[column - 1].value == first_value:
            return row
    raise AssertionError(f"no row {first_value!r}")


def test_workbook_has_the_five_sheets(superuser, tree):
    workbook = read(superuser, tree.p)
    assert workbook.sheetnames == [
        "Tổng hợp", "Theo lĩnh vực", "Số liệu trích dẫn", "Danh sách", "Công nhận, khen thưởng"
    ]  # fmt: skip


def test_summary_sheet_has_the_party_header_title_and_signatures(superuser, tree):
    ws = read(superuser, tree.a1)["Tổng hợp"]
    assert ws["A1"].value == "HUYỆN ỦY A"
    assert ws["A2"].value == "CHI BỘ A1"
    assert ws["A2"].font.b
    assert ws["A3"].value == "*"
    assert ws["A4"].value.startswith("Số: ")
    party = next(c for c in ws[1] if c.value == "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.font.u == "single"
    place = next(c for c in ws[4] if c.value and "ngày" in str(c.value))
    assert place.value == "A, ngày ..... tháng ..... năm 2024"  # the locality of Huyện ủy A
    assert ws["A6"].value == "BÁO CÁO TỔNG HỢP MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” NĂM 2023"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:C1" in merged
    assert "A9:A10" in merged and "B9:B10" in merged  # STT and Đơn vị span the two header rows
    assert "C9:C10" in merged  # Tổng số
    assert "D9:E9" in merged  # Chia theo loại: Tập thể, Cá nhân
    assert ws["D10"].value == "Tập thể" and ws["E10"].value == "Cá nhân"
    assert ws.row_dimensions[10].height == 48  # room for the wrapped column headers
    texts = [c for row in values(ws) for c in row if isinstance(c, str)]
    assert "NGƯỜI LẬP BIỂU" in texts and "THỦ TRƯỞNG ĐƠN VỊ" in texts


def test_summary_sheet_rows_equal_the_report_rows(superuser, tree):
    ws = read(superuser, tree.p)["Tổng hợp"]
    assert ws.freeze_panes == "C12"
    assert ws.print_title_rows == "$9:$11"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    header = [c.value for c in ws[10]]
    row_a = [c.value for c in find_row(ws, "Huyện ủy A")]
    # STT, unit, total, collective, individual, maintained, new, 4 fields, recognised (total,
    # district, province), commended, change on last year
    assert header[3:7] == ["Tập thể", "Cá nhân", "Duy trì", "Đăng ký mới"]
    assert header[11:14] == ["Tổng số", "Cấp huyện", "Cấp tỉnh"]
    assert row_a[2:] == [4, 2, 2, 2, 2, 2, 0, 1, 1, 2, 1, 1, 1, 1]
    assert find_row(ws, "Tỉnh ủy P (đăng ký trực tiếp)")[2].value == 1
    assert find_row(ws, "Huyện ủy C (đến 31/12/2022)")[-1].value == -1
    total = [c.value for c in find_row(ws, "Tổng cộng", column=1)]
    assert total[2:] == [7, 5, 2, 2, 5, 4, 0, 1, 2, 3, 2, 1, 1, 3]
    assert find_row(ws, "Tổng cộng", column=1)[2].number_format == "#,##0"
    line = next(c for row in values(ws) for c in row if isinstance(c, str) and c.startswith("Tổng số 7"))
    assert line == (
        "Tổng số 7 mô hình của 3/4 huyện, thị xã, thành phố trực thuộc; "
        "tăng 3 mô hình so với cùng kỳ năm 2022 (+75,0%)."
    )


def test_field_sheet_rolls_local_fields_into_standard_ones(superuser, tree):
    ws = read(superuser, tree.p)["Theo lĩnh vực"]
    economy = [c.value for c in find_row(ws, "Kinh tế")]
    assert economy[0] == "I"
    assert economy[2:] == [4, 3, 1, 1, 3, 3, 2, 1, 1]
    assert [c.value for c in find_row(ws, "Xây dựng nông thôn mới")][2:5] == [1, 1, 0]
    assert [c.value for c in find_row(ws, "Tổng cộng", column=1)][2] == 7


def test_list_sheet_has_one_row_per_registration_with_decisions(superuser, tree):
    ws = read(superuser, tree.p)["Danh sách"]
    rows = values(ws)[3:]
    assert len(rows) == 7
    assert ws.freeze_panes == "D4"
    assert ws.auto_filter.ref == "A3:N10"
    assert ws.print_title_rows == "$3:$3"
    r1 = next(row for row in rows if row[2] == tree.r1.initiative.name)
    assert r1[1] == "Chi bộ A1"
    assert r1[3] == "Tập thể"
    assert r1[5] == "Xây dựng nông thôn mới"
    assert r1[7] == "Đăng ký mới"
    assert r1[8] == datetime.datetime(2023, 3, 1)
    assert r1[9] == "Hiệu quả"
    assert r1[10] == "Đã tiếp nhận"
    assert r1[11] == "Cấp tỉnh"
    assert tree.province.reference in r1[12] and tree.district.reference in r1[12]
    assert r1[13].startswith("Bằng khen: 3970/QĐ-UBND ngày 15/12/2023")
    r2 = next(row for row in rows if row[2] == tree.r2.initiative.name)
    assert r2[4] == "Nguyễn Văn An"
    date_cell = next(row for row in ws.iter_rows(min_row=4) if row[2].value == tree.r1.initiative.name)[8]
    assert date_cell.number_format == "DD/MM/YYYY"


def test_decision_sheet_lists_what_each_decision_covers(superuser, tree):
    ws = read(superuser, tree.p)["Công nhận, khen thưởng"]
    rows = values(ws)[3:]
    # district: r1, r2, r5; province: r1; commendation: r1 (the deleted central one is left out)
    assert len(rows) == 5
    assert {row[2] for row in rows} == {tree.district.reference, tree.province.reference, "3970/QĐ-UBND"}
    assert ws.auto_filter.ref == "A3:K8"


def test_text_that_looks_like_a_formula_is_stored_as_text(superuser, tree, fields):
    dangerous = register(tree.a1, field=fields.economy)
    dangerous.initiative.name = '=HYPERLINK("http://example.com","bấm vào đây")'
    dangerous.initiative.person_name = "+84 912 345 678"
    dangerous.initiative.kind = Kind.INDIVIDUAL
    services.initiative_update(user=None, initiative=dangerous.initiative)
    ws = read(superuser, tree.p)["Danh sách"]
    row = next(r for r in ws.iter_rows(min_row=4) if str(r[2].value).startswith("=HYPERLINK"))
    assert row[2].data_type == "s"
    assert row[2].quotePrefix
    assert row[4].value == "+84 912 345 678"
    assert row[4].data_type == "s"
    assert row[4].quotePrefix


def test_the_export_of_unit_a_contains_nothing_of_unit_b(user_of_a, tree):
    workbook = read(user_of_a, tree.a)
    everything = " ".join(
        str(value) for ws in workbook.worksheets for row in values(ws) for value in row if value is not None
    )
    others = ["Huyện ủy B", "Chi bộ B1", "Tỉnh ủy Q", tree.r5.initiative.name]
    others.append(tree.other_root.initiative.name)
    for name in others:
        assert name not in everything
    assert len(values(workbook["Danh sách"])) == 3 + 4


@pytest.mark.parametrize("chunk_size", [2, 2000])
def test_registration_rows_are_the_same_whatever_the_chunk_size(superuser, tree, chunk_size):
    rows = list(selectors.registration_rows(superuser, tree.p, Y2023, chunk_size=chunk_size))
    assert len(rows) == 7
    assert sum(len(row["recognitions"]) for row in rows) == 4


def test_no_text_of_the_workbook_runs_as_a_formula(superuser, tree, fields):
    from registry.models import Decision, Unit
    from registry.tests.test_celltext import assert_formula_safe

    Unit.objects.filter(pk=tree.a1.pk).update(name="=Chi bộ A1")
    Decision.objects.filter(pk=tree.district.pk).update(title="@Công nhận", issuer_name="-Ban Thường vụ")
    registration = register(tree.a1, field=fields.economy)
    registration.initiative.name = "+Mô hình lạ"
    services.initiative_update(user=None, initiative=registration.initiative)
    with exports.summary_workbook(superuser, tree.p, Y2023, today=TODAY) as output:
        content = output.read()
    assert_formula_safe(content, ["=Chi bộ A1", "@Công nhận", "-Ban Thường vụ", "+Mô hình lạ"])
