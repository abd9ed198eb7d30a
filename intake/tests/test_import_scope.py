"""A row only touches what the user may change: the rule of the pages, ``restrict(user, CHANGE)``.

The finding: an editor of a bloc uploaded a row naming a model of another branch that the bloc
had once registered; confirming it changed that model's field, grade and address, while the
model's pages answered 404 to the same editor.
"""

import pytest

from intake import services
from intake.models import BatchStatus
from registry.models import Field, Registration
from registry.tests.factories import RegistrationFactory

from .conftest import make_xlsx
from .test_import import check, confirm, errors_by_row

pytestmark = pytest.mark.django_db

HEADERS = ["Đơn vị", "Tên mô hình", "Lĩnh vực", "Xếp loại", "Địa chỉ thực hiện", "Năm", "Ngày đăng ký",
           "Số người tham gia, hưởng lợi"]  # fmt: skip
NAME = "Mô hình hiến đất làm đường Bạch Thông"  # owned by a cell of Bạch Thông (branch A)


@pytest.fixture
def registered_by_b(tree):
    """Branch A's model, registered in 2024 by Thành ủy Bắc Kạn (branch B)."""
    return RegistrationFactory(initiative=tree.initiative_a, unit=tree.b, year=2024)


def snapshot(initiative):
    initiative.refresh_from_db()
    return (initiative.field_id, initiative.grade, initiative.address, initiative.updated_at)


def test_a_row_naming_another_branchs_model_is_refused_and_changes_nothing(tree, registered_by_b):
    before = snapshot(tree.initiative_a)
    content = make_xlsx(
        [["Thành ủy Bắc Kạn", NAME, "Bảo vệ môi trường", "Điển hình", "Thôn khác", 2024, "", ""]], HEADERS
    )
    batch = check(tree.editor_b, content)
    assert batch.counts == {"error": 1}
    [(column, message)] = errors_by_row(batch)[2]
    assert column == "C"  # the first column the row would change: Lĩnh vực
    assert "Không tìm thấy mô hình" in message and "bạn được cập nhật" in message
    assert not services.import_start(batch=batch)
    assert snapshot(tree.initiative_a) == before


def test_the_write_refuses_it_too_when_the_rows_were_checked_otherwise(tree, registered_by_b):
    """Defence in depth: a batch whose rows say otherwise is refused at the write, nothing saved."""
    content = make_xlsx([["Thành ủy Bắc Kạn", NAME, "", "", "", 2024, "", "12"]], HEADERS)
    batch = check(tree.editor_b, content)
    assert batch.counts == {"update": 1}
    row = batch.rows.get()
    row.data = {**row.data, "grade": "exemplar", "address": "Thôn khác"}  # as if the check had let it by
    row.save()
    before = snapshot(tree.initiative_a)
    batch = confirm(batch)
    assert batch.status == BatchStatus.FAILED
    assert "Dòng 2" in batch.message and "không còn được cập nhật" in batch.message
    assert "Không dòng nào được nhập" in batch.message
    assert snapshot(tree.initiative_a) == before
    registered_by_b.refresh_from_db()
    assert registered_by_b.people_reached is None


def test_its_registration_by_the_users_unit_is_still_theirs_to_update(tree, registered_by_b):
    """The registration belongs to the bloc (the pages let its editor edit it): its figures import."""
    content = make_xlsx([["Thành ủy Bắc Kạn", NAME, "", "", "", 2024, "", "1.759"]], HEADERS)
    batch = confirm(check(tree.editor_b, content))
    assert batch.status == BatchStatus.DONE, batch.message
    registered_by_b.refresh_from_db()
    assert registered_by_b.people_reached == 1759


def test_an_unchanged_row_of_an_exported_list_stays_unchanged(tree, registered_by_b):
    initiative = tree.initiative_a
    content = make_xlsx(
        [["Thành ủy Bắc Kạn", NAME, initiative.field.name, "Mô hình", "", 2024, "01/03/2024", ""]], HEADERS
    )
    assert check(tree.editor_b, content).counts == {"unchanged": 1}


def test_a_new_year_of_another_branchs_model_is_refused(tree, registered_by_b):
    content = make_xlsx([["Thành ủy Bắc Kạn", NAME, "", "", "", 2025, "01/03/2025", ""]], HEADERS)
    batch = check(tree.editor_b, content)
    [(column, message)] = errors_by_row(batch)[2]
    assert column == "B" and "Không tìm thấy mô hình" in message
    assert not Registration.objects.filter(initiative=tree.initiative_a, year=2025).exists()


def test_the_owner_branch_still_changes_its_model(tree, registered_by_b):
    content = make_xlsx([["Chi bộ thôn Nà Phải", NAME, "Bảo vệ môi trường", "", "", 2023, "", ""]], HEADERS)
    batch = confirm(check(tree.editor_a, content))
    assert batch.status == BatchStatus.DONE, batch.message
    tree.initiative_a.refresh_from_db()
    assert tree.initiative_a.field == Field.objects.get(name="Bảo vệ môi trường")


def test_another_branchs_registration_of_a_model_is_not_updated(tree):
    """Branch A's own model, registered in 2024 by branch B: its 2024 figures are B's to change."""
    registration = RegistrationFactory(initiative=tree.initiative_a, unit=tree.b, year=2024)
    content = make_xlsx([["Chi bộ thôn Nà Phải", NAME, "", "", "", 2024, "", "99"]], HEADERS)
    batch = check(tree.editor_a, content)
    [(column, message)] = errors_by_row(batch)[2]
    assert column == "H" and "Không tìm thấy đăng ký năm 2024" in message
    registration.refresh_from_db()
    assert registration.people_reached is None
