"""Adding a unit from its form: under a unit one administers, or at the top for a superuser."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from registry import services
from registry.choices import Role, UnitType
from registry.models import Unit

from .factories import MembershipFactory, UserFactory, make_unit


@pytest.fixture
def superuser(db):
    return UserFactory(username="hethong", is_superuser=True, is_staff=True)


def post_unit(client, **values):
    data = {"name": "Tỉnh ủy Thái Nguyên", "unit_type": UnitType.PROVINCE, "token": services.new_token()}
    return client.post(reverse("registry:unit_create"), {**data, **values})


def test_a_superuser_creates_a_top_level_unit_from_the_unit_pages(tree, client_for, superuser):
    client = client_for(superuser)
    page = client.get(reverse("registry:unit_list")).content.decode()
    assert "Thêm đơn vị cấp cao nhất" in page
    form = client.get(reverse("registry:unit_create")).content.decode()
    assert "Để trống để thêm đơn vị cấp cao nhất" in form
    response = post_unit(client, code="TN")
    unit = Unit.objects.get(code="TN")
    assert response.status_code == 302 and response.url == unit.get_absolute_url()
    assert unit.depth == 1 and Unit.objects.get_root_nodes().filter(pk=unit.pk).exists()
    assert unit.history.get().history_user == superuser
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_a_superuser_starts_the_tree_of_an_empty_database(db, client_for, superuser):
    response = post_unit(client_for(superuser))
    assert response.status_code == 302
    assert Unit.objects.get().name == "Tỉnh ủy Thái Nguyên"


def test_a_top_level_unit_never_takes_the_name_of_another_one(tree, client_for, superuser):
    response = post_unit(client_for(superuser), name="tỉnh ủy  Bắc Kạn")
    assert response.status_code == 200
    assert "Đã có đơn vị cấp cao nhất “Tỉnh ủy Bắc Kạn”" in response.content.decode()
    assert Unit.objects.get_root_nodes().count() == 1


@pytest.mark.parametrize("who", ["admin_province", "unit_admin"])
def test_a_unit_administrators_form_never_offers_no_parent(tree, client_for, who):
    if who == "unit_admin":
        user = UserFactory(username="quantri_a")
        MembershipFactory(user=user, unit=tree.a, role=Role.ADMIN)
    else:
        user = tree.admin_province
    client = client_for(user)
    assert "Thêm đơn vị cấp cao nhất" not in client.get(reverse("registry:unit_list")).content.decode()
    form = client.get(reverse("registry:unit_create")).content.decode()
    assert "Để trống để thêm đơn vị cấp cao nhất" not in form
    response = post_unit(client)
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode() or "bắt buộc" in response.content.decode()
    assert not Unit.objects.filter(name="Tỉnh ủy Thái Nguyên").exists()
    with pytest.raises(PermissionDenied):
        services.unit_create(user=user, parent=None, unit=Unit(name="X", unit_type=UnitType.PROVINCE))


def test_the_service_adds_only_under_a_unit_the_user_administers(tree):
    user = UserFactory(username="quantri_a")
    MembershipFactory(user=user, unit=tree.a, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.unit_create(user=user, parent=tree.b, unit=Unit(name="Chi bộ X", unit_type=UnitType.CELL))
    with pytest.raises(PermissionDenied):
        services.unit_create(
            user=tree.editor_a, parent=tree.a, unit=Unit(name="Chi bộ X", unit_type=UnitType.CELL)
        )
    made = services.unit_create(user=user, parent=tree.a, unit=Unit(name="Chi bộ X", unit_type=UnitType.CELL))
    assert Unit.objects.get_parent(made) == tree.a


def test_a_new_unit_fits_its_parents_time_and_takes_no_siblings_name(tree):
    user = tree.admin_province
    with pytest.raises(ValidationError) as same:
        services.unit_create(
            user=user, parent=tree.a, unit=Unit(name="Đảng ủy xã CẨM GIÀNG", unit_type=UnitType.COMMUNE)
        )
    assert same.value.message_dict["name"][0].startswith("Đã có đơn vị “Đảng ủy xã Cẩm Giàng” trực thuộc")
    # The same name is free again once the other unit has closed.
    old = make_unit("Chi bộ thôn Cũ", tree.a, valid_to=datetime.date(2025, 6, 30))
    services.unit_create(
        user=user,
        parent=tree.a,
        unit=Unit(name=old.name, unit_type=UnitType.CELL, valid_from=datetime.date(2025, 7, 1)),
    )
    closed = make_unit("Huyện ủy Cũ", tree.province, UnitType.DISTRICT, valid_to=datetime.date(2025, 6, 30))
    with pytest.raises(ValidationError) as under_closed:
        services.unit_create(user=user, parent=closed, unit=Unit(name="Chi bộ Y", unit_type=UnitType.CELL))
    assert "đã thôi hoạt động ngày 30/06/2025" in under_closed.value.message_dict["parent"][0]
    # For history, a unit that closed with its parent may still be entered.
    services.unit_create(
        user=user,
        parent=closed,
        unit=Unit(name="Chi bộ Y", unit_type=UnitType.CELL, valid_to=datetime.date(2025, 6, 30)),
    )
    young = make_unit("Đảng ủy xã Trẻ", tree.province, UnitType.COMMUNE, valid_from=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError) as early:
        services.unit_create(
            user=user,
            parent=young,
            unit=Unit(name="Chi bộ Z", unit_type=UnitType.CELL, valid_from=datetime.date(2024, 1, 1)),
        )
    assert "hoạt động từ ngày 01/07/2025" in early.value.message_dict["valid_from"][0]


def test_the_unit_form_shows_a_refused_name_on_its_field(tree, client_for):
    response = post_unit(
        client_for(tree.admin_province),
        parent=tree.a.pk,
        name="Đảng ủy xã Cẩm Giàng",
        unit_type=UnitType.COMMUNE,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"][0].startswith("Đã có đơn vị “Đảng ủy xã Cẩm Giàng”")


def test_the_admin_shows_a_refused_place_on_its_form(tree, admin_client):
    response = admin_client.post(
        reverse("admin:registry_unit_add"),
        {"parent": tree.a.pk, "name": "Đảng ủy xã Cẩm Giàng", "unit_type": "commune"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["name"][0].startswith("Đã có đơn vị “Đảng ủy xã Cẩm Giàng” trực thuộc")
