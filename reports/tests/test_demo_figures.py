"""The press reports' figures come out of the report functions and the workbook, on the demo data."""

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from registry.models import Unit
from reports import exports, selectors, tables
from reports.periods import Period

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def user(username):
    return get_user_model().objects.get(username=username)


def unit(code):
    return Unit.objects.get(code=code)


def test_bach_thong_2019_356_models_of_24_of_44_units_163_collective_193_individual():
    editor, root, period = user("bientap"), unit("BK-BT"), Period.year(2019)
    # The editor now belongs to the commune that carries the abolished district on, and reads it.
    assert selectors.report_root(editor) == unit("TN25-03")
    assert selectors.report_root(editor, root.pk) == root
    current = selectors.summary(editor, root, period)["current"]
    assert (current["total"], current["collective"], current["individual"]) == (356, 163, 193)
    units = selectors.unit_table(editor, root, period)
    assert (units["participation"]["participating"], units["participation"]["existed"]) == (24, 44)
    assert tables.participation_text(units, period).startswith(
        "Tổng số 356 mô hình của 24/44 chi, đảng bộ trực thuộc"
    )


def test_bach_thong_2019_41_recognised_28_collective_13_individual_25_7_8_1_by_field():
    editor, root, period = user("bientap"), unit("BK-BT"), Period.year(2019)
    current = selectors.summary(editor, root, period)["current"]
    assert (current["recognised"], current["recognised_collective"], current["recognised_individual"]) == (
        41,
        28,
        13,
    )
    recognised = {
        field["name"]: field["counts"]["recognised"]
        for standard in selectors.field_table(editor, root, period)["standards"]
        for field in standard["fields"]
        if field["counts"]["recognised"]
    }
    assert recognised == {
        "Phát triển kinh tế, xây dựng nông thôn mới": 25,
        "Cải cách hành chính, xây dựng cơ quan, công sở": 7,
        "Xây dựng tổ chức Mặt trận, đoàn thể vững mạnh": 8,
        "Xây dựng Đảng, chính quyền trong sạch, vững mạnh": 1,
    }


def test_bac_kan_city_2023_278_models_116_maintained_162_new_87_more_than_2022():
    viewer, root, period = user("xem"), unit("BK-TP"), Period.year(2023)
    assert selectors.report_root(viewer) == root
    figures = selectors.summary(viewer, root, period)
    assert figures["current"]["total"] == 278
    assert (figures["current"]["maintained"], figures["current"]["new"]) == (116, 162)
    assert (figures["previous"]["total"], figures["change"]["total"]) == (191, 87)
    units = selectors.unit_table(viewer, root, period)
    assert "278 mô hình của 35/40" in tables.participation_text(units, period)
    assert "tăng 87 mô hình so với cùng kỳ năm 2022" in tables.participation_text(units, period)


def test_yen_bai_bloc_2023_133_models_2_at_bloc_level_122_models_9_exemplars_at_grassroots():
    editor, root = user("yenbai"), unit("YB-DUK")
    figures = selectors.summary(editor, root, Period.year(2023))
    assert figures["current"]["total"] == 133
    assert figures["current"]["level_bloc"] == 2
    assert figures["by_level_grade"]["level_grassroots_grade_model"] == 122
    assert figures["by_level_grade"]["level_grassroots_grade_exemplar"] == 9


def test_thai_nguyen_first_half_2024_1759_models_1468_collective_291_individual():
    viewer, root = user("thainguyen"), unit("TN")
    current = selectors.summary(viewer, root, Period.half(2024, 1))["current"]
    assert (current["total"], current["collective"], current["individual"]) == (1759, 1468, 291)


def test_ward_phan_dinh_phung_2023_20_maintained_models_6_6_5_3_by_standard_field():
    ward = Unit.objects.get(name="Đảng ủy phường Phan Đình Phùng", valid_to__isnull=False)
    current = selectors.summary(user("thainguyen"), ward, Period.year(2023))["current"]
    assert (current["total"], current["maintained"]) == (20, 20)
    assert [
        current[f"field_{key}"]
        for key in ("economy", "culture_society", "defence_security", "political_system")
    ] == [
        6,
        6,
        5,
        3,
    ]


def test_scoping_on_the_demo_a_city_viewer_cannot_open_bach_thong():
    with pytest.raises(selectors.RootNotFound):
        selectors.report_root(user("xem"), unit("BK-BT").pk)


