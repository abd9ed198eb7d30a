"""The table builder: every cell equals the list its link opens; totals, sums, scoping, odd input,
saved tables, the download, and a query count that does not grow with the data."""

import io
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from registry import services as registry_services
from registry.choices import DecisionKind, Kind, Level, Role
from registry.models import AwardForm
from registry.tests.factories import DecisionFactory, MembershipFactory, UserFactory, make_unit
from reports import builder, services
from reports.models import SavedTable
from reports.periods import Period
from reports.tests.conftest import register

BUILDER = reverse("reports:builder")


def list_count(client, params):
    """The number of registrations the list shows for ``params`` (what a cell's link opens)."""
    response = client.get(reverse("registry:registration_list"), params)
    assert response.status_code == 200
    return response.context["paginator"].count


def all_cells(table):
    for row in table["rows"]:
        yield row["labels"], row["cells"] + ([row["total"]] if row["total"] else [])
    yield ["total"], [column["total"] for column in table["columns"]] + [table["total"]]


def assert_cells_equal_their_lists(client, table):
    for labels, cells in all_cells(table):
        for cell in cells:
            if cell["count"]:
                assert list_count(client, cell["params"]) == cell["count"], (labels, cell)
            else:
                assert cell["params"] is None


@pytest.fixture
def awards(tree):
    """r1: two Bằng khen decisions (one counts) and a Giấy khen; r2: a Giấy khen; results on both."""
    bang_khen, giay_khen = AwardForm.objects.get(name="Bằng khen"), AwardForm.objects.get(name="Giấy khen")
    commend = {"issuing_unit": tree.p, "kind": DecisionKind.COMMENDATION, "level": Level.PROVINCE}
    DecisionFactory(**commend, award_form=bang_khen, registrations=[tree.r1])
    DecisionFactory(**commend, award_form=giay_khen, registrations=[tree.r1, tree.r2])
    DecisionFactory(**commend, award_form=giay_khen, registrations=[tree.r5], is_deleted=True)
    for registration, people, money in ((tree.r1, 100, 5_000_000), (tree.r2, 50, 0), (tree.r9, 7, None)):
        registration.people_reached, registration.money_mobilised = people, money
        registry_services.registration_update(user=None, registration=registration)
    return bang_khen, giay_khen


@pytest.mark.parametrize("key", list(builder.DIMENSIONS))
def test_every_cell_of_every_dimension_equals_the_rows_its_link_lists(
    client_for, superuser, tree, awards, key
):
    columns = [] if key == "kind" else ["kind"]
    table = builder.build(superuser, tree.p, Period.year(2023), builder.Layout(rows=[key], columns=columns))
    if key != "award_form":
        assert table["total"]["value"] == 7
    assert_cells_equal_their_lists(client_for(superuser), table)


@pytest.mark.parametrize(
    "rows, columns",
    [(["unit", "level"], ["year"]), (["kind", "award_form"], ["unit"]), (["standard_field"], ["award_form"])],
)
def test_two_row_dimensions_and_a_phase_link_each_cell_to_its_rows(
    client_for, superuser, tree, awards, rows, columns
):
    table = builder.build(
        superuser, tree.p, Period.phase(2022, 2023), builder.Layout(rows=rows, columns=columns)
    )
    assert table["total"]["value"] == 11  # 7 in 2023, 4 in 2022 (C's is a closed unit's, still counted)
    assert_cells_equal_their_lists(client_for(superuser), table)


def test_award_forms_count_each_registration_once_per_form_and_once_in_the_totals(superuser, tree, awards):
    table = builder.build(
        superuser, tree.p, Period.year(2023), builder.Layout(rows=["award_form"], columns=["kind"])
    )
    by_label = {row["labels"][0]: row for row in table["rows"]}
    # r1 has two Bằng khen (one counts) plus the tree's own; r1 and r2 a Giấy khen; r5's is deleted.
    assert by_label["Bằng khen"]["total"]["value"] == 1
    assert by_label["Giấy khen"]["total"]["value"] == 2
    assert by_label["Chưa được khen thưởng"]["total"]["value"] == 5
    assert list(by_label) == ["Bằng khen", "Giấy khen", "Chưa được khen thưởng"]
    # The totals count registrations: 7, not 1 + 2 + 5.
    assert table["total"]["value"] == 7
    assert [c["total"]["value"] for c in table["columns"]] == [5, 2]  # collective, individual
    assert table["notes"]


