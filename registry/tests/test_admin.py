"""The Django admin writes through the services and shows staff only their own part of the tree."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from registry.choices import LEVEL_RANK, Level, RegistrationStatus, Role
from registry.models import Field, Initiative, Registration, Unit

from .factories import InitiativeFactory, MembershipFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def posted(form, data):
    """Add the values ``form`` shows to ``data``, as the browser sends them back."""
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list | tuple):
            data[form.add_prefix(name)] = ",".join(str(item) for item in value)  # a raw-id list of ids
        elif value not in (None, False, "") and not hasattr(value, "url"):  # files stay as they are
            data[form.add_prefix(name)] = str(value)


def form_data(response, **changes):
    """Return the admin form on ``response`` and its inlines as the browser sends them back, changed."""
    data = {}
    posted(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        for form in [inline.formset.management_form, *inline.formset.initial_forms]:
            posted(form, data)
    data.update({name: str(value) for name, value in changes.items()})
    return data


def change_url(obj):
    return reverse(f"admin:registry_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_registration_added_in_the_admin_counts_in_the_reports(tree, admin_client, tally_is_live):
    response = admin_client.post(
        reverse("admin:registry_registration_add"),
        {
            "initiative": tree.initiative_a.pk,
            "year": 2024,
            "unit": tree.cell.pk,
            "registered_on": "2024-03-01",
            "status": RegistrationStatus.MAINTAINED,
            "level": Level.GRASSROOTS,
            "evaluation": "pending",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    registration = tree.initiative_a.registrations.get(year=2024)
    assert registration.history.first().history_user.is_superuser
    assert tally_is_live()


def test_a_registration_moved_to_another_year_in_the_admin_counts_there(tree, admin_client, tally_is_live):
    url = change_url(tree.registration_a)
    response = admin_client.post(url, form_data(admin_client.get(url), year=2022, registered_on="2022-03-01"))
    assert response.status_code == 302
    tree.registration_a.refresh_from_db()
    assert tree.registration_a.year == 2022
    assert tally_is_live()


def test_an_initiatives_field_changed_in_the_admin_counts_in_its_new_field(tree, admin_client, tally_is_live):
    other = Field.objects.exclude(pk=tree.initiative_a.field_id).first()
    url = change_url(tree.initiative_a)
    response = admin_client.post(url, form_data(admin_client.get(url), field=other.pk))
    assert response.status_code == 302
    tree.initiative_a.refresh_from_db()
    assert tree.initiative_a.field == other
    assert tally_is_live()


def test_a_decisions_registrations_changed_in_the_admin_change_their_recognition(
    tree, admin_client, tally_is_live
):
    url = change_url(tree.decision_a)
    response = admin_client.post(url, form_data(admin_client.get(url), registrations=tree.registration_b.pk))
    assert response.status_code == 302
    assert list(tree.decision_a.registrations.all()) == [tree.registration_b]
    ranks = dict(Registration.objects.values_list("pk", "recognition_rank"))
    assert ranks == {tree.registration_a.pk: None, tree.registration_b.pk: LEVEL_RANK[Level.DISTRICT]}
    assert tally_is_live()


def test_a_decision_added_in_the_admin_recognises_its_registrations(tree, admin_client, tally_is_live):
    response = admin_client.post(
        reverse("admin:registry_decision_add"),
        {
            "kind": "recognition",
            "number": "77",
            "symbol": "QĐ/TU",
            "signed_on": "2023-12-30",
            "issuing_unit": tree.province.pk,
            "issuer_name": "Ban Thường vụ Tỉnh ủy",
            "level": Level.PROVINCE,
            "title": "Về việc công nhận mô hình",
            "registrations": f"{tree.registration_a.pk},{tree.registration_b.pk}",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(Registration.objects.values_list("recognition_rank", flat=True)) == {
        LEVEL_RANK[Level.PROVINCE]
    }
    assert tally_is_live()


def test_an_initiative_deleted_in_the_admin_is_hidden_and_no_longer_counted(
    tree, admin_client, tally_is_live
):
    initiative = InitiativeFactory(unit=tree.cell, year=2024)
    RegistrationFactory(initiative=initiative, year=2025)
    url = reverse("admin:registry_initiative_delete", args=[initiative.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.is_deleted
    assert initiative.registrations.count() == 2
    assert not Registration.objects.alive().filter(initiative=initiative).exists()
    assert tally_is_live()


def test_delete_selected_hides_the_rows_and_restore_brings_them_back(tree, admin_client, tally_is_live):
    changelist = reverse("admin:registry_initiative_changelist")
    selected = [tree.initiative_a.pk, tree.initiative_b.pk]
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    )
    assert response.status_code == 302
    assert Initiative.objects.filter(pk__in=selected, is_deleted=True).count() == 2
    assert not Registration.objects.alive().exists()
    assert tally_is_live()

    response = admin_client.post(changelist, {"action": "restore_selected", "_selected_action": selected})
    assert response.status_code == 302
    assert Initiative.objects.alive().count() == 2
    assert Registration.objects.alive().count() == 2
    assert tally_is_live()


def test_the_unit_form_cannot_move_nor_close_a_unit(tree, admin_client, tally_is_live):
    url = change_url(tree.cell)
    response = admin_client.get(url)
    form = response.context["adminform"].form
    # The end and the successor change only through a reorganisation, which keeps the lineage.
    assert set(form.fields) == {"name", "short_name", "unit_type", "code", "valid_from", "version"}
    closing = form_data(response, valid_to="30/06/2025", successor=tree.b.pk)
    assert admin_client.post(url, closing).status_code == 302
    cell = Unit.objects.get(pk=tree.cell.pk)
    assert (cell.valid_to, cell.successor_id) == (None, None)
    # What the tree library's move form would send, and a parent.
    moved = form_data(
        admin_client.get(url),
        parent=tree.b.pk,
        treebeard_position="first-child",
        treebeard_ref_node=tree.b.pk,
    )
    assert admin_client.post(url, {**moved, "name": "Chi bộ thôn Nà Phải (mới)"}).status_code == 302
    admin_client.post(reverse("admin:registry_unit_changelist") + "move/", {"node_id": tree.cell.pk, **moved})
    cell = Unit.objects.get(pk=tree.cell.pk)
    assert cell.name == "Chi bộ thôn Nà Phải (mới)"
    assert cell.path == tree.cell.path
    assert Unit.objects.get_parent(cell) == tree.commune
    assert tally_is_live()


def test_a_unit_is_added_under_its_parent_and_never_deleted(tree, admin_client):
    response = admin_client.post(
        reverse("admin:registry_unit_add"),
        {"parent": tree.b.pk, "name": "Chi bộ phường Sông Cầu", "unit_type": "cell", "code": "TP-SC"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Unit.objects.get_parent(Unit.objects.get(code="TP-SC")) == tree.b
    assert admin_client.get(reverse("admin:registry_unit_delete", args=[tree.b.pk])).status_code == 403


@pytest.fixture
def staff_of_a(tree):
    """A staff member who may view and change the registry's records, with a role in district A."""
    user = UserFactory(username="nhanvien_a", is_staff=True)
    models = ["unit", "initiative", "registration", "decision", "membership"]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="registry",
            codename__in=[f"{action}_{model}" for action in ("view", "change", "add") for model in models],
        )
    )
    MembershipFactory(user=user, unit=tree.a, role=Role.ADMIN)
    return user


