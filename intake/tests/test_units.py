"""Unit names are matched the way people write them, inside the user's scope only."""

import pytest

from intake.units import UnitMatcher, name_key
from registry.choices import UnitType
from registry.tests.factories import make_unit, reorganise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written",
    [
        "Đảng ủy xã Cẩm Giàng",
        "dang uy xa cam giang",
        "ĐẢNG ỦY XÃ CẨM GIÀNG",
        "  Đảng   ủy xã  Cẩm Giàng ",
        "ĐU xã Cẩm Giàng",
        "ĐU X. Cẩm Giàng",
        "X. Cẩm Giàng",
        "x.cam giang",
        "Xã Cẩm Giàng",
        "BT-CG",
        "bt-cg",
    ],
)
def test_a_commune_is_found_however_it_is_written(tree, written):
    unit, error = UnitMatcher(tree.editor_a).resolve(name=written, year=2024)
    assert error is None
    assert unit == tree.commune


def test_cells_ward_and_town_abbreviations_expand():
    assert name_key("CB thôn Nà Phải") == "chi bo thon na phai"
    assert name_key("P. Đức Xuân") == "phuong duc xuan"
    assert name_key("TT. Phủ Thông") == "thi tran phu thong"
    assert name_key("Hội du lịch") == "hoi du lich"  # a lower-case word is not an abbreviation


def test_a_code_column_wins_over_the_name(tree):
    unit, error = UnitMatcher(tree.editor_a).resolve(code="bt-cg-np", name="whatever", year=2024)
    assert (unit, error) == (tree.cell, None)


def test_an_unknown_code_is_an_error(tree):
    unit, error = UnitMatcher(tree.editor_a).resolve(code="XX-1", year=2024)
    assert unit is None and "XX-1" in error


def test_an_unknown_name_lists_the_closest_units_of_the_scope(tree):
    unit, error = UnitMatcher(tree.editor_a).resolve(name="Đảng ủy xã Cẩm Giang Mới", year=2024)
    assert unit is None
    assert "Có phải là" in error and "Đảng ủy xã Cẩm Giàng (mã BT-CG)" in error


def test_a_unit_outside_the_scope_is_not_found_and_not_suggested(tree):
    unit, error = UnitMatcher(tree.editor_a).resolve(name="Thành ủy Bắc Kạn", year=2024)
    assert unit is None
    assert "Không tìm thấy" in error
    assert "(mã TP)" not in error


def test_an_ambiguous_name_lists_the_candidates_with_their_codes(tree):
    make_unit("Chi bộ thôn Bản Vẻn", tree.commune, UnitType.CELL, code="CG-BV1")
    make_unit("Chi bộ thôn Bản Vẻn", tree.cell, UnitType.CELL, code="CG-BV2")
    unit, error = UnitMatcher(tree.editor_a).resolve(name="CB thôn Bản Vẻn", year=2024)
    assert unit is None
    assert "CG-BV1" in error and "CG-BV2" in error and "Mã đơn vị" in error


@pytest.fixture
def merged(tree, closed_commune):
    """Xã Quân Bình closed on 30/6/2025 and merged into xã Cẩm Giàng."""
    return closed_commune


def test_a_former_name_goes_to_the_old_unit_for_the_years_it_existed(tree, merged):
    matcher = UnitMatcher(tree.editor_a)
    assert matcher.resolve(name="X. Quân Bình", year=2024) == (merged, None)
    assert matcher.resolve(name="X. Quân Bình", year=2025) == (merged, None)


def test_a_former_name_goes_to_the_successor_after_the_unit_closed(tree, merged):
    assert UnitMatcher(tree.editor_a).resolve(name="xa quan binh", year=2026) == (tree.commune, None)


def test_a_former_unit_outside_the_scope_still_leads_to_its_successor_inside(tree):
    from registry.choices import Role
    from registry.tests.factories import MembershipFactory, UserFactory

    old = make_unit("Đảng ủy xã Sĩ Bình", tree.b, UnitType.COMMUNE)
    reorganise([old], into=tree.commune)
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    matcher = UnitMatcher(editor)
    assert matcher.resolve(name="Xã Sĩ Bình", year=2026) == (tree.commune, None)
    # The successor's editors may correct their predecessors' past records.
    old.refresh_from_db()
    assert matcher.resolve(name="Xã Sĩ Bình", year=2024) == (old, None)
    assert old.pk in matcher.scope_ids
