"""The model list as each user keeps it: chosen columns, saved filters, and its download view."""

import csv

import pytest
from django.urls import reverse

from registry import lists
from registry.models import ListColumns, SavedFilter
from registry.tests.factories import InitiativeFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


def list_url(query=""):
    return reverse("registry:registration_list") + (f"?{query}" if query else "")


@pytest.fixture
def superuser(db):
    return UserFactory(username="sieu", is_superuser=True, is_staff=True)


def headers(page):
    return [str(item["column"].label) for item in page.context["columns"]]


# Columns -----------------------------------------------------------------------------------


def test_the_columns_chosen_are_remembered_in_their_order_then_reset(tree, client_for):
    client = client_for(tree.editor_a)
    data = {"show_grade": "on", "order_grade": "1", "show_year": "on", "order_year": "2"}
    for column in lists.LIST_COLUMNS:
        data.setdefault(f"order_{column.key}", "5")
    response = client.post(reverse("registry:list_columns") + "?loc=year%3D2023%26page%3D3", data)
    assert response["Location"] == list_url("year=2023")
    page = client.get(list_url("year=2023"))
    assert headers(page) == ["Xếp loại", "Năm"]
    html = page.content.decode()
    assert '<td class="card-meta">Mô hình</td><td class="card-meta">2023</td>' in html
    assert "Đơn vị đăng ký" not in html.split("<thead")[1].split("</thead>")[0]
    # Another user keeps the default columns.
    assert headers(client_for(tree.editor_b).get(list_url())) == [
        str(lists.COLUMNS_BY_KEY[key].label) for key in lists.DEFAULT_COLUMNS
    ]
    client = client_for(tree.editor_a)
    client.post(reverse("registry:list_columns"), {"reset": "1"})
    assert not ListColumns.objects.exists()
    assert len(headers(client.get(list_url()))) == len(lists.DEFAULT_COLUMNS)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_column_shows_its_rows_value_in_the_pages_language(tree, client_for, settings, language):
    from django.utils import translation

    from registry.choices import Evaluation, Grade, Kind, Level, RegistrationStatus

    client = client_for(tree.admin_province)
    lists.list_columns_set(user=tree.admin_province, columns=[column.key for column in lists.LIST_COLUMNS])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(list_url("year=2023&unit=" + str(tree.b.pk))).content.decode()
    registration = tree.registration_b
    initiative = registration.initiative
    with translation.override(language):
        expected = [
            initiative.unit.name,
            "2023",
            str(Kind(initiative.kind).label),
            str(RegistrationStatus(registration.status).label),
            str(Evaluation(registration.evaluation).label),
            translation.gettext("Khen thưởng"),  # the B model was commended (tree.decision_b)
            initiative.field.name if initiative.field_id else "",
            str(Level(registration.level).label),
            str(Grade(initiative.grade).label),
            registration.registered_on.strftime("%d/%m/%Y"),
            initiative.unit.code,
        ]
    row = html.split('<td class="card-title-cell">')[1].split("</tr>")[0]
    cells = [part.split(">", 1)[1].split("</td>")[0] for part in row.split("<td")[1:]]
    assert initiative.person_name in row
    texts = [cell.split(">")[1].split("<")[0] if "badge" in cell else cell for cell in cells]
    assert texts[: len(expected)] == expected
    assert "Tập thể" not in row if language == "en" else "Collective" not in row


@pytest.mark.parametrize("role", ["viewer_a", "editor_a", "editor_b", "admin_province", "superuser"])
def test_every_role_chooses_its_own_columns(tree, client_for, role, superuser):
    user = superuser if role == "superuser" else getattr(tree, role)
    client = client_for(user)
    assert client.get(reverse("registry:list_columns")).status_code == 200
    client.post(reverse("registry:list_columns"), {"show_level": "on", "order_level": "1"})
    assert ListColumns.objects.get(user=user).columns == ["level"]
    assert headers(client.get(list_url())) == ["Cấp đăng ký"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"show_level": "on", "order_level": "x"},
        {"show_level": "on", "order_level": "-4"},
        {"show_nothing": "on", "order_nothing": "1"},
        {"show_year": "on", "order_year": "9" * 30},
    ],
)
def test_odd_columns_are_refused_with_a_message(tree, client_for, data):
    client = client_for(tree.editor_a)
    response = client.post(reverse("registry:list_columns"), data)
    assert response.status_code == 200
    assert not ListColumns.objects.exists()


