"""What a row means: units whose names differ by a tone mark, persons with the same model title.

The findings: Đông Thạnh and Đông Thành (both real communes) could not be told apart even when
the name was picked from the template's own list; two persons of one commune registering the
same individual title ("Nông dân sản xuất kinh doanh giỏi") were refused as duplicates.
"""

import pytest

from intake.models import BatchStatus
from registry.choices import Kind, UnitType
from registry.models import Initiative
from registry.tests.factories import InitiativeFactory, RegistrationFactory, make_unit

from .conftest import make_xlsx
from .test_import import check, confirm, errors_by_row

pytestmark = pytest.mark.django_db

HEADERS = ["Đơn vị", "Tên mô hình", "Loại", "Họ và tên cá nhân", "Lĩnh vực", "Năm", "Ngày đăng ký"]
TITLE = "Nông dân sản xuất kinh doanh giỏi"


@pytest.fixture
def tones(tree):
    """Two communes of Bạch Thông whose names differ only by a tone mark."""
    return (
        make_unit("Đảng ủy xã Đông Thạnh", tree.a, UnitType.COMMUNE, code="BT-DT1"),
        make_unit("Đảng ủy xã Đông Thành", tree.a, UnitType.COMMUNE, code="BT-DT2"),
    )


def unit_row(unit, name):
    return [unit, name, "Tập thể", "", "Kinh tế", 2024, "15/03/2024"]


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Đảng ủy xã Đông Thạnh", 0),  # as the template's list of units writes it
        ("Đảng ủy xã Đông Thành", 1),
        ("ĐẢNG ỦY XÃ ĐÔNG THÀNH", 1),  # case does not matter
        ("Xã Đông Thạnh", 0),  # the organisational word left out
        ("X. Đông Thành", 1),  # abbreviated
    ],
)
def test_a_name_written_with_its_tone_marks_finds_its_own_unit(tree, tones, written, meant):
    batch = check(tree.editor_a, make_xlsx([unit_row(written, "Mô hình đúng xã")], HEADERS))
    assert batch.counts == {"create": 1}, errors_by_row(batch)
    assert batch.rows.get().unit_id_checked == tones[meant].pk


def test_a_name_without_tone_marks_that_fits_both_says_so(tree, tones):
    batch = check(tree.editor_a, make_xlsx([unit_row("Xa Dong Thanh", "Mô hình không dấu")], HEADERS))
    [(column, message)] = errors_by_row(batch)[2]
    assert column == "A"
    assert "bỏ qua dấu thì khớp với nhiều đơn vị" in message
    assert "Đông Thạnh" in message and "Đông Thành" in message and "mã đơn vị" in message


def test_a_name_without_tone_marks_is_still_found_when_only_one_unit_fits(tree):
    batch = check(tree.editor_a, make_xlsx([unit_row("xa cam giang", "Mô hình không dấu")], HEADERS))
    assert batch.rows.get().unit_id_checked == tree.commune.pk


def person_row(person, name=TITLE, year=2024):
    return ["X. Cẩm Giàng", name, "Cá nhân", person, "Kinh tế", year, f"15/03/{year}"]


def test_two_persons_with_the_same_title_in_one_commune_are_two_models(tree):
    content = make_xlsx([person_row("Nguyễn Văn An"), person_row("Trần Thị Bình")], HEADERS)
    batch = confirm(check(tree.editor_a, content))
    assert batch.status == BatchStatus.DONE, batch.message
    models = Initiative.objects.filter(name=TITLE).order_by("person_name")
    assert [(m.person_name, m.kind) for m in models] == [
        ("Nguyễn Văn An", Kind.INDIVIDUAL),
        ("Trần Thị Bình", Kind.INDIVIDUAL),
    ]


def test_a_third_person_adds_a_model_and_a_known_one_updates_theirs(tree):
    for person in ("Nguyễn Văn An", "Trần Thị Bình"):
        InitiativeFactory(unit=tree.commune, name=TITLE, kind=Kind.INDIVIDUAL, person_name=person, year=2024)
    content = make_xlsx(
        [person_row("Lê Văn Cường"), person_row("nguyen van an", year=2025)],  # accents optional
        HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert dict(batch.rows.values_list("number", "action")) == {2: "create", 3: "create"}
    an = Initiative.objects.get(person_name="Nguyễn Văn An")
    assert batch.rows.get(number=3).initiative_id_checked == an.pk  # a new year of An's model
    assert batch.rows.get(number=2).initiative_id_checked is None  # Cường's model is new
    assert confirm(batch).status == BatchStatus.DONE
    assert Initiative.objects.filter(name=TITLE).count() == 3


def test_a_row_that_names_no_person_when_several_share_the_title_asks_for_one(tree):
    for person in ("Nguyễn Văn An", "Trần Thị Bình"):
        InitiativeFactory(unit=tree.commune, name=TITLE, kind=Kind.INDIVIDUAL, person_name=person, year=2024)
    batch = check(
        tree.editor_a, make_xlsx([["X. Cẩm Giàng", TITLE, "", "", "", 2025, "15/03/2025"]], HEADERS)
    )
    [(column, message)] = errors_by_row(batch)[2]
    assert column == "D" and "Hãy ghi họ và tên người thực hiện" in message


def test_the_same_person_twice_in_a_file_is_still_a_duplicate(tree):
    content = make_xlsx([person_row("Nguyễn Văn An"), person_row("NGUYỄN VĂN AN")], HEADERS)
    batch = check(tree.editor_a, content)
    assert "Trùng với dòng 2" in errors_by_row(batch)[3][0][1]


def test_a_model_name_written_exactly_wins_over_one_that_differs_by_a_tone_mark(tree):
    exact = InitiativeFactory(unit=tree.commune, name="Mô hình Đông Thạnh", year=2023)
    InitiativeFactory(unit=tree.commune, name="Mô hình Đông Thành", year=2023)
    batch = check(
        tree.editor_a,
        make_xlsx([["X. Cẩm Giàng", "Mô hình Đông Thạnh", "", "", "", 2024, "15/03/2024"]], HEADERS),
    )
    assert batch.rows.get().initiative_id_checked == exact.pk


def test_two_rows_that_reach_one_model_and_year_by_different_spellings_are_refused(tree):
    RegistrationFactory(
        initiative=InitiativeFactory(
            unit=tree.commune, name=TITLE, kind=Kind.INDIVIDUAL, person_name="Nguyễn Văn An"
        ),
        year=2024,
    )
    content = make_xlsx(
        [
            ["X. Cẩm Giàng", TITLE, "", "Nguyễn Văn An", "", 2024, ""],
            ["X. Cẩm Giàng", TITLE, "", "", "", 2024, ""],  # no person: the only model of that title
        ],
        HEADERS,
    )
    batch = check(tree.editor_a, content)
    assert "cùng ghi một mô hình, một năm" in errors_by_row(batch)[3][0][1]
