"""Unit A never sees, edits or exports anything of unit B unless B is below A."""

import pytest
from django.urls import reverse

from registry import services
from registry.models import Decision, Initiative, Registration, Unit
from registry.querysets import CHANGE

pytestmark = pytest.mark.django_db


def urls_of_unit_b(tree):
    """Every page that shows or changes one of unit B's objects."""
    b, initiative, registration, decision = tree.b, tree.initiative_b, tree.registration_b, tree.decision_b
    return [
        ("get", reverse("registry:initiative_detail", args=[initiative.pk])),
        ("get", reverse("registry:initiative_update", args=[initiative.pk])),
        ("get", reverse("registry:initiative_delete", args=[initiative.pk])),
        ("post", reverse("registry:initiative_delete", args=[initiative.pk])),
        ("get", reverse("registry:registration_create", args=[initiative.pk])),
        ("post", reverse("registry:registration_create", args=[initiative.pk])),
        ("get", reverse("registry:attachment_create", args=[initiative.pk])),
        ("get", reverse("registry:registration_update", args=[registration.pk])),
        ("post", reverse("registry:registration_update", args=[registration.pk])),
        ("post", reverse("registry:registration_delete", args=[registration.pk])),
        ("get", reverse("registry:decision_detail", args=[decision.pk])),
        ("get", reverse("registry:decision_update", args=[decision.pk])),
        ("post", reverse("registry:decision_delete", args=[decision.pk])),
        ("get", reverse("registry:decision_registrations", args=[decision.pk])),
        ("get", reverse("registry:decision_document", args=[decision.pk])),
        ("get", reverse("registry:unit_detail", args=[b.pk])),
        ("get", reverse("registry:unit_update", args=[b.pk])),
        ("get", reverse("registry:unit_children", args=[b.pk])),
        ("get", reverse("registry:membership_create", args=[b.pk])),
        ("get", reverse("registry:history", args=["don-vi", b.pk])),
        ("get", reverse("registry:history", args=["mo-hinh", initiative.pk])),
        ("get", reverse("registry:history", args=["dang-ky", registration.pk])),
        ("get", reverse("registry:history", args=["quyet-dinh", decision.pk])),
    ]


def test_editor_of_a_gets_404_on_every_page_of_b(tree, client_for):
    client = client_for(tree.editor_a)
    for method, url in urls_of_unit_b(tree):
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
    tree.initiative_b.refresh_from_db()
    assert not tree.initiative_b.is_deleted
    assert Registration.objects.filter(initiative=tree.initiative_b).count() == 1


def test_editor_of_a_cannot_reach_the_province_above(tree, client_for):
    client = client_for(tree.editor_a)
    assert client.get(reverse("registry:unit_detail", args=[tree.province.pk])).status_code == 404
    assert client.get(reverse("registry:unit_detail", args=[tree.cell.pk])).status_code == 200


def test_lists_of_a_never_show_b(tree, client_for):
    client = client_for(tree.editor_a)
    page = client.get(reverse("registry:registration_list")).content.decode()
    assert tree.initiative_a.name in page
    assert "Tổ dân phố tự quản" not in page
    decisions = client.get(reverse("registry:decision_list")).content.decode()
    assert tree.decision_a.reference in decisions
    assert tree.decision_b.reference not in decisions
    units = client.get(reverse("registry:unit_list")).content.decode()
    assert "Thành ủy Bắc Kạn" not in units
    search = client.get(reverse("registry:unit_list"), {"q": "thanh uy"}).content.decode()
    assert "Thành ủy Bắc Kạn" not in search


def test_filtering_the_list_by_unit_b_shows_nothing_of_b(tree, client_for):
    client = client_for(tree.editor_a)
    response = client.get(reverse("registry:registration_list"), {"unit": tree.b.pk})
    assert response.status_code == 200
    assert "Tổ dân phố tự quản" not in response.content.decode()


