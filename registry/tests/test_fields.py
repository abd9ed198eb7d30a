"""The national list of fields: everyone reads it, only superusers change it, counts stay in scope."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from registry import services
from registry.choices import Role
from registry.models import Field

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_FIELD = {"name": "Chuyển đổi số", "standard": "economy", "order": 15, "is_active": "on"}


@pytest.fixture
def superuser():
    return UserFactory(username="hethong", is_superuser=True, is_staff=True)


def test_a_provincial_administrator_cannot_add_or_change_a_field(tree, client_for):
    client = client_for(tree.admin_province)
    field = Field.objects.first()

    assert client.get(reverse("registry:field_create")).status_code == 403
    assert client.post(reverse("registry:field_create"), NEW_FIELD).status_code == 403
    assert client.post(reverse("registry:field_update", args=[field.pk]), NEW_FIELD).status_code == 403
    assert not Field.objects.filter(name=NEW_FIELD["name"]).exists()
    field.refresh_from_db()
    assert field.name != NEW_FIELD["name"]


def test_a_superuser_adds_a_field_and_the_history_names_them(superuser, client_for):
    response = client_for(superuser).post(reverse("registry:field_create"), NEW_FIELD)

    assert response.status_code == 302
    field = Field.objects.get(name=NEW_FIELD["name"])
    assert field.history.get().history_user == superuser


def test_the_list_shows_the_entry_points_to_superusers_only(tree, superuser, client_for):
    page = client_for(tree.admin_province).get(reverse("registry:field_list")).content.decode()
    assert reverse("registry:field_create") not in page
    assert "chỉ quản trị hệ thống được thêm, sửa" in page

    page = client_for(superuser).get(reverse("registry:field_list")).content.decode()
    assert reverse("registry:field_create") in page


def test_the_service_refuses_anyone_but_a_superuser(tree, superuser):
    with pytest.raises(PermissionDenied):
        services.field_save(user=tree.admin_province, field=Field(name="Khác", standard="economy"))
    assert services.field_save(user=superuser, field=Field(name="Khác", standard="economy")).pk


def test_staff_with_field_permissions_cannot_change_fields_in_the_admin(tree, client_for):
    staff = UserFactory(username="nhanvien", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__model="field"))
    MembershipFactory(user=staff, unit=tree.province, role=Role.ADMIN)
    client = client_for(staff)
    field = Field.objects.first()

    assert client.get(reverse("admin:registry_field_changelist")).status_code == 200
    assert client.get(reverse("admin:registry_field_add")).status_code == 403
    url = reverse("admin:registry_field_change", args=[field.pk])
    client.post(url, {"name": "Đổi tên", "standard": field.standard, "order": 1})
    field.refresh_from_db()
    assert field.name != "Đổi tên"
    assert (
        client.post(reverse("admin:registry_field_delete", args=[field.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_the_counts_of_the_list_stay_inside_the_users_scope(tree, client_for):
    # Both branches' models are filed under the same field; A's editor counts A's only.
    assert tree.initiative_a.field_id == tree.initiative_b.field_id
    response = client_for(tree.editor_a).get(reverse("registry:field_list"))

    used = {field.pk: field.used for field in response.context["object_list"]}
    assert used[tree.initiative_a.field_id] == 1
    response = client_for(tree.admin_province).get(reverse("registry:field_list"))
    assert {field.pk: field.used for field in response.context["object_list"]}[
        tree.initiative_a.field_id
    ] == 2
