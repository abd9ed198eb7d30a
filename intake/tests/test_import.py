"""Check then import: every error at its row and column, nothing saved until all is right."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from intake import services
from intake.models import BatchStatus, ImportBatch, RowAction
from registry import services as registry_services
from registry.choices import Evaluation, Kind, RegistrationStatus
from registry.models import Field, Initiative, Registration
from registry.tests.factories import InitiativeFactory, RegistrationFactory

from .conftest import make_xlsx

pytestmark = pytest.mark.django_db

FULL_HEADERS = [
    "Mã đơn vị",
    "Đơn vị",
    "Tên mô hình",
    "Loại",
    "Họ và tên cá nhân",
    "Lĩnh vực",
    "Xếp loại",
    "Năm",
    "Ngày đăng ký",
    "Hình thức đăng ký",
    "Cấp đăng ký",
    "Kết quả đánh giá",
    "Ngày đánh giá",
    "Số người tham gia, hưởng lợi",
    "Kinh phí huy động (đồng)",
    "Ghi chú",
]


def row(**values):
    base = {
        "code": "",
        "unit": "X. Cẩm Giàng",
        "name": "Mô hình hợp lệ",
        "kind": "Tập thể",
        "person": "",
        "field": "Kinh tế",
        "grade": "Mô hình",
        "year": 2024,
        "date": "15/03/2024",
        "status": "",
        "level": "Cấp cơ sở",
        "evaluation": "",
        "evaluated_on": "",
        "people": "",
        "money": "",
        "note": "",
    }
    base.update(values)
    return list(base.values())


def check(user, content, name="danh-sach.xlsx"):
    batch = services.import_create(user=user, name=name, content=content)
    return services.import_check(batch=batch)


def confirm(batch):
    batch.refresh_from_db()
    assert services.import_start(batch=batch)
    batch.refresh_from_db()
    return services.import_run(batch=batch)


def errors_by_row(batch):
    return {
        r.number: [(e["column"].split(" – ")[0], e["message"]) for e in r.errors]
        for r in batch.rows.filter(action=RowAction.ERROR)
    }


def test_a_file_with_every_kind_of_error_reports_each_at_its_row_and_column_and_saves_nothing(tree):
    initiatives, registrations = Initiative.objects.count(), Registration.objects.count()
    content = make_xlsx(
        [
            row(),  # 2: fine
            row(unit="Xã Cẩm Gian", name="M3"),  # 3: a typo
            row(unit="Thành ủy Bắc Kạn", name="M4"),  # 4: outside the editor's scope
            row(name=""),  # 5
            row(name="M6", kind="Nhóm"),  # 6
            row(name="M7", kind="Cá nhân"),  # 7: individual without a person
            row(name="M8", field="Thể thao"),  # 8
            row(name="M9", grade="Xuất sắc"),  # 9
            row(name="M10", year="năm nay"),  # 10
            row(name="M11", year=1999, date="15/03/1999"),  # 11
            row(name="M12", date="31/02/2024"),  # 12
            row(name="M13", date="15/03/2020"),  # 13
            row(name="M14", status="Tạm dừng"),  # 14
            row(name="M15", level="Cấp thôn"),  # 15
            row(name="M16", evaluation="Chưa đánh giá", evaluated_on="20/12/2024"),  # 16
            row(name="M17", people="nhiều"),  # 17
            row(name="M18", money=1.5),  # 18
            row(name="M19", people="=10*10"),  # 19: a formula
            row(name="mô hình hợp lệ"),  # 20: duplicate of row 2 (same unit, name, year)
            row(code="ZZ-99", name="M21"),  # 21
            row(name="M22", person="Nguyễn Văn A"),  # 22: collective with a person
            row(name="M23", field=""),  # 23: a new initiative needs a field
            row(name="M24", date=""),  # 24: a new registration needs a date
        ],
        FULL_HEADERS,
    )
    batch = check(tree.editor_a, content)

    assert batch.status == BatchStatus.CHECKED
    assert batch.counts == {"create": 1, "error": 22}
    found = errors_by_row(batch)
    expected_columns = {
        3: "B",
        4: "B",
        5: "C",
        6: "D",
        7: "E",
        8: "F",
        9: "G",
        10: "H",
        11: "H",
        12: "I",
        13: "I",
        14: "J",
        15: "K",
        16: "M",
        17: "N",
        18: "O",
        19: "N19",
        20: "C",
        21: "A",
        22: "E",
        23: "F",
        24: "I",
    }
    assert set(found) == set(expected_columns)
    for number, column in expected_columns.items():
        columns = [c for c, _m in found[number]]
        assert columns == [column], f"row {number}: {found[number]}"
    messages = {number: found[number][0][1] for number in found}
    assert "Có phải là" in messages[3]
    assert "Trùng với dòng 2" in messages[20]
    assert "dd/mm/yyyy" in messages[12]
    assert "công thức" in messages[19]
    assert "“Tập thể”, “Cá nhân”" in messages[6]
    assert "Ghi chú" in batch.summary["warnings"][0]

    assert not batch.can_confirm
    assert not services.import_start(batch=batch)
    assert (Initiative.objects.count(), Registration.objects.count()) == (initiatives, registrations)


def test_merged_cells_are_reported_and_block_the_import(tree):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Đơn vị", "Tên mô hình", "Lĩnh vực", "Năm", "Ngày đăng ký"])
    sheet.append(["X. Cẩm Giàng", "Mô hình A", "Kinh tế", 2024, "01/03/2024"])
    sheet.append(["X. Cẩm Giàng", "Mô hình B", "Kinh tế", 2024, "01/03/2024"])
    sheet.merge_cells("A2:A3")
    output = io.BytesIO()
    workbook.save(output)
    batch = check(tree.editor_a, output.getvalue())
    assert "A2:A3" in batch.summary["file_errors"][0]
    assert not batch.can_confirm


def test_headers_without_diacritics_in_any_order_are_recognised(tree):
    content = make_xlsx(
        [[2024, "Kinh te", "Mô hình không dấu", "xa cam giang", "01/04/2024", "tap the"]],
        ["NAM", "linh vuc", "Ten mo hinh", "don vi", "ngay dang ky", "Loai (Tập thể/Cá nhân)"],
    )
    batch = check(tree.editor_a, content)
    assert batch.counts == {"create": 1}, list(batch.rows.values("errors"))
    confirm(batch)
    registration = Registration.objects.get(initiative__name="Mô hình không dấu")
    assert registration.unit == tree.commune
    assert registration.initiative.field.name == "Kinh tế"
    assert registration.registered_on == datetime.date(2024, 4, 1)


def test_a_missing_required_column_is_a_file_error(tree):
    batch = check(tree.editor_a, make_xlsx([["Mô hình", 2024]], ["Tên mô hình", "Năm"]))
    assert any("Đơn vị" in error for error in batch.summary["file_errors"])
    assert batch.rows.count() == 0 and not batch.can_confirm


def test_an_editor_cannot_import_into_a_unit_outside_the_scope(tree):
    content = make_xlsx([row(code="TP", unit="", name="Mô hình lấn phạm vi")], FULL_HEADERS)
    batch = check(tree.editor_a, content)
    assert batch.counts == {"error": 1}
    assert not services.import_start(batch=batch)
    assert not Initiative.objects.filter(name="Mô hình lấn phạm vi").exists()


def test_the_import_refuses_rows_whose_unit_left_the_users_scope_after_the_check(tree):
    batch = check(tree.editor_a, make_xlsx([row(name="Mô hình X")], FULL_HEADERS))
    assert batch.can_confirm
    batch.rows.update(unit_id_checked=tree.b.pk)  # as if the rows named unit B
    batch = confirm(batch)
    assert batch.status == BatchStatus.FAILED
    assert not Initiative.objects.filter(name="Mô hình X").exists()


def test_a_viewer_cannot_upload_at_all(tree):
    with pytest.raises(PermissionDenied):
        check(tree.viewer_a, make_xlsx([row()], FULL_HEADERS))
    assert not ImportBatch.objects.exists()


def test_new_initiatives_existing_ones_and_new_years_are_told_apart(tree, tally_is_live):
    tree.registration_a.evaluation = Evaluation.EFFECTIVE
    tree.registration_a.evaluated_on = datetime.date(2023, 12, 1)
    registry_services.registration_update(user=None, registration=tree.registration_a)
    cell = {"code": "BT-CG-NP", "unit": "", "kind": "", "field": "", "grade": "", "level": ""}
    # The same initiative, new figures for 2023: an update.
    update_2023 = row(
        name="Mô hình hiến đất làm đường Bạch Thông", year=2023, date="", people="1.759", **cell
    )
    # The same initiative in 2024: a new registration, maintained.
    maintained_2024 = row(name="Mô hình hiến đất làm đường Bạch Thông", year=2024, **cell)
    # A new initiative registered in 2024 and 2025 (listed in reverse order).
    new_rows = [
        row(name="Mô hình mới hai năm", year=2025, date="10/01/2025"),
        row(name="Mô hình mới hai năm", year=2024),
    ]
    content = make_xlsx(
        [
            # The cell's 2023 initiative again, name without diacritics: unchanged.
            row(name="mo hinh hien dat lam duong bach thong", year=2023, date="01/03/2023", **cell),
            update_2023,
            maintained_2024,
            *new_rows,
        ],
        FULL_HEADERS,
    )
    batch = check(tree.editor_a, content)
    actions = dict(batch.rows.values_list("number", "action"))
    # Rows 2 and 3 are the same key: the second is a duplicate.
    assert actions == {2: "unchanged", 3: "error", 4: "create", 5: "create", 6: "create"}

    content = make_xlsx([update_2023, maintained_2024, *new_rows], FULL_HEADERS)
    batch = check(tree.editor_a, content)
    assert batch.counts == {"update": 1, "create": 3}
    update = batch.rows.get(action="update")
    assert update.changes == [{"label": "Số người tham gia, hưởng lợi", "old": "—", "new": "1.759"}]

    batch = confirm(batch)
    assert batch.status == BatchStatus.DONE, batch.message
    tree.registration_a.refresh_from_db()
    assert tree.registration_a.people_reached == 1759
    assert tree.registration_a.history.first().history_user == tree.editor_a
    assert tree.initiative_a.registrations.get(year=2024).status == RegistrationStatus.MAINTAINED
    new = Initiative.objects.get(name="Mô hình mới hai năm")
    assert dict(new.registrations.values_list("year", "status")) == {
        2024: RegistrationStatus.NEW,
        2025: RegistrationStatus.MAINTAINED,
    }
    assert new.unit == tree.commune and new.created_by == tree.editor_a
    assert tally_is_live()


def test_the_import_is_all_or_nothing_when_the_registry_changed_after_the_check(tree):
    content = make_xlsx(
        [
            row(name="Mô hình đầu tiên"),
            row(
                code="BT-CG-NP",
                unit="",
                name="Mô hình hiến đất làm đường Bạch Thông",
                year=2023,
                date="",
                kind="",
                field="",
                grade="",
                level="",
                people="12",
            ),
        ],
        FULL_HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert batch.counts == {"create": 1, "update": 1}
    registration = tree.registration_a
    registration.results = "Sửa trên phần mềm sau khi kiểm tra"
    registry_services.registration_update(user=None, registration=registration)

    batch = confirm(batch)
    assert batch.status == BatchStatus.FAILED
    assert "dòng 3" in batch.message
    assert not Initiative.objects.filter(name="Mô hình đầu tiên").exists()


def test_a_deleted_initiative_is_an_error_that_says_to_restore_it(tree):
    registry_services.soft_delete(user=None, obj=tree.initiative_a)
    content = make_xlsx(
        [row(code="BT-CG-NP", unit="", name="Mô hình hiến đất làm đường Bạch Thông", year=2024)],
        FULL_HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert "Đã xóa" in batch.rows.get().errors[0]["message"]


def registry_snapshot():
    return sorted(
        Registration.objects.values_list(
            "pk",
            "initiative__name",
            "initiative__kind",
            "initiative__person_name",
            "initiative__field",
            "initiative__grade",
            "initiative__content",
            "initiative__start_date",
            "year",
            "unit",
            "status",
            "level",
            "evaluation",
            "evaluated_on",
            "people_reached",
            "money_mobilised",
            "results",
            "registered_on",
            "entered_late",
            "updated_at",
            "initiative__updated_at",
        )
    )


def test_round_trip_an_exported_list_imports_back_with_nothing_changed(tree, client_for):
    field = Field.objects.get(name="Bảo vệ môi trường")
    person = InitiativeFactory(
        unit=tree.commune,
        name='=HYPERLINK("http://x")',
        kind=Kind.INDIVIDUAL,
        person_name="Hoàng Thị Lan",
        person_position="Bí thư chi bộ",
        field=field,
        grade="exemplar",
        start_date=datetime.date(2022, 5, 1),
        content="- Dòng một\n- Dòng hai\n@ghi chú",
        address="+84 thôn Nà Phải",
    )
    RegistrationFactory(
        initiative=person,
        year=2023,
        evaluation=Evaluation.EFFECTIVE,
        evaluated_on=datetime.date(2023, 12, 20),
        people_reached=1759,
        money_mobilised=135_000_000,
        workdays=40,
        results="Hiệu quả rõ rệt",
        evaluation_note="Tốt",
    )
    RegistrationFactory(initiative=person, year=2024, status=RegistrationStatus.MAINTAINED, level="district")
    RegistrationFactory(initiative=person, year=2026, status=RegistrationStatus.MAINTAINED, entered_late=True)
    client = client_for(tree.editor_a)
    before = registry_snapshot()

    response = client.get(reverse("registry:registration_export", args=["xlsx"]))
    exported = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(exported)).active
    headers = [cell.value for cell in sheet[1]]
    late = [
        row[headers.index("Nhập bổ sung hồ sơ cũ")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(late, key=str) == ["Có", None, None, None]
    batch = check(tree.editor_a, exported, "xuat.xlsx")

    assert batch.summary["warnings"] == []
    assert batch.counts == {"unchanged": 4}, list(batch.rows.values_list("number", "errors", "changes"))
    assert registry_snapshot() == before


def test_exported_text_never_runs_as_a_formula(tree, client_for):
    InitiativeFactory(unit=tree.cell, name="=1+2")
    RegistrationFactory(initiative=Initiative.objects.get(name="=1+2"), year=2024)
    client = client_for(tree.editor_a)
    csv_text = b"".join(client.get(reverse("registry:registration_export", args=["csv"])).streaming_content)
    assert "'=1+2" in csv_text.decode("utf-8-sig")
    xlsx = b"".join(client.get(reverse("registry:registration_export", args=["xlsx"])).streaming_content)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [cell for line in sheet.iter_rows() for cell in line if cell.value == "=1+2"]
    assert cells and all(cell.data_type == "s" for cell in cells)


# The registry's rules, the same as on the site -------------------------------------------------

RULE_HEADERS = ["Đơn vị", "Tên mô hình", "Lĩnh vực", "Năm", "Ngày đăng ký", "Hình thức đăng ký",
                "Nhập bổ sung hồ sơ cũ"]  # fmt: skip


def rule_row(name, unit="Đảng ủy xã Cẩm Giàng", year=2025, date="01/03/2025", status="", late=""):
    return [unit, name, "Kinh tế", year, date, status, late]


def test_a_closed_unit_is_refused_at_its_column_with_the_successor_named(tree, closed_commune):
    content = make_xlsx(
        [
            rule_row("Mô hình ngày cuối", unit="X. Quân Bình", date="30/06/2025"),
            rule_row("Mô hình ngày sau", unit="X. Quân Bình", date="01/07/2025"),
        ],
        RULE_HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert dict(batch.rows.values_list("number", "action")) == {2: "create", 3: "error"}
    assert errors_by_row(batch) == {
        3: [
            (
                "A",
                "Đơn vị “Đảng ủy xã Quân Bình” hoạt động đến ngày 30/06/2025, không còn hoạt động ngày "
                "01/07/2025. Đơn vị kế thừa là “Đảng ủy xã Cẩm Giàng”: hãy chọn đơn vị này.",
            )
        ]
    }


def test_maintained_after_a_gap_is_refused_unless_entered_late(tree):
    cell = "Chi bộ thôn Nà Phải"
    name = "Mô hình hiến đất làm đường Bạch Thông"  # registered in 2023 only
    content = make_xlsx(
        [
            rule_row(name, unit=cell, year=2025, date="01/02/2025", status="Duy trì"),
            rule_row(name, unit=cell, year=2026, date="01/02/2026", status="Duy trì", late="Có"),
        ],
        RULE_HEADERS,
    )
    batch = check(tree.editor_a, content)
    found = errors_by_row(batch)
    assert list(found) == [2]
    assert found[2][0][0] == "F" and "chưa có đăng ký năm 2024" in found[2][0][1]

    content = make_xlsx(
        [rule_row(name, unit=cell, year=2025, date="01/02/2025", status="Duy trì", late="có")], RULE_HEADERS
    )
    batch = check(tree.editor_a, content)
    assert batch.counts == {"create": 1}
    assert confirm(batch).status == BatchStatus.DONE
    registration = tree.initiative_a.registrations.get(year=2025)
    assert (registration.status, registration.entered_late) == (RegistrationStatus.MAINTAINED, True)


def test_a_gap_defaults_to_new(tree):
    content = make_xlsx(
        [rule_row("Mô hình hiến đất làm đường Bạch Thông", unit="Chi bộ thôn Nà Phải", year=2025)],
        RULE_HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert batch.rows.get().data["status_default"] == RegistrationStatus.NEW
    confirm(batch)
    assert tree.initiative_a.registrations.get(year=2025).status == RegistrationStatus.NEW


def test_maintained_may_follow_a_year_the_file_registers_further_down(tree):
    content = make_xlsx(
        [
            rule_row("Mô hình hai năm", year=2025, status="Duy trì"),
            rule_row("Mô hình hai năm", year=2024, date="01/03/2024"),
            rule_row("Mô hình thiếu năm", year=2025, status="Duy trì"),
            rule_row("Mô hình thiếu năm", year=2023, date="01/03/2023"),
            # Its year before is refused, so it is too.
            rule_row("Mô hình ba năm", year=2025, status="Duy trì"),
            rule_row("Mô hình ba năm", year=2024, date="01/03/2024", status="Duy trì"),
            rule_row("Mô hình ba năm", year=2022, date="01/03/2022"),
        ],
        RULE_HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert dict(batch.rows.values_list("number", "action")) == {
        2: "create",
        3: "create",
        4: "error",
        5: "create",
        6: "error",
        7: "error",
        8: "create",
    }
    assert batch.counts == {"create": 4, "error": 3}
    assert all(errors[0][0] == "F" for errors in errors_by_row(batch).values())


def test_the_registration_date_follows_the_same_window_as_on_the_site(tree):
    tomorrow_after = datetime.date.today() + datetime.timedelta(days=2)
    content = make_xlsx(
        [
            rule_row("Mô hình quý IV", date="01/10/2024"),
            rule_row("Mô hình quý III", date="30/09/2024"),
            rule_row("Mô hình tương lai", year=tomorrow_after.year, date=tomorrow_after.strftime("%d/%m/%Y")),
            rule_row("Mô hình năm 1", date="01/01/0001"),
        ],
        RULE_HEADERS,
    )
    batch = check(tree.editor_a, content)
    found = errors_by_row(batch)
    assert list(found) == [3, 4, 5]
    assert "không thuộc năm 2025" in found[3][0][1]
    assert "ở tương lai" in found[4][0][1]
    assert "phần mềm nhận ngày từ 01/01/1990" in found[5][0][1]


def test_an_update_that_moves_a_registration_past_its_units_closing_is_refused(tree, closed_commune):
    initiative = InitiativeFactory(unit=closed_commune, name="Mô hình Quân Bình")
    RegistrationFactory(initiative=initiative, year=2025)
    content = make_xlsx([rule_row("Mô hình Quân Bình", unit="BT-QB", date="15/08/2025")], RULE_HEADERS)
    batch = check(tree.editor_a, content)
    assert "Đảng ủy xã Cẩm Giàng" in errors_by_row(batch)[2][0][1]


CASES = [  # (case, unit, year, date, status, entered late, accepted)
    ("the last day of the closed unit", "Đảng ủy xã Quân Bình", 2025, "30/06/2025", "new", False, True),
    ("the day after it closed", "Đảng ủy xã Quân Bình", 2025, "01/07/2025", "new", False, False),
    ("the last quarter before", "Đảng ủy xã Cẩm Giàng", 2025, "01/10/2024", "new", False, True),
    ("before the last quarter", "Đảng ủy xã Cẩm Giàng", 2025, "30/09/2024", "new", False, False),
    ("maintained, no year before", "Đảng ủy xã Cẩm Giàng", 2024, "01/03/2024", "maintained", False, False),
    ("maintained, entered late", "Đảng ủy xã Cẩm Giàng", 2024, "01/03/2024", "maintained", True, True),
    ("the first year", "Đảng ủy xã Cẩm Giàng", 2000, "01/03/2000", "new", False, True),
    ("the year before the first", "Đảng ủy xã Cẩm Giàng", 1999, "01/03/1999", "new", False, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "unit", "year", "date", "status", "late", "accepted"), CASES, ids=[c[0] for c in CASES]
)
def test_the_import_refuses_what_the_site_refuses_and_accepts_what_it_accepts(
    tree, closed_commune, client_for, case, unit, year, date, status, late, accepted
):
    from registry.choices import Kind
    from registry.models import Unit

    site = client_for(tree.editor_a).post(
        reverse("registry:initiative_create"),
        {
            "name": f"Trên phần mềm: {case}",
            "unit": Unit.objects.get(name=unit).pk,
            "kind": Kind.COLLECTIVE,
            "field": Field.objects.get(name="Kinh tế").pk,
            "grade": "model",
            "year": year,
            "registered_on": date,
            "level": "grassroots",
            "status": status,
            **({"entered_late": "on"} if late else {}),
        },
    )
    status_label = "Duy trì" if status == "maintained" else "Đăng ký mới"
    row = rule_row(f"Nhập từ tệp: {case}", unit, year, date, status_label, "Có" if late else "")
    imported = check(tree.editor_a, make_xlsx([row], RULE_HEADERS))
    assert site.status_code == (302 if accepted else 200)
    assert imported.counts == ({"create": 1} if accepted else {"error": 1})


def test_an_update_that_dates_a_registration_after_its_decision_is_refused(tree):
    name = "Mô hình hiến đất làm đường Bạch Thông"  # 2023, covered by a decision of 15/12/2023
    content = make_xlsx(
        [rule_row(name, unit="Chi bộ thôn Nà Phải", year=2023, date="16/12/2023")], RULE_HEADERS
    )
    batch = check(tree.editor_a, content)
    [(column, message)] = errors_by_row(batch)[2]
    assert column == "E" and "sau ngày ký 15/12/2023" in message


@pytest.fixture
def new_commune(tree):
    """Xã Quân Bình (under Bạch Thông, with a model registered in 2024) merged on 01/07/2025 into
    a commune opened that day, Đảng ủy xã Quân Bình Mới, which carries its model on."""
    from registry.choices import UnitType
    from registry.tests.factories import make_unit, reorganise

    old = make_unit("Đảng ủy xã Quân Bình", tree.a, UnitType.COMMUNE, code="BT-QB")
    initiative = InitiativeFactory(unit=old, name="Mô hình sân chơi thiếu nhi Quân Bình")
    RegistrationFactory(initiative=initiative, unit=old, year=2024, registered_on=datetime.date(2024, 3, 1))
    new = make_unit(
        "Đảng ủy xã Quân Bình Mới",
        tree.a,
        UnitType.COMMUNE,
        code="QB-MOI",
        valid_from=datetime.date(2025, 7, 1),
    )
    reorganise([old], into=new)
    old.refresh_from_db()
    initiative.refresh_from_db()
    assert initiative.unit == new
    return old, new, initiative


def test_a_row_dated_before_its_unit_opened_goes_to_the_unit_that_existed_that_day(tree, new_commune):
    old, new, initiative = new_commune
    content = make_xlsx(
        [
            rule_row(initiative.name, unit=new.name, date="01/03/2025", status="Duy trì"),
            rule_row("Mô hình mới đầu năm", unit=new.name, date="15/04/2025"),
            rule_row("Mô hình mới cuối năm", unit=new.name, date="15/09/2025"),
        ],
        RULE_HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert errors_by_row(batch) == {}
    assert dict(batch.rows.values_list("number", "unit_id_checked")) == {2: old.pk, 3: old.pk, 4: new.pk}
    confirm(batch)
    maintained = initiative.registrations.get(year=2025)
    assert (maintained.unit, maintained.carrier) == (old, new)
    spring = Registration.objects.get(initiative__name="Mô hình mới đầu năm")
    assert (spring.unit, spring.carrier) == (old, new)
    assert Registration.objects.get(initiative__name="Mô hình mới cuối năm").unit == new


def test_a_row_dated_before_a_merged_unit_opened_asks_which_former_unit_registered_it(tree, new_commune):
    from registry.choices import UnitType
    from registry.tests.factories import make_unit, reorganise

    old, new, initiative = new_commune
    other = make_unit("Đảng ủy xã Tân Sơn", tree.a, UnitType.COMMUNE, code="BT-TS")
    reorganise([other], into=new)
    content = make_xlsx([rule_row("Mô hình mới đầu năm", unit=new.name, date="15/04/2025")], RULE_HEADERS)
    batch = check(tree.editor_a, content)
    ((column, message),) = errors_by_row(batch)[2]
    assert column == "A"
    assert message.startswith(
        "Đơn vị “Đảng ủy xã Quân Bình Mới” hoạt động từ ngày 01/07/2025; ngày 15/04/2025, phần việc"
    )
    assert "Đảng ủy xã Quân Bình (mã BT-QB)" in message and "Đảng ủy xã Tân Sơn (mã BT-TS)" in message