def test_sums_add_the_results_once_per_registration(superuser, tree, awards):
    period = Period.year(2023)
    table = builder.build(
        superuser, tree.p, period, builder.Layout(rows=["award_form"], columns=[], measure="people_reached")
    )
    values = {row["labels"][0]: row["cells"][0]["value"] for row in table["rows"]}
    assert values == {"Bằng khen": 100, "Giấy khen": 150, "Chưa được khen thưởng": 7}
    assert table["total"]["value"] == 157
    money = builder.build(superuser, tree.p, period, builder.Layout(rows=["kind"], measure="money_mobilised"))
    assert money["total"]["value"] == 5_000_000
    assert [row["cells"][0]["value"] for row in money["rows"]] == [5_000_000, 0]


def test_two_row_dimensions_end_each_group_with_its_subtotal(superuser, tree, awards):
    for second in ("kind", "award_form"):
        table = builder.build(
            superuser, tree.p, Period.year(2023), builder.Layout(rows=["unit", second], columns=["level"])
        )
        subtotals = [row for row in table["rows"] if row.get("subtotal")]
        assert [row["labels"] for row in subtotals] == [
            [name, "Cộng"] for name in ("Tỉnh ủy P (trực tiếp)", "Huyện ủy A", "Huyện ủy B", "Huyện ủy D")
        ]
        assert [row["total"]["value"] for row in subtotals] == [1, 4, 1, 1]
        assert sum(row["total"]["value"] for row in subtotals) == table["total"]["value"] == 7
        if second == "kind":
            for row in subtotals:
                group = [r for r in table["rows"] if r["key"][0] == row["key"][0] and not r.get("subtotal")]
                assert [c["value"] for c in row["cells"]] == [
                    sum(c) for c in zip(*[[c["value"] for c in r["cells"]] for r in group], strict=True)
                ]
        # The first row label spans its group and its subtotal.
        assert sum(row.get("span", 0) for row in table["rows"]) == len(table["rows"])


def test_totals_are_the_sums_of_the_cells(superuser, tree):
    table = builder.build(
        superuser, tree.p, Period.year(2023), builder.Layout(rows=["unit"], columns=["kind"])
    )
    for row in table["rows"]:
        assert row["total"]["value"] == sum(cell["value"] for cell in row["cells"])
    for index, column in enumerate(table["columns"]):
        assert column["total"]["value"] == sum(row["cells"][index]["value"] for row in table["rows"])
    assert table["total"]["value"] == sum(column["total"]["value"] for column in table["columns"]) == 7
    labels = [row["labels"][0] for row in table["rows"]]
    assert labels == ["Tỉnh ủy P (trực tiếp)", "Huyện ủy A", "Huyện ủy B", "Huyện ủy D"]
    assert [row["total"]["value"] for row in table["rows"]] == [1, 4, 1, 1]


def test_the_layout_refuses_what_it_cannot_show():
    for layout in (
        {"rows": ["nope"]},
        {"rows": ["kind"], "columns": ["kind"]},
        {"rows": []},
        {"rows": ["kind", "grade", "level"]},
        {"rows": ["kind"], "columns": ["grade", "level"]},
        {"rows": ["kind"], "measure": "nope"},
    ):
        with pytest.raises(builder.BuilderError):
            builder.Layout(**layout)


def test_too_many_cells_gives_a_message(client_for, superuser, tree, monkeypatch):
    monkeypatch.setattr(builder, "MAX_CELLS", 3)
    response = client_for(superuser).get(
        BUILDER, {"unit": tree.p.pk, "year": 2023, "rows": "unit", "columns": "kind"}
    )
    assert response.status_code == 200
    assert response.context["table"] is None
    assert "Bảng này có hơn 3 ô" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The page, as each role reaches it


@pytest.fixture
def roles(tree):
    def member(role, unit=tree.a):
        user = UserFactory()
        MembershipFactory(user=user, unit=unit, role=role)
        return user

    return {"admin": member(Role.ADMIN), "editor": member(Role.EDITOR), "viewer": member(Role.VIEWER)}


