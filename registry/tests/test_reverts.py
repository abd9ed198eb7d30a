"""Putting a field back to an earlier value from the history: who may, which fields, odd input."""

import pytest
from django.urls import reverse

from registry import history, review, services
from registry.choices import ReviewAction, Role, UnitType
from registry.models import Initiative, Registration, Unit
from registry.tests.factories import (
    CampaignFactory,
    InitiativeFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def rename(user, initiative, name):
    initiative = Initiative.objects.get(pk=initiative.pk)
    version = services.version_of(initiative)
    initiative.name = name
    return services.initiative_update(user=user, initiative=initiative, version=version)


def last_change(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


@pytest.fixture
def renamed(tree):
    """The cell's model renamed twice by A's editor: "Tên thứ nhất", then "Tên thứ hai"."""
    rename(tree.editor_a, tree.initiative_a, "Tên thứ nhất")
    first = last_change(tree.initiative_a)
    rename(tree.editor_a, tree.initiative_a, "Tên thứ hai")
    tree.first_change, tree.second_change = first, last_change(tree.initiative_a)
    return tree


def revert_url(obj_slug, obj, change, field):
    return reverse("registry:history_revert", args=[obj_slug, obj.pk, change.history_id, field])


def history_page(client, user, initiative):
    client.force_login(user)
    return client.get(reverse("registry:history", args=["mo-hinh", initiative.pk]))


def test_an_editor_confirms_then_the_old_value_is_back_with_a_history_entry_saying_so(renamed, client):
    tree = renamed
    page = history_page(client, tree.editor_a, tree.initiative_a)
    url = revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name")
    assert url in page.content.decode() and "Khôi phục giá trị này" in page.content.decode()
    confirm = client.get(url)
    text = confirm.content.decode()
    assert "Tên thứ hai" in text and "Tên thứ nhất" in text  # now, and what comes back
    assert Initiative.objects.get(pk=tree.initiative_a.pk).name == "Tên thứ hai"  # a GET changes nothing
    response = client.post(url, {"version": confirm.context["version"]})
    assert response.status_code == 302
    initiative = Initiative.objects.get(pk=tree.initiative_a.pk)
    assert initiative.name == "Tên thứ nhất"
    assert "thu nhat" in initiative.search_text  # saved as the edit form saves: the search key follows
    entry = history.object_history(initiative, tree.editor_a)[0]
    assert entry.action == history.REVERTED and entry.user_label == tree.editor_a.username
    assert [(c.old, c.new) for c in entry.changes] == [("Tên thứ hai", "Tên thứ nhất")]
    page = client.get(response["Location"]).content.decode()
    assert "Khôi phục giá trị cũ từ lịch sử" in page


def test_no_revert_is_offered_where_the_value_is_already_the_old_one(renamed, client):
    tree = renamed
    page = history_page(client, tree.editor_a, tree.initiative_a).content.decode()
    # The first rename's old value (the tree's name) is not today's: offered; the second's too.
    assert revert_url("mo-hinh", tree.initiative_a, tree.first_change, "name") in page
    rename(tree.editor_a, tree.initiative_a, "Tên thứ nhất")
    page = history_page(client, tree.editor_a, tree.initiative_a).content.decode()
    assert revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name") not in page
    confirm = client.get(revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name"))
    assert "không cần khôi phục" in confirm.content.decode()


@pytest.mark.parametrize(
    ("who", "offered"),
    [("viewer_a", False), ("editor_a", True), ("admin_province", True), ("superuser", True)],
)
def test_the_revert_is_offered_to_those_who_may_edit_and_refused_to_the_others(renamed, client, who, offered):
    tree = renamed
    user = UserFactory(is_superuser=True, is_staff=True) if who == "superuser" else getattr(tree, who)
    url = revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name")
    page = history_page(client, user, tree.initiative_a)
    assert page.status_code == 200
    assert (url in page.content.decode()) is offered
    confirm = client.get(url)
    assert confirm.status_code == (200 if offered else 404)
    version = services.version_of(Initiative.objects.get(pk=tree.initiative_a.pk))
    response = client.post(url, {"version": version})
    assert response.status_code == (302 if offered else 404)
    expected = "Tên thứ nhất" if offered else "Tên thứ hai"
    assert Initiative.objects.get(pk=tree.initiative_a.pk).name == expected


def test_a_user_of_another_branch_sees_neither_the_history_nor_the_revert(renamed, client):
    tree = renamed
    assert history_page(client, tree.editor_b, tree.initiative_a).status_code == 404
    url = revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name")
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": "x"}).status_code == 404
    assert Initiative.objects.get(pk=tree.initiative_a.pk).name == "Tên thứ hai"


def test_odd_input_answers_404_and_changes_nothing(renamed, client):
    tree = renamed
    client.force_login(tree.editor_a)
    other = InitiativeFactory(unit=tree.cell)
    rename(tree.editor_a, other, "Khác")
    creation = tree.initiative_a.history.filter(history_type="+").first()
    base = ["mo-hinh", tree.initiative_a.pk]
    odd = [
        [*base, last_change(other).history_id, "name"],  # a change of another record
        [*base, tree.second_change.history_id, "grade"],  # a field that change did not set
        [*base, tree.second_change.history_id, "search_text"],  # kept by the software
        [*base, tree.second_change.history_id, "is_deleted"],
        [*base, tree.second_change.history_id, "khong-co"],
        [*base, 999999999, "name"],
        [*base, 9 * 10**18, "name"],
        ["khong-co", tree.initiative_a.pk, tree.second_change.history_id, "name"],
        ["de-nghi", tree.initiative_a.pk, tree.second_change.history_id, "name"],
        ["mo-hinh", 999999, tree.second_change.history_id, "name"],
    ]
    if creation is not None:
        odd.append([*base, creation.history_id, "name"])
    for args in odd:
        url = reverse("registry:history_revert", args=args)
        assert client.get(url).status_code == 404, args
        assert client.post(url, {"version": "x"}).status_code == 404, args
    url = revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name")
    for data in [{}, {"version": ""}, {"version": "không phải phiên bản"}, {"version": "x" * 5000}]:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert "chưa khôi phục gì" in response.content.decode()
    assert Initiative.objects.get(pk=tree.initiative_a.pk).name == "Tên thứ hai"


def test_a_change_made_after_the_confirmation_page_opened_is_not_overwritten(renamed, client):
    tree = renamed
    client.force_login(tree.editor_a)
    url = revert_url("mo-hinh", tree.initiative_a, tree.second_change, "name")
    version = client.get(url).context["version"]
    rename(tree.admin_province, tree.initiative_a, "Tên thứ ba")
    response = client.post(url, {"version": version})
    assert response.status_code == 200
    assert "đã được sửa sau khi bạn mở trang này" in response.content.decode()
    assert Initiative.objects.get(pk=tree.initiative_a.pk).name == "Tên thứ ba"
    assert response.context["version"] != version  # confirming again applies it over the new name
    client.post(url, {"version": response.context["version"]})
    assert Initiative.objects.get(pk=tree.initiative_a.pk).name == "Tên thứ nhất"


def test_a_registration_locked_by_the_review_above_is_not_reverted(tree, client):
    CampaignFactory(unit=tree.province, review_unit_types=[UnitType.DISTRICT])
    editor = UserFactory()
    MembershipFactory(user=editor, unit=tree.commune, role=Role.EDITOR)
    registration = RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell), year=2026)
    registration = Registration.objects.get(pk=registration.pk)
    version = services.version_of(registration)
    registration.people_reached = 1200
    services.registration_update(user=editor, registration=registration, version=version)
    change = last_change(registration)
    review.act(user=editor, action=ReviewAction.SUBMIT, registrations=[registration], comment="")
    url = revert_url("dang-ky", registration, change, "people_reached")
    client.force_login(editor)
    page = client.get(reverse("registry:history", args=["dang-ky", registration.pk])).content.decode()
    assert url not in page
    locked = Registration.objects.get(pk=registration.pk)
    response = client.post(url, {"version": services.version_of(locked)})
    assert response.status_code == 200
    assert Registration.objects.get(pk=registration.pk).people_reached == 1200
    # The district that reviews it may put it back.
    client.force_login(tree.editor_a)
    assert url in client.get(reverse("registry:history", args=["dang-ky", registration.pk])).content.decode()
    client.post(url, {"version": services.version_of(locked)})
    assert Registration.objects.get(pk=registration.pk).people_reached is None


def test_a_units_name_is_reverted_by_its_administrator_and_never_its_end(tree, client):
    unit = Unit.objects.get(pk=tree.commune.pk)
    version = services.version_of(unit)
    unit.name = "Đảng ủy xã Cẩm Giàng mới"
    services.unit_update(user=tree.admin_province, unit=unit, version=version)
    change = last_change(unit)
    url = revert_url("don-vi", unit, change, "name")
    client.force_login(tree.editor_a)  # edits models, does not manage units
    assert url not in client.get(reverse("registry:history", args=["don-vi", unit.pk])).content.decode()
    assert client.get(url).status_code == 404
    client.force_login(tree.admin_province)
    assert url in client.get(reverse("registry:history", args=["don-vi", unit.pk])).content.decode()
    for field in ["valid_to", "successor"]:
        assert client.get(revert_url("don-vi", unit, change, field)).status_code == 404
    client.post(url, {"version": services.version_of(Unit.objects.get(pk=unit.pk))})
    assert Unit.objects.get(pk=unit.pk).name == "Đảng ủy xã Cẩm Giàng"


def test_the_review_state_and_the_counts_are_never_offered():
    from registry.reverts import REVERTIBLE

    for model, names in REVERTIBLE.items():
        assert not {"review_state", "reviewer", "valid_to", "successor", "is_deleted", "carrier"} & set(names)
        for name in names:
            model._meta.get_field(name)  # every name is a field


def test_the_history_page_offers_reverts_in_a_fixed_number_of_queries(
    renamed, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tree = renamed
    history_page(client, tree.editor_a, tree.initiative_a)
    with CaptureQueriesContext(connection) as few:
        history_page(client, tree.editor_a, tree.initiative_a)
    for n in range(8):
        rename(tree.editor_a, tree.initiative_a, f"Tên {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = history_page(client, tree.editor_a, tree.initiative_a)
    assert page.content.decode().count("Khôi phục giá trị này:") >= 9