def test_a_stored_column_that_no_longer_exists_is_left_out(tree, client_for):
    ListColumns.objects.create(user=tree.editor_a, columns=["gone", "year"])
    assert headers(client_for(tree.editor_a).get(list_url())) == ["Năm"]


def test_the_list_with_columns_chosen_keeps_its_query_count(tree, client_for, django_assert_max_num_queries):
    client = client_for(tree.editor_a)
    columns = [column.key for column in lists.LIST_COLUMNS]
    lists.list_columns_set(user=tree.editor_a, columns=columns)
    SavedFilter.objects.create(user=tree.editor_a, name="Của tôi", query="year=2023")
    client.get(list_url())
    for _ in range(3):
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune))
    with django_assert_max_num_queries(14) as few:  # the award forms' filter reads them once
        client.get(list_url())
    for _ in range(30):
        RegistrationFactory(initiative=InitiativeFactory(unit=tree.cell))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(list_url())
    assert len(headers(page)) == len(lists.LIST_COLUMNS)


# Saved filters -----------------------------------------------------------------------------


def save(client, name, query, unit=None, token="f" * 32):
    data = {"name": name, "query": query, "token": token}
    if unit is not None:
        data["unit"] = unit.pk
    return client.post(reverse("registry:savedfilter_create"), data)


def test_save_the_current_filter_apply_rename_and_delete_it(tree, client_for):
    client = client_for(tree.editor_a)
    form = client.get(reverse("registry:savedfilter_create") + "?loc=year%3D2023%26page%3D2%26export%3Dcsv")
    assert form.context["form"].initial["query"] == "year=2023"
    response = save(client, "  Năm 2023  ", "year=2023")
    saved = SavedFilter.objects.get()
    assert (saved.name, saved.query, saved.unit) == ("Năm 2023", "year=2023", None)
    assert response["Location"] == list_url("year=2023")
    page = client.get(list_url()).content.decode()
    assert "Năm 2023" in page and 'href="?year=2023"' in page

    again = save(client, "Năm 2023", "year=2023")  # the same form sent twice
    assert again.status_code == 302 and SavedFilter.objects.count() == 1

    url = reverse("registry:savedfilter_update", args=[saved.pk])
    version = client.get(url).context["form"]["version"].value()
    client.post(url, {"name": "Năm 2023 của huyện", "version": version})
    saved.refresh_from_db()
    assert saved.name == "Năm 2023 của huyện" and saved.query == "year=2023"
    # A rename from a page opened before that one is refused, the other change shown.
    stale = client.post(url, {"name": "Tên cũ", "version": version})
    assert stale.status_code == 200 and stale.context["conflict"]
    saved.refresh_from_db()
    assert saved.name == "Năm 2023 của huyện"

    client.post(reverse("registry:savedfilter_delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


def test_two_filters_of_one_user_need_two_names(tree, client_for):
    client = client_for(tree.editor_a)
    save(client, "Trùng", "year=2023", token="a" * 32)
    response = save(client, "Trùng", "year=2024", token="b" * 32)
    assert response.status_code == 200
    assert "Bạn đã có một bộ lọc mang tên này" in response.content.decode()
    assert SavedFilter.objects.count() == 1


def test_a_filter_shared_with_a_unit_is_seen_by_the_users_whose_scope_covers_it(tree, client_for, superuser):
    save(client_for(tree.editor_a), "Của xã", "year=2023", unit=tree.commune)
    saved = SavedFilter.objects.get()
    assert saved.unit == tree.commune
    seen = {
        role: saved in SavedFilter.objects.visible_to(user)
        for role, user in {
            "viewer_a": tree.viewer_a,
            "editor_b": tree.editor_b,
            "admin_province": tree.admin_province,
            "superuser": superuser,
        }.items()
    }
    assert seen == {"viewer_a": True, "editor_b": False, "admin_province": True, "superuser": True}
    assert "Của xã" in client_for(tree.viewer_a).get(reverse("registry:savedfilter_list")).content.decode()
    assert "Của xã" not in client_for(tree.editor_b).get(list_url()).content.decode()


def test_a_filter_of_ones_own_is_seen_by_nobody_else(tree, client_for):
    SavedFilter.objects.create(user=tree.editor_a, name="Riêng", query="")
    assert not SavedFilter.objects.visible_to(tree.viewer_a).exists()
    assert not SavedFilter.objects.visible_to(tree.admin_province).exists()


@pytest.mark.parametrize("role", ["viewer_a", "editor_b"])
def test_sharing_needs_the_right_to_change_the_unit(tree, client_for, role):
    response = save(client_for(getattr(tree, role)), "Chia sẻ", "year=2023", unit=tree.commune)
    assert response.status_code == 200 and not SavedFilter.objects.exists()


def test_only_the_owner_renames_or_deletes_a_shared_filter(tree, client_for):
    saved = SavedFilter.objects.create(user=tree.editor_a, name="Của xã", query="", unit=tree.commune)
    for user in (tree.viewer_a, tree.admin_province, tree.editor_b):
        client = client_for(user)
        assert client.get(reverse("registry:savedfilter_update", args=[saved.pk])).status_code == 404
        assert client.post(reverse("registry:savedfilter_delete", args=[saved.pk])).status_code == 404
    assert SavedFilter.objects.get().name == "Của xã"


def test_a_shared_filter_shows_each_user_only_their_own_scope(tree, client_for):
    SavedFilter.objects.create(
        user=tree.admin_province, name="Tất cả 2023", query="year=2023", unit=tree.province
    )
    page = client_for(tree.editor_b).get(list_url("year=2023"))
    assert {r.pk for r in page.context["object_list"]} == {tree.registration_b.pk}


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "query": "year=2023"},
        {"name": "x" * 500, "query": ""},
        {"name": "Tên", "query": "q=" + "a" * 3000},
        {"name": "Tên", "unit": "abc"},
        {"name": "Tên", "unit": str(2**40)},
        {"name": "\x00", "token": "<script>"},
    ],
)
def test_odd_input_never_gives_a_server_error(tree, client_for, data):
    client = client_for(tree.editor_a)
    assert client.post(reverse("registry:savedfilter_create"), data).status_code == 200
    assert client.get(reverse("registry:savedfilter_create") + "?loc=%00%ff&loc=x").status_code == 200
    assert client.get(reverse("registry:savedfilter_update", args=[2**40])).status_code == 404
    assert client.post(reverse("registry:savedfilter_delete", args=[2**40])).status_code == 404
    assert not SavedFilter.objects.exists()