def test_the_page_shows_the_table_with_its_links(client_for, superuser, tree):
    response = client_for(superuser).get(BUILDER, {"unit": tree.p.pk, "year": 2023})
    assert response.status_code == 200
    html = response.content.decode()
    table = response.context["table"]
    assert table["total"]["value"] == 7
    url = table["rows"][1]["cells"][0]["url"]
    assert url.startswith(reverse("registry:registration_list") + "?") and url.replace("&", "&amp;") in html
    assert "Tải Excel" in html and reverse("reports:builder_xlsx") in html


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_a_unit_user_sees_their_branch_only(client_for, roles, tree, user_of_b, role):
    client = client_for(roles[role])
    response = client.get(BUILDER, {"year": 2023, "rows": "unit"})
    assert response.status_code == 200
    assert response.context["root"] == tree.a
    assert response.context["table"]["total"]["value"] == 4
    assert client.get(BUILDER, {"unit": tree.b.pk}).status_code == 404
    assert client.get(BUILDER, {"unit": tree.p.pk}).status_code == 404
    assert client.get(reverse("reports:builder_xlsx"), {"unit": tree.b.pk}).status_code == 404
    other = client_for(user_of_b).get(BUILDER, {"year": 2023, "rows": "unit"})
    assert other.context["table"]["total"]["value"] == 1
    assert "Chi bộ A1" not in other.content.decode()


def test_the_superuser_sees_every_root(client_for, superuser, tree):
    client = client_for(superuser)
    for unit in (tree.p, tree.q, tree.b1):
        assert client.get(BUILDER, {"unit": unit.pk}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"rows": "nope"},
        {"rows": "kind", "columns": "kind"},
        {"rows": "", "columns": "kind"},
        {"rows": "kind", "measure": "<script>"},
        {"unit": "abc"},
        {"year": "0"},
        {"year": "abc", "period": "nope"},
        {"period": "range", "date_from": "31/12/2023", "date_to": "01/01/2023"},
        {"rows": "kind", "rows2": "kind"},
        {"bang": "abc", "rows": "x" * 5000},
    ],
)
def test_odd_input_never_fails_and_says_why_in_vietnamese(client_for, superuser, tree, params):
    client = client_for(superuser)
    response = client.get(BUILDER, params)
    assert response.status_code == 200
    download = client.get(reverse("reports:builder_xlsx"), params)
    assert download.status_code in (200, 302)
    if response.context["table"] is None:
        error = response.context["error"]
        assert error and any(word in error for word in ("chọn", "Chọn", "chiều", "Hãy"))
        assert download.status_code == 302


def test_a_unit_outside_the_scope_or_unknown_answers_404(client_for, user_of_a, tree):
    client = client_for(user_of_a)
    assert client.get(BUILDER, {"unit": 999999}).status_code == 404
    assert client.get(BUILDER, {"unit": tree.q.pk}).status_code == 404


# ---------------------------------------------------------------------------------------------
# Saved tables


def save(client, unit, name, query, shared=False, token="t" * 24):
    data = {"unit": unit.pk, "name": name, "query": urlencode(query), "token": token}
    if shared:
        data["shared"] = "on"
    return client.post(reverse("reports:savedtable_create"), data)