def listed(client, model):
    response = client.get(reverse(f"admin:registry_{model}_changelist"))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_staff_see_only_their_branch_in_the_admin(tree, staff_of_a, client_for):
    client = client_for(staff_of_a)
    assert listed(client, "unit") == {tree.a, tree.commune, tree.cell}
    assert listed(client, "initiative") == {tree.initiative_a}
    assert listed(client, "registration") == {tree.registration_a}
    assert listed(client, "decision") == {tree.decision_a}
    assert {m.unit for m in listed(client, "membership")} == {tree.a}
    lookup = client.get(reverse("admin:registry_unit_changelist"), {"_popup": 1, "_to_field": "id"})
    assert set(lookup.context["cl"].result_list) == {tree.a, tree.commune, tree.cell}
    for obj in (tree.b, tree.initiative_b, tree.registration_b, tree.decision_b):
        assert client.get(change_url(obj)).status_code == 302  # "does not exist", to the index
        name = f"admin:registry_{obj._meta.model_name}"
        assert client.get(reverse(f"{name}_history", args=[obj.pk])).status_code == 403
        version = obj.history.first().history_id
        assert client.get(reverse(f"{name}_simple_history", args=[obj.pk, version])).status_code == 403


def test_staff_cannot_choose_a_unit_of_another_branch(tree, staff_of_a, client_for, tally_is_live):
    client = client_for(staff_of_a)
    data = {
        "initiative": tree.initiative_a.pk,
        "year": 2024,
        "unit": tree.b.pk,
        "registered_on": "2024-03-01",
        "status": RegistrationStatus.MAINTAINED,
        "level": Level.GRASSROOTS,
        "evaluation": "pending",
    }
    response = client.post(reverse("admin:registry_registration_add"), data)
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    data = {**data, "initiative": tree.initiative_b.pk, "unit": tree.cell.pk}
    response = client.post(reverse("admin:registry_registration_add"), data)
    assert "initiative" in response.context["adminform"].form.errors
    assert not Registration.objects.filter(year=2024).exists()
    response = client.post(
        reverse("admin:registry_unit_add"), {"parent": tree.b.pk, "name": "Chi bộ lạ", "unit_type": "cell"}
    )
    assert "parent" in response.context["adminform"].form.errors
    assert tally_is_live()