def test_the_saved_filters_page_keeps_its_query_count(tree, client_for, django_assert_max_num_queries):
    client = client_for(tree.admin_province)
    SavedFilter.objects.create(user=tree.editor_a, name="A", query="", unit=tree.commune)
    client.get(reverse("registry:savedfilter_list"))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("registry:savedfilter_list"))
    for i in range(10):
        SavedFilter.objects.create(user=tree.editor_a, name=f"B{i}", query="", unit=tree.a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("registry:savedfilter_list"))


# The download ------------------------------------------------------------------------------


def test_the_download_is_its_own_view_with_the_lists_rows_and_scope(tree, client_for):
    client = client_for(tree.editor_a)
    RegistrationFactory(initiative=InitiativeFactory(unit=tree.commune, name="Mô hình 2024"), year=2024)
    screen = client.get(list_url("year=2024"))
    response = client.get(reverse("registry:registration_export", args=["csv"]) + "?year=2024")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[2] for row in csv.reader(text.splitlines()[1:])]
    assert names == [r.initiative.name for r in screen.context["object_list"]]
    everything = client.get(reverse("registry:registration_export", args=["csv"]))
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "Tổ dân phố tự quản" not in text and "Bạch Thông" in text
    assert client.get(reverse("registry:registration_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("registry:registration_export", args=["xlsx"]) + "?year=abc").status_code == 200


def test_an_old_export_link_leads_to_the_download(tree, client_for):
    response = client_for(tree.editor_a).get(list_url("year=2023&export=xlsx"))
    assert response["Location"] == reverse("registry:registration_export", args=["xlsx"]) + "?year=2023"