def test_the_bach_thong_2019_workbook_gives_the_press_figures():
    editor, root, period = user("bientap"), unit("BK-BT"), Period.year(2019)
    with exports.summary_workbook(editor, root, period) as output:
        workbook = load_workbook(output)
    summary = workbook["Tổng hợp"]
    total_row = next(row for row in summary.iter_rows(values_only=True) if row[0] == "Tổng cộng")
    assert total_row[2:5] == (356, 163, 193)
    texts = [value for row in summary.iter_rows(values_only=True) for value in row if isinstance(value, str)]
    assert any(text.startswith("Tổng số 356 mô hình của 24/44 chi, đảng bộ trực thuộc") for text in texts)
    by_field = workbook["Theo lĩnh vực"]
    header = [cell.value for cell in by_field[5]]
    recognised_column = header.index("Tổng số") if "Tổng số" in header else None
    assert recognised_column is not None
    recognised = {
        row[1]: row[recognised_column]
        for row in by_field.iter_rows(min_row=7, values_only=True)
        if isinstance(row[0], int) and row[recognised_column]
    }
    assert recognised == {
        "Phát triển kinh tế, xây dựng nông thôn mới": 25,
        "Cải cách hành chính, xây dựng cơ quan, công sở": 7,
        "Xây dựng tổ chức Mặt trận, đoàn thể vững mạnh": 8,
        "Xây dựng Đảng, chính quyền trong sạch, vững mạnh": 1,
    }
    assert summary.max_row > 44
    assert workbook["Danh sách"].max_row == 3 + 356


# The reform of 2025: the new Tỉnh ủy Thái Nguyên in today's structure and as reported


def test_new_thai_nguyen_2025_in_today_s_structure_holds_its_predecessors_and_compares_with_their_2024():
    admin, root = user("quantri"), unit("TN25")
    assert selectors.report_root(admin) == root
    period = Period.year(2025)
    assert selectors.default_structure(root, period) == "current"
    today = period.in_structure("current")
    figures = selectors.summary(admin, root, today)
    old = [
        selectors.summary(admin, unit(code), Period.year(2024))["current"]["total"] for code in ("BK", "TN")
    ]
    assert figures["previous"]["total"] == sum(old) == 1899
    assert figures["current"]["total"] == 1200 + 21  # carried on from the old communes, and the new ones'
    units = selectors.unit_table(admin, root, today)
    children = [row for row in units["rows"] if not row["unit"]["is_root"]]
    assert units["participation"]["existed"] == len(children) == 7  # today's units
    # The abolished districts' own models count under the province itself.
    assert units["rows"][-1]["unit"]["is_root"]
    assert sum(row["current"]["total"] for row in units["rows"]) == figures["current"]["total"]


def test_the_phase_2021_2025_counts_the_predecessors_years_in_today_s_structure_only():
    admin, root, phase = user("quantri"), unit("TN25"), Period.phase(2021, 2025)
    today = selectors.summary(admin, root, phase.in_structure("current"))["current"]["total"]
    reported = selectors.summary(admin, root, phase.in_structure("reported"))["current"]["total"]
    assert reported == 21  # as reported, the new province registered only from July 2025
    assert today > 5000


def test_the_old_provinces_stay_as_they_were_reported():
    admin = user("quantri")
    first_half = selectors.summary(admin, unit("TN"), Period.half(2024, 1))["current"]
    assert (first_half["total"], first_half["collective"], first_half["individual"]) == (1759, 1468, 291)
    assert selectors.default_structure(unit("TN"), Period.year(2024)) == "reported"


def test_a_count_in_today_s_structure_links_to_exactly_its_rows(client):
    from django.urls import reverse

    admin, root = user("quantri"), unit("TN25")
    client.force_login(admin)
    period = Period.year(2025).in_structure("current")
    total = selectors.summary(admin, root, period)["current"]["total"]
    response = client.get(reverse("registry:registration_list"), {"unit": root.pk, **period.list_params()})
    assert response.status_code == 200
    assert response.context["paginator"].count == total


def test_a_user_left_on_a_closed_unit_reads_it_as_it_was():
    viewer = user("xem")
    root = selectors.report_root(viewer)
    assert root == unit("BK-TP") and root.valid_to is not None
    assert selectors.summary(viewer, root, Period.year(2023))["current"]["total"] == 278
