"""New units from a spreadsheet: the check, the preview, the import, the scope and odd files."""

import datetime
import html
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from intake import services, unitimport
from intake.models import BatchStatus, ImportBatch, ImportKind, RowAction
from registry.choices import Role, UnitType
from registry.models import Unit
from registry.tests.factories import MembershipFactory, UserFactory, make_unit

from .conftest import make_xlsx

HEADERS = [column.header for column in unitimport.COLUMNS]
COMMUNE = "Đảng ủy xã, phường, thị trấn"
CELL = "Chi bộ"
MASS = "Tổ chức chính trị - xã hội, hội quần chúng"
FRONT = "Mặt trận Tổ quốc"


def sheet(rows, headers=HEADERS, name=unitimport.SHEET):
    """Return a unit sheet with ``rows`` (name, type, parent, code, short name, from, note)."""
    return make_xlsx([list(row) + [""] * (len(headers) - len(row)) for row in rows], headers, sheet=name)


def upload(client, content, name="don-vi.xlsx"):
    """Upload ``content`` as a unit sheet; return the response (followed) and the batch made, if any."""
    response = client.post(
        reverse("intake:unit_upload"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    return response, ImportBatch.objects.filter(kind=ImportKind.UNITS).order_by("-pk").first()


def errors_of(batch):
    """Return {row number: [(column, message)]} of the batch's refused rows."""
    return {
        row.number: [(error["column"], error["message"]) for error in row.errors]
        for row in batch.rows.filter(action=RowAction.ERROR)
    }


def province_sheet(communes=20, cells=10):
    """A province's units, nested on earlier rows: communes, their cells and mass organisations."""
    rows = []
    for c in range(1, communes + 1):
        commune, code = f"Đảng ủy xã Số {c}", f"X{c:02d}"
        rows.append((commune, COMMUNE, "BK", code, "", "01/07/2025", "Theo Nghị quyết sắp xếp"))
        # The cells of every commune share names: their parent is named by its code.
        rows += [(f"Chi bộ thôn {n}", CELL, code) for n in range(1, cells + 1)]
        rows.append((f"Mặt trận Tổ quốc xã Số {c}", FRONT, commune))
        rows += [
            (f"{body} xã Số {c}", MASS, commune) for body in ("Hội Nông dân", "Hội Phụ nữ", "Đoàn Thanh niên")
        ]
    return rows


@pytest.fixture
def admin_a(tree):
    """An administrator of Huyện ủy Bạch Thông (A): units go in under A's subtree only."""
    user = UserFactory(username="quantri_a")
    MembershipFactory(user=user, unit=tree.a, role=Role.ADMIN)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="hethong", is_superuser=True, is_staff=True)


# The story of the issue -------------------------------------------------------------------


def test_a_provinces_300_units_go_in_from_one_spreadsheet(tree, client_for, django_assert_max_num_queries):
    client = client_for(tree.admin_province)
    before = Unit.objects.count()
    rows = province_sheet()
    assert len(rows) == 300
    response, batch = upload(client, sheet(rows))
    assert response.status_code == 200
    assert batch.status == BatchStatus.CHECKED, batch.summary
    assert batch.counts == {RowAction.CREATE: 300}
    assert batch.can_confirm
    # The preview reads the same few queries whatever the size of the sheet.
    with django_assert_max_num_queries(12):
        preview = client.get(batch.get_absolute_url())
    assert "Xác nhận để thêm 300 đơn vị" in preview.content.decode()

    client.post(reverse("intake:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE, batch.message
    assert batch.message == "Đã thêm 300 đơn vị."
    assert Unit.objects.count() == before + 300

    communes = list(Unit.objects.filter(code__startswith="X").order_by("code"))
    assert len(communes) == 20
    for commune in communes:
        assert Unit.objects.get_parent(commune) == tree.province
        assert commune.valid_from.isoformat() == "2025-07-01"
        assert commune.unit_type == UnitType.COMMUNE
        children = list(Unit.objects.get_children(commune))
        assert len(children) == 14
        assert sorted(child.name for child in children if child.unit_type == UnitType.CELL) == sorted(
            f"Chi bộ thôn {n}" for n in range(1, 11)
        )
    # The tree is sound, and each unit has its creation in the history, by the uploader.
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    created = Unit.history.filter(history_type="+", code="X01").get()
    assert created.history_user == tree.admin_province
    assert created.history_change_reason == "Theo Nghị quyết sắp xếp"
    assert Unit.history.filter(history_type="+", history_user=tree.admin_province).count() == 300
    # The province's administrator sees them in the tree.
    assert client.get(reverse("registry:unit_detail", args=[communes[0].pk])).status_code == 200


def test_a_second_confirmation_imports_nothing_twice(tree, client_for):
    client = client_for(tree.admin_province)
    _response, batch = upload(client, sheet([("Đảng ủy xã Mới", COMMUNE, "BK")]))
    url = reverse("intake:batch_confirm", args=[batch.pk])
    client.post(url)
    again = client.post(url, follow=True)
    assert "đã nhập rồi" in again.content.decode()
    assert Unit.objects.filter(name="Đảng ủy xã Mới").count() == 1
    batch.refresh_from_db()
    assert not services.import_start(batch=batch)


def test_the_preview_names_the_types_in_the_language_of_the_page(tree, client_for):
    client = client_for(tree.admin_province)
    _response, batch = upload(client, sheet([("Đảng ủy xã Mới", COMMUNE, "BK")]))
    assert COMMUNE in client.get(batch.get_absolute_url()).content.decode()
    english = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with translation.override("en"):
        assert str(UnitType.COMMUNE.label) in english
    assert COMMUNE not in english


# Each kind of error ------------------------------------------------------------------------


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_goes_in(tree, client_for):
    Unit.objects.filter(pk=tree.commune.pk).update(valid_from=datetime.date(2025, 7, 1))
    make_unit(
        "Ban Giải thể", tree.province, UnitType.COMMISSION, code="GT", valid_to=datetime.date(2024, 6, 30)
    )
    client = client_for(tree.admin_province)
    before = Unit.objects.count()
    rows = [
        ("", CELL, "BK"),  # 2: no name
        ("Chi bộ A", "Chi đoàn", "BK"),  # 3: unknown type
        ("Chi bộ B", CELL, "Huyện ủy Không Có"),  # 4: unknown parent
        ("Đảng ủy xã Cẩm Giàng", COMMUNE, "BT"),  # 5: the name of a unit under the same parent
        ("Chi bộ C", CELL, "BK", "BT"),  # 6: a code taken
        ("Chi bộ D", CELL, "BK", "", "", "31/02/2025"),  # 7: no such day
        ("Chi bộ E", CELL, "BT-CG", "", "", "01/01/2024"),  # 8: before its parent opened
        ("Chi bộ F", CELL, "GT"),  # 9: under a unit dissolved, with no successor
        ("Chi bộ G", CELL, "Đảng ủy xã Sau"),  # 10: parent on a later row
        ("Đảng ủy xã Sau", COMMUNE, "BK", "SAU"),  # 11: fine
        ("Đảng ủy xã Sau", COMMUNE, "BK"),  # 12: the name of row 11 under the same parent
        ("Chi bộ H", CELL, "BK", "SAU"),  # 13: the code of row 11
        ("Chi bộ I", CELL, "BK", "", "", "", "x" * 101),  # 14: a note too long
        ("Chi bộ J", "", ""),  # 15: no type, no parent
    ]
    _response, batch = upload(client, sheet(rows))
    assert batch.status == BatchStatus.CHECKED
    errors = errors_of(batch)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]
    assert errors[2] == [("Tên đơn vị", "Chưa ghi tên đơn vị.")]
    assert errors[3][0][0] == "Loại đơn vị" and "“Chi đoàn” không phải là loại đơn vị" in errors[3][0][1]
    assert errors[4][0][0] == "Đơn vị cấp trên (mã hoặc tên)"
    assert "Không tìm thấy đơn vị “Huyện ủy Không Có” trong các đơn vị bạn quản trị" in errors[4][0][1]
    assert errors[5] == [
        (
            "Tên đơn vị",
            "Đã có đơn vị “Đảng ủy xã Cẩm Giàng” trực thuộc “Huyện ủy Bạch Thông”. Hãy đặt tên khác "
            "(ví dụ thêm địa danh) hoặc dùng đơn vị đã có.",
        )
    ]
    assert errors[6][0][0] == "Mã đơn vị" and "“Huyện ủy Bạch Thông”" in errors[6][0][1]
    assert errors[7][0][0] == "Hoạt động từ ngày" and "không có thật" in errors[7][0][1]
    assert errors[8][0][0] == "Hoạt động từ ngày" and "hoạt động từ ngày 01/07/2025" in errors[8][0][1], (
        errors[8]
    )
    assert errors[9][0][0] == "Đơn vị cấp trên (mã hoặc tên)"
    assert "Đơn vị cấp trên “Ban Giải thể” đã thôi hoạt động ngày 30/06/2024" in errors[9][0][1]
    assert "ghi ở dòng 11, dưới dòng này" in errors[10][0][1]
    assert errors[12][0][0] == "Tên đơn vị" and "(Tên này đã ghi ở dòng 11 của tệp.)" in errors[12][0][1]
    assert errors[13] == [("Mã đơn vị", "Mã “SAU” đã ghi ở dòng 11. Mỗi đơn vị một mã riêng.")]
    assert errors[14] == [("Ghi chú", "Dài 101 ký tự, quá 100 ký tự.")]
    assert [column for column, _message in errors[15]] == ["Loại đơn vị", "Đơn vị cấp trên (mã hoặc tên)"]
    assert batch.counts == {RowAction.CREATE: 1, RowAction.ERROR: 13}
    assert not batch.can_confirm

    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Chưa nhập được: hãy sửa các lỗi" in page
    assert "Tên đơn vị (A2):" in page
    client.post(reverse("intake:batch_confirm", args=[batch.pk]))
    assert Unit.objects.count() == before


def test_a_parent_named_by_several_earlier_rows_asks_for_its_code(tree, client_for):
    rows = [
        ("Đảng ủy xã Một", COMMUNE, "BK"),
        ("Chi bộ thôn 1", CELL, "Đảng ủy xã Một"),
        ("Đảng ủy xã Hai", COMMUNE, "BK"),
        ("Chi bộ thôn 1", CELL, "Đảng ủy xã Hai"),
        ("Tổ dân phố 1", "Thôn, tổ dân phố, khu dân cư", "Chi bộ thôn 1"),
    ]
    _response, batch = upload(client_for(tree.admin_province), sheet(rows))
    errors = errors_of(batch)
    assert list(errors) == [6]
    assert "là tên của nhiều dòng trên (dòng 3, 5)" in errors[6][0][1]


def test_a_registry_change_after_the_check_writes_nothing(tree, client_for, admin_a):
    client = client_for(admin_a)
    rows = [("Đảng ủy xã Mới", COMMUNE, "BT"), ("Chi bộ thôn Mới", CELL, "Đảng ủy xã Mới")]
    _response, batch = upload(client, sheet(rows))
    assert batch.can_confirm
    make_unit("Chi bộ thôn Lạ", tree.a)
    Unit.objects.filter(pk=tree.a.pk).update(valid_to="2024-12-31")  # A closed meanwhile
    before = Unit.objects.count()
    client.post(reverse("intake:batch_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.message.startswith("Dòng 2 (“Đảng ủy xã Mới”): Đơn vị cấp trên “Huyện ủy Bạch Thông”")
    assert "Không dòng nào được nhập" in batch.message
    assert Unit.objects.count() == before


# Each role's scope -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer_a", "editor_a", "editor_b"])
def test_viewers_and_editors_cannot_import_units(tree, client_for, who):
    client = client_for(getattr(tree, who))
    assert client.get(reverse("intake:unit_upload")).status_code == 403
    assert client.get(reverse("intake:unit_template")).status_code == 403
    response = client.post(
        reverse("intake:unit_upload"), {"file": SimpleUploadedFile("x.xlsx", sheet([("X", CELL, "BT")]))}
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()
    with pytest.raises(PermissionDenied):
        services.import_create(user=getattr(tree, who), name="x.xlsx", content=b"", kind=ImportKind.UNITS)


def test_a_unit_administrator_adds_units_only_inside_their_subtree(tree, client_for, admin_a):
    rows = [
        ("Chi bộ thôn Trong", CELL, "Đảng ủy xã Cẩm Giàng"),
        ("Chi bộ thôn Ngoài", CELL, "Thành ủy Bắc Kạn"),
        ("Đảng ủy xã Ngoài", COMMUNE, "BK"),
    ]
    _response, batch = upload(client_for(admin_a), sheet(rows))
    errors = errors_of(batch)
    assert sorted(errors) == [3, 4]
    assert "không thuộc phạm vi bạn quản trị" in errors[3][0][1]
    assert "không thuộc phạm vi bạn quản trị" in errors[4][0][1]
    # Another branch's administrator never sees this batch.
    other = UserFactory(username="quantri_b")
    MembershipFactory(user=other, unit=tree.b, role=Role.ADMIN)
    client = client_for(other)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("intake:batch_confirm", args=[batch.pk])).status_code == 404
    assert client.post(reverse("intake:batch_delete", args=[batch.pk])).status_code == 404


def test_the_province_administrator_and_a_superuser_add_anywhere_below_them(tree, client_for, superuser):
    rows = [("Chi bộ thôn Mới", CELL, "Thành ủy Bắc Kạn"), ("Đảng ủy xã Mới", COMMUNE, "Tỉnh ủy Bắc Kạn")]
    for user in (tree.admin_province, superuser):
        ImportBatch.objects.all().delete()
        _response, batch = upload(client_for(user), sheet(rows))
        assert batch.counts == {RowAction.CREATE: 2}, errors_of(batch)


def test_the_template_lists_the_types_and_the_administered_units(tree, client_for, admin_a):
    response = client_for(admin_a).get(reverse("intake:unit_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data = workbook[unitimport.SHEET]
    assert [cell.value for cell in data[1]] == HEADERS
    validation = data.data_validations.dataValidation[0]
    assert "B2:B1001" in str(validation.sqref)
    lists = workbook[unitimport.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [cell.value for cell in lists["A"]][1:] == [str(label) for label in UnitType.labels]
    units = [row[1] for row in workbook[unitimport.UNITS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert units == ["Huyện ủy Bạch Thông", "Đảng ủy xã Cẩm Giàng", "Chi bộ thôn Nà Phải"]
    # The template filled in goes in as it is.
    for column, value in enumerate(["Chi bộ thôn Mới", CELL, "BT-CG"], start=1):
        data.cell(row=2, column=column, value=value)
    output = io.BytesIO()
    workbook.save(output)
    _response, batch = upload(client_for(admin_a), output.getvalue())
    assert batch.counts == {RowAction.CREATE: 1}


# Odd files ---------------------------------------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_refused_at_upload(tree, client_for):
    response, batch = upload(client_for(tree.admin_province), b"ten,loai\nA,B\n", name="don-vi.csv")
    assert batch is None
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (make_xlsx([]), "Tệp không có dữ liệu"),
        (sheet([]), "không có dòng dữ liệu nào dưới dòng tiêu đề"),
        (make_xlsx([["a", "b"]], ["Họ tên", "Tuổi"], sheet="Trang 1"), "Không tìm thấy dòng tiêu đề"),
        (make_xlsx([["Chi bộ X", CELL]], ["Tên đơn vị", "Loại đơn vị"]), "Thiếu cột “Đơn vị cấp trên"),
        (
            make_xlsx([["Chi bộ X", CELL, "BT", "?"]], ["Tên đơn vị", "Loại đơn vị", "Trực thuộc", "Màu"]),
            "Không biết các cột “Màu” (D)",
        ),
        (
            make_xlsx([["X", CELL, "BT", "Y"]], ["Tên đơn vị", "Loại đơn vị", "Trực thuộc", "Tên đơn vị"]),
            "lặp lại một cột đã có",
        ),
    ],
)
def test_odd_files_get_a_message_and_no_row(tree, client_for, content, message):
    response, batch = upload(client_for(tree.admin_province), content)
    assert response.status_code == 200
    assert any(message in error for error in batch.summary["file_errors"]), batch.summary
    assert not batch.can_confirm
    assert not batch.rows.filter(action=RowAction.CREATE).exists()


def test_odd_requests_never_answer_500(tree, client_for):
    client = client_for(tree.admin_province)
    _response, batch = upload(client, sheet([("Chi bộ X", CELL, "BT")]))
    for query in ("?show=nothing", "?page=abc", "?page=99999&show=error", "?show[]=1"):
        assert client.get(batch.get_absolute_url() + query).status_code == 200
    assert client.get(reverse("intake:batch_detail", args=[999999])).status_code == 404
    assert client.post(reverse("intake:unit_upload"), {}).status_code == 200
    assert client.post(reverse("intake:unit_upload"), {"file": "text"}).status_code == 200
    assert client.post(reverse("intake:batch_confirm", args=[999999])).status_code == 404


def test_the_unit_pages_and_the_import_page_link_to_the_unit_import(tree, client_for):
    client = client_for(tree.admin_province)
    link = reverse("intake:unit_upload")
    assert link in client.get(reverse("registry:unit_list")).content.decode()
    assert link in client.get(reverse("registry:unit_detail", args=[tree.a.pk])).content.decode()
    assert link in client.get(reverse("intake:upload")).content.decode()
    editor = client_for(tree.editor_a)
    assert link not in editor.get(reverse("registry:unit_list")).content.decode()
    assert link not in editor.get(reverse("intake:upload")).content.decode()


def test_a_sheet_beyond_the_row_limit_is_refused_whole(tree, client_for, monkeypatch):
    monkeypatch.setattr(unitimport, "MAX_ROWS", 5)
    rows = [(f"Chi bộ thôn {n}", CELL, "BT") for n in range(1, 7)]
    _response, batch = upload(client_for(tree.admin_province), sheet(rows))
    assert batch.summary["file_errors"] == ["Tệp có hơn 5 dòng. Hãy chia danh sách đơn vị thành nhiều tệp."]
    assert not batch.rows.exists() and not batch.can_confirm


def test_a_sheet_checked_in_english_reads_in_english(tree, client_for):
    client = client_for(tree.admin_province)
    rows = [("Chi bộ thôn Mới", "Party cell", "BT"), ("", CELL, "BT")]
    client.post(
        reverse("intake:unit_upload"),
        {"file": SimpleUploadedFile("units.xlsx", sheet(rows))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    batch = ImportBatch.objects.get(kind=ImportKind.UNITS)
    assert batch.counts == {RowAction.CREATE: 1, RowAction.ERROR: 1}
    page = html.unescape(client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "The unit's name is missing." in page