def test_the_registrations_shown_with_an_initiative_cannot_be_edited_there(tree, admin_client):
    url = change_url(tree.initiative_a)
    response = admin_client.get(url)
    (inline,) = response.context["inline_admin_formsets"]
    assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    prefix = inline.formset.prefix
    edited = {f"{prefix}-0-id": tree.registration_a.pk, f"{prefix}-0-year": 2030, f"{prefix}-0-DELETE": "on"}
    assert admin_client.post(url, {**form_data(response), **edited}).status_code == 302
    tree.registration_a.refresh_from_db()
    assert tree.registration_a.year == 2023 and not tree.registration_a.is_deleted


@pytest.mark.parametrize("model", ["initiative", "registration", "decision", "unit"])
def test_an_admin_change_form_sent_after_another_save_is_refused_and_then_applies(
    model, tree, admin_client, tally_is_live
):
    from registry import services

    from .factories import DecisionFactory

    obj = {
        "initiative": lambda: tree.initiative_a,
        "registration": lambda: tree.registration_a,
        "decision": lambda: DecisionFactory(issuing_unit=tree.a, registrations=[tree.registration_a]),
        "unit": lambda: tree.cell,
    }[model]()
    url = change_url(obj)
    opened = admin_client.get(url)
    # Someone else saves the record meanwhile.
    other = type(obj)._base_manager.get(pk=obj.pk)
    if model == "registration":
        other.evaluation_note = "Ghi chú của người khác"
        services.registration_update(user=None, registration=other)
    elif model == "initiative":
        other.address = "Địa chỉ của người khác"
        services.initiative_update(user=None, initiative=other)
    elif model == "decision":
        other.signer_name = "Người khác"
        services.decision_update(user=None, decision=other)
    else:
        other.short_name = "Khác"
        services.unit_update(user=None, unit=other)
    text_field = {"initiative": "name", "registration": "results", "decision": "title", "unit": "name"}[model]
    data = form_data(opened, **{text_field: "Bản của tôi"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "sau khi bạn mở trang" in str(response.context["adminform"].form.non_field_errors())
    obj.refresh_from_db()
    assert getattr(obj, text_field) != "Bản của tôi"
    # The page sent again, with the version it now carries, applies the user's values.
    again = form_data(response, **{text_field: "Bản của tôi"})
    assert admin_client.post(url, again).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, text_field) == "Bản của tôi"
    assert tally_is_live()


def test_award_forms_are_changed_by_superusers_only(tree, staff_of_a, client_for, admin_client):
    from django.contrib.auth.models import Permission

    from registry.models import AwardForm

    staff_of_a.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registry", codename__endswith="_awardform")
    )
    award = AwardForm.objects.create(name="Bằng khen thử")
    client = client_for(staff_of_a)
    url = reverse("admin:registry_awardform_change", args=[award.pk])
    assert client.post(url, {"name": "Đổi tên", "order": 1, "is_active": "on"}).status_code == 403
    assert (
        client.post(reverse("admin:registry_awardform_add"), {"name": "Mới", "order": 1}).status_code == 403
    )
    assert (
        client.post(reverse("admin:registry_awardform_delete", args=[award.pk]), {"post": "yes"}).status_code
        == 403
    )
    award.refresh_from_db()
    assert award.name == "Bằng khen thử"
    assert admin_client.post(url, {"name": "Đổi tên", "order": 1, "is_active": "on"}).status_code == 302
    award.refresh_from_db()
    assert award.name == "Đổi tên"


def test_a_conflict_found_by_the_service_after_the_form_sends_back_to_the_change_page(
    tree, admin_client, monkeypatch
):
    from registry import services

    def changed_meanwhile(*, user, initiative, version=None):
        raise services.EditConflict(type(initiative)._base_manager.get(pk=initiative.pk))

    monkeypatch.setattr(services, "initiative_update", changed_meanwhile)
    url = change_url(tree.initiative_a)
    response = admin_client.post(url, form_data(admin_client.get(url), name="Bản của tôi"), follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "sau khi bạn mở trang" in response.content.decode()
    tree.initiative_a.refresh_from_db()
    assert tree.initiative_a.name != "Bản của tôi"