def test_saved_tables_private_and_shared(client_for, roles, tree, user_of_b):
    viewer, editor, admin = roles["viewer"], roles["editor"], roles["admin"]
    query = {"year": 2023, "rows": "kind", "columns": "level", "measure": "count"}
    mine = save(client_for(viewer), tree.a, "Của tôi", query, token="a" * 24)
    assert mine.status_code == 302
    table = SavedTable.objects.get(name="Của tôi")
    assert not table.shared and table.created_by == viewer and table.unit == tree.a
    assert table.params == {"year": "2023", "rows": "kind", "columns": "level", "measure": "count"}
    assert (
        save(client_for(editor), tree.a, "Dùng chung", query, shared=True, token="b" * 24).status_code == 302
    )
    assert SavedTable.objects.get(name="Dùng chung").shared
    # A viewer may save for themselves, not share: the box is not offered, the service refuses.
    with pytest.raises(ValidationError):
        services.saved_table_create(user=viewer, unit=tree.a, name="Chia sẻ", params=query, shared=True)

    def names(user, unit):
        response = client_for(user).get(BUILDER, {"unit": unit.pk})
        return [item["table"].name for item in response.context["saved_tables"]]

    assert names(viewer, tree.a) == ["Của tôi", "Dùng chung"]
    assert names(admin, tree.a) == ["Dùng chung"]
    assert names(admin, tree.a1) == []  # saved for A, listed with A
    assert names(user_of_b, tree.b) == []
    # Another branch can neither open the unit, nor save for it, nor change a table of it.
    assert client_for(user_of_b).get(table.get_absolute_url()).status_code == 404
    assert save(client_for(user_of_b), tree.a, "Lạ", query, token="c" * 24).status_code == 404
    shared = SavedTable.objects.get(name="Dùng chung")
    for user in (user_of_b, admin):  # only its author renames or deletes a table
        client = client_for(user)
        assert client.get(reverse("reports:savedtable_update", args=[shared.pk])).status_code == 404
        assert client.post(reverse("reports:savedtable_delete", args=[shared.pk])).status_code == 404
    assert SavedTable.objects.count() == 2
    # Opening a saved table shows its layout, counted in the opener's scope.
    opened = client_for(admin).get(shared.get_absolute_url())
    assert opened.context["layout_form"].params() == {"rows": "kind", "columns": "level", "measure": "count"}
    assert opened.context["table"]["total"]["value"] == 4


def test_saving_twice_with_the_same_form_makes_one_table(client_for, roles, tree):
    client = client_for(roles["editor"])
    query = {"year": 2023, "rows": "kind"}
    first = save(client, tree.a, "Theo loại", query)
    second = save(client, tree.a, "Theo loại", query)
    assert SavedTable.objects.count() == 1
    assert first["Location"] == second["Location"] == SavedTable.objects.get().get_absolute_url()
    # Another form with the same name is told so, in Vietnamese.
    third = save(client, tree.a, "Theo loại", query, token="z" * 24)
    assert SavedTable.objects.count() == 1
    page = client.get(third["Location"])
    assert "đã có một bảng mang tên này" in page.content.decode()


def test_renaming_a_table_changed_meanwhile_is_refused(client_for, roles, tree):
    editor = roles["editor"]
    table = services.saved_table_create(user=editor, unit=tree.a, name="Cũ", params={"rows": "kind"})
    client = client_for(editor)
    url = reverse("reports:savedtable_update", args=[table.pk])
    page = client.get(url)
    version = page.context["form"]["version"].value()
    table.name = "Đổi ở nơi khác"
    services.saved_table_update(user=editor, table=table)
    conflict = client.post(url, {"name": "Mới", "version": version})
    assert conflict.status_code == 200
    assert "sau khi bạn mở trang" in conflict.content.decode()
    assert SavedTable.objects.get().name == "Đổi ở nơi khác"
    again = conflict.context["form"]["version"].value()
    done = client.post(url, {"name": "Mới", "version": again})
    assert done.status_code == 302
    assert SavedTable.objects.get().name == "Mới"
    assert SavedTable.history.count() == 3


def test_a_table_is_updated_with_the_one_viewed_and_deleted(client_for, roles, tree):
    editor = roles["editor"]
    table = services.saved_table_create(user=editor, unit=tree.a, name="Bảng", params={"rows": "kind"})
    client = client_for(editor)
    url = (
        reverse("reports:savedtable_update", args=[table.pk])
        + "?"
        + urlencode({"loc": "rows=level&year=2023"})
    )
    version = client.get(url).context["form"]["version"].value()
    assert client.post(url, {"name": "Bảng", "version": version, "replace": "on"}).status_code == 302
    assert SavedTable.objects.get().params == {"rows": "level", "year": "2023"}
    assert client.post(reverse("reports:savedtable_delete", args=[table.pk])).status_code == 302
    assert not SavedTable.objects.exists()


# ---------------------------------------------------------------------------------------------
# The download, and the number of queries