def test_choice_fields_offer_only_units_in_scope(tree, client_for):
    client = client_for(tree.editor_a)
    for name in ["registry:initiative_create", "registry:decision_create"]:
        form = client.get(reverse(name)).context["form"]
        field = form.fields.get("unit") or form.fields["issuing_unit"]
        assert set(field.queryset) == {tree.a, tree.commune, tree.cell}
    list_form = client.get(reverse("registry:registration_list")).context["filter"].form
    assert tree.b not in list_form.fields["unit"].queryset


def test_editor_cannot_create_an_initiative_in_unit_b(tree, client_for):
    client = client_for(tree.editor_a)
    response = client.post(
        reverse("registry:initiative_create"),
        {
            "name": "Mô hình lạc chỗ",
            "unit": tree.b.pk,
            "kind": "collective",
            "field": tree.initiative_a.field_id,
            "grade": "model",
            "year": 2024,
            "registered_on": "2024-03-01",
            "level": "grassroots",
            "status": "new",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Initiative.objects.filter(name="Mô hình lạc chỗ").exists()


def test_viewer_reads_but_cannot_change(tree, client_for):
    client = client_for(tree.viewer_a)
    assert client.get(tree.initiative_a.get_absolute_url()).status_code == 200
    assert client.get(reverse("registry:initiative_update", args=[tree.initiative_a.pk])).status_code == 404
    assert client.post(reverse("registry:initiative_delete", args=[tree.initiative_a.pk])).status_code == 404
    assert client.get(reverse("registry:registration_create", args=[tree.initiative_a.pk])).status_code == 404
    assert client.get(reverse("registry:decision_update", args=[tree.decision_a.pk])).status_code == 404
    assert not Unit.objects.restrict(tree.viewer_a, CHANGE).exists()


def test_decision_from_above_is_readable_but_shows_only_covered_rows_in_scope(tree, client_for):
    # The province-level body also covers A.
    services.decision_set_registrations(user=None, decision=tree.decision_b, add=[tree.registration_a])
    client = client_for(tree.editor_a)
    response = client.get(reverse("registry:decision_detail", args=[tree.decision_b.pk]))
    assert response.status_code == 200
    assert list(response.context["covered"]) == [tree.registration_a]
    assert client.get(reverse("registry:decision_update", args=[tree.decision_b.pk])).status_code == 404


def test_administrator_manages_only_the_subtree(tree, client_for):
    client = client_for(tree.admin_province)
    assert client.get(reverse("registry:unit_update", args=[tree.b.pk])).status_code == 200
    client = client_for(tree.editor_a)
    assert client.get(reverse("registry:unit_update", args=[tree.a.pk])).status_code == 404
    assert client.get(reverse("registry:unit_create")).status_code == 403


def test_anonymous_users_are_sent_to_login(tree, client):
    response = client.get(reverse("registry:registration_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_querysets_restrict_every_model(tree):
    user = tree.editor_a
    assert set(Initiative.objects.restrict(user)) == {tree.initiative_a}
    assert set(Registration.objects.restrict(user)) == {tree.registration_a}
    assert set(Decision.objects.restrict(user)) == {tree.decision_a}
    assert set(Decision.objects.restrict(tree.editor_b)) == {tree.decision_b}
    assert set(Initiative.objects.restrict(tree.admin_province)) == {tree.initiative_a, tree.initiative_b}


def test_only_superusers_change_the_national_field_list(tree, client_for):
    # Fields are shared by every unit (registry.views.fields): a unit's administrator only reads them.
    assert client_for(tree.editor_a).get(reverse("registry:field_create")).status_code == 403
    client = client_for(tree.admin_province)
    response = client.post(
        reverse("registry:field_create"),
        {"name": "Chuyển đổi số", "standard": "economy", "order": 15, "is_active": "on"},
    )
    assert response.status_code == 403
    assert client.get(reverse("registry:field_list")).status_code == 200