def test_the_workbook_holds_the_table_of_the_page(client_for, superuser, tree, awards):
    client = client_for(superuser)
    params = {"unit": tree.p.pk, "year": 2023, "rows": "unit", "rows2": "kind", "columns": "award_form"}
    table = client.get(BUILDER, params).context["table"]
    response = client.get(reverse("reports:builder_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('bang-tuy-chon-tinh-uy-p-nam-2023.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Bảng tùy chọn"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("SỐ MÔ HÌNH THEO ĐƠN VỊ TRỰC THUỘC, LOẠI MÔ HÌNH (DÒNG)")
    assert "Tỉnh ủy P – năm 2023" in rows[1][0]
    header = rows[4]
    assert header[1:3] == ("Đơn vị trực thuộc", "Loại mô hình")
    assert list(header[3:]) == [c["label"] for c in table["columns"]] + ["Tổng cộng"]
    body = rows[5 : 5 + len(table["rows"])]
    for line, row in zip(body, table["rows"], strict=True):
        assert list(line[1:3]) == row["labels"]
        assert list(line[3:]) == [c["value"] for c in row["cells"]] + [row["total"]["value"]]
    total = rows[5 + len(table["rows"])]
    assert total[0] == "Tổng cộng"
    assert (
        list(total[3:])
        == [c["total"]["value"] for c in table["columns"]] + [table["total"]["value"]]
        == [1, 2, 5, 7]
    )


@pytest.fixture
def more_data(tree, fields, awards):
    """More units, years, registrations and decisions: the query count stays the same."""
    for number in range(6):
        cell = make_unit(f"Chi bộ thêm {number}", tree.a)
        registrations = [
            register(
                cell,
                year=year,
                field=fields.new_countryside if number % 2 else fields.security,
                kind=Kind.INDIVIDUAL if number % 3 == 0 else Kind.COLLECTIVE,
            )  # fmt: skip
            for year in (2021, 2022, 2023)
        ]
        DecisionFactory(issuing_unit=tree.a, level=Level.DISTRICT, registrations=registrations)
        DecisionFactory(
            issuing_unit=tree.a, kind=DecisionKind.COMMENDATION, award_form=awards[number % 2],
            registrations=registrations,
        )  # fmt: skip


# Session, user, scope, root, the body, unit and field labels, picker, children, saved tables;
# by award form the body is two queries (the links to award forms, the registrations without one),
# its labels one, the totals across it two, and the subtotals of the units across it two.
BUILDER_QUERIES = {"plain": 10, "award": 15}


@pytest.mark.parametrize("larger", [False, True], ids=["small", "larger"])
@pytest.mark.parametrize("layout", ["plain", "award"])
def test_the_query_count_does_not_grow_with_the_data(
    client_for, roles, tree, awards, request, larger, layout, django_assert_num_queries
):
    if larger:
        request.getfixturevalue("more_data")
    client = client_for(roles["viewer"])
    params = {"unit": tree.a.pk, "period": "phase", "year_from": 2021, "year_to": 2023}
    if layout == "plain":
        params.update(rows="unit", rows2="field", columns="year")
    else:
        params.update(rows="unit", rows2="award_form", columns="kind")
    with django_assert_num_queries(BUILDER_QUERIES[layout]):
        assert client.get(BUILDER, params).status_code == 200


def test_the_list_filters_the_cells_link_with_start_empty(client_for, superuser, tree):
    response = client_for(superuser).get(reverse("registry:registration_list"))
    form = response.context["filter"].form
    for name in ("quarter", "award_form", "unit_type"):
        assert form.fields[name].choices[0][0] == "", name
        assert not form[name].value()
    assert response.context["paginator"].count == list_count(
        client_for(superuser), {"quarter": "", "award_form": "", "unit_type": ""}
    )


def test_the_report_page_and_the_menu_lead_to_the_builder(client_for, user_of_a, tree):
    html = (
        client_for(user_of_a)
        .get(reverse("reports:report"), {"unit": tree.a.pk, "year": 2023})
        .content.decode()
    )
    assert f'href="{BUILDER}?unit={tree.a.pk}&amp;period=year&amp;year=2023' in html
    assert f'href="{BUILDER}"' in html  # the menu
