"""Groups of units (cụm thi đua, khối thi đua): their rules, who sees them, their pages and figures.

The tree is the reports' hand-counted one (``conftest``): the group of Huyện ủy A and Huyện ủy B
counts 2023's r1–r5 (five, r3 in a unit closed in 2023), and 2022's three of A.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import groups, services
from registry.choices import Kind, Role, UnitType
from registry.filters import RegistrationFilterSet
from registry.measures import DETAIL_MEASURES, MEASURES
from registry.models import Registration, UnitGroup
from registry.querysets import path_q
from registry.tests.factories import MembershipFactory, UserFactory, make_unit
from reports import groups as figures
from reports import selectors
from reports.periods import Period

from .conftest import register

pytestmark = pytest.mark.django_db

YEAR = Period.year(2023)
MEASURE_KEYS = [m.key for m in MEASURES]
SUMMARY_MEASURES = MEASURES + DETAIL_MEASURES


def member(user, unit, role):
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def people(tree):
    """A user of each role over the province, a viewer of A only, and a user of the other root."""
    return {
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "admin": member(UserFactory(username="quantri_p"), tree.p, Role.ADMIN),
        "editor": member(UserFactory(username="bientap_p"), tree.p, Role.EDITOR),
        "viewer": member(UserFactory(username="xem_p"), tree.p, Role.VIEWER),
        "viewer_of_a": member(UserFactory(username="xem_a"), tree.a, Role.VIEWER),
        "other": member(UserFactory(username="quantri_q"), tree.q, Role.ADMIN),
    }


def make_group(user, owner, members, name="Cụm thi đua số 1", **fields):
    values = {"name": name, "kind": "cluster", "owner": owner, "first_year": 2022, **fields}
    return groups.group_create(user=user, group=UnitGroup(**values), members=members)


@pytest.fixture
def group(tree, people):
    return make_group(people["admin"], tree.p, [tree.a, tree.b])


def refusal(user, owner, members, **fields):
    values = {"name": "Cụm mới", "kind": "bloc", "owner": owner, "first_year": 2024, **fields}
    with pytest.raises(ValidationError) as caught:
        groups.group_validate(user=user, group=UnitGroup(**values), members=members)
    return caught.value.message_dict


# The rules ------------------------------------------------------------------------------------


def test_a_group_needs_two_members(tree, people):
    errors = refusal(people["admin"], tree.p, [tree.a])
    assert "ít nhất hai đơn vị thành viên" in errors["members"][0]


def test_a_member_must_lie_in_the_owner_s_subtree(tree, people):
    errors = refusal(people["superuser"], tree.a, [tree.a1, tree.b1])
    assert "Chi bộ B1" in errors["members"][0] and "phải thuộc đơn vị quản lý" in errors["members"][0]


def test_a_member_may_not_hold_another_one(tree, people):
    errors = refusal(people["admin"], tree.p, [tree.a, tree.a1, tree.b])
    assert "“Chi bộ A1” trực thuộc “Huyện ủy A”" in errors["members"][0]


def test_only_an_administrator_of_the_owner_may_define_a_group(tree, people):
    for name in ("editor", "viewer", "other"):
        errors = refusal(people[name], tree.p, [tree.a, tree.b])
        assert "quyền quản trị" in errors["owner"][0]


def test_an_administrator_of_a_branch_reaches_no_member_beside_it(tree):
    admin_a = member(UserFactory(), tree.a, Role.ADMIN)
    errors = refusal(admin_a, tree.a, [tree.a1, tree.b1])
    assert "phải thuộc đơn vị quản lý" in errors["members"][0]
    make_group(admin_a, tree.a, [tree.a1, tree.a2])  # inside A: accepted


def test_years_must_be_sane(tree, people):
    errors = refusal(people["admin"], tree.p, [tree.a, tree.b], first_year=2025, last_year=2024)
    assert "Năm kết thúc phải từ năm bắt đầu trở đi." in " ".join(sum(errors.values(), []))
    errors = refusal(people["admin"], tree.p, [tree.a, tree.b], first_year=1999)
    assert "first_year" in errors


def test_a_name_is_unique_per_owner(tree, people, group):
    errors = refusal(people["admin"], tree.p, [tree.b, tree.d], name=group.name)
    assert "đã có một cụm, khối mang tên này" in " ".join(sum(errors.values(), []))
    make_group(people["admin"], tree.a, [tree.a1, tree.a2], name=group.name)  # another owner: accepted


def test_history_keeps_one_row_per_save_with_the_members(tree, people, group):
    groups.group_update(
        user=people["admin"],
        group=group,
        members=[tree.a, tree.b, tree.d],
        version=services.version_of(group),
    )
    rows = list(group.history.order_by("history_date", "history_id"))
    assert [row.history_type for row in rows] == ["+", "~"]
    assert sorted(row.unit_id for row in rows[-1].members.all()) == sorted([tree.a.pk, tree.b.pk, tree.d.pk])
    assert rows[0].history_user == people["admin"]


# Who sees a group ---------------------------------------------------------------------------


def test_a_group_is_visible_to_whoever_reads_all_its_members(tree, people, group):
    of_a = make_group(people["admin"], tree.a, [tree.a1, tree.a2], name="Khối các chi bộ")
    visible = {name: set(UnitGroup.objects.visible_to(user)) for name, user in people.items()}
    assert visible["superuser"] == visible["admin"] == visible["editor"] == visible["viewer"] == {group, of_a}
    assert visible["viewer_of_a"] == {of_a}
    assert visible["other"] == set()
    assert set(UnitGroup.objects.manageable_by(people["admin"])) == {group, of_a}
    assert set(UnitGroup.objects.manageable_by(people["editor"])) == set()


@pytest.mark.parametrize(
    ("name", "sees", "manages"),
    [
        ("superuser", True, True),
        ("admin", True, True),
        ("editor", True, False),
        ("viewer", True, False),
        ("viewer_of_a", False, False),
        ("other", False, False),
    ],
)
def test_every_page_is_scoped_per_role(client, tree, people, group, name, sees, manages):
    client.force_login(people[name])
    seen = 200 if sees else 404
    listing = client.get(reverse("registry:group_list"))
    assert listing.status_code == 200
    assert (group.name in listing.content.decode()) is sees
    assert client.get(reverse("registry:group_detail", args=[group.pk])).status_code == seen
    assert client.get(reverse("reports:group_report", args=[group.pk])).status_code == seen
    assert client.get(reverse("reports:group_xlsx", args=[group.pk])).status_code == seen
    assert client.get(reverse("registry:group_update", args=[group.pk])).status_code == (
        200 if manages else 404
    )
    assert client.get(reverse("registry:group_delete", args=[group.pk])).status_code == (
        200 if manages else 404
    )
    create = client.get(reverse("registry:group_create"))
    assert create.status_code == (200 if name in ("superuser", "admin", "other") else 302)
    deleted = client.post(reverse("registry:group_delete", args=[group.pk]))
    assert deleted.status_code == (302 if manages else 404)
    assert UnitGroup.objects.filter(pk=group.pk).exists() is not manages


def test_the_form_offers_only_the_units_the_user_administers(client, tree, people):
    client.force_login(people["other"])
    form = client.get(reverse("registry:group_create")).context["form"]
    assert set(form.fields["members"].queryset) == {tree.q}
    assert set(form.fields["owner"].queryset) == {tree.q}


# Odd input ----------------------------------------------------------------------------------


def test_odd_input_never_gives_a_server_error(client, tree, people, group):
    client.force_login(people["admin"])
    for url in [
        "/nhom-don-vi/999999/",
        "/nhom-don-vi/999999/sua/",
        "/nhom-don-vi/999999/xoa/",
        "/bao-cao/nhom/999999/",
        "/bao-cao/nhom/999999/tai-xuong.xlsx",
        "/nhom-don-vi/?page=abc",
        "/nhom-don-vi/?page=99",
    ]:
        assert client.get(url).status_code == 404, url
    report = reverse("reports:group_report", args=[group.pk])
    for query in [
        "year=abc",
        "year=0",
        "period=zzz",
        "period=half&half=9&year=2023",
        "period=range&date_from=31/02/2023&date_to=x",
        "period=phase&year_from=2030&year_to=2000",
        "unit=999999",
        "structure=current&drafts=1",
    ]:
        assert client.get(f"{report}?{query}").status_code == 200, query
        xlsx = reverse("reports:group_xlsx", args=[group.pk])
        assert client.get(f"{xlsx}?{query}").status_code == 200, query
    for value in ["abc", "999999", "-1", str(group.pk) + "x"]:
        assert client.get(reverse("registry:registration_list"), {"group": value}).status_code == 200
    response = client.post(
        reverse("registry:group_create"),
        {"name": "  ", "kind": "nope", "owner": "abc", "first_year": "x", "members": ["abc", "999999"]},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert UnitGroup.objects.count() == 1


def test_the_list_filter_refuses_a_group_the_user_cannot_see(client, tree, people, group):
    client.force_login(people["viewer_of_a"])
    response = client.get(reverse("registry:registration_list"), {"group": group.pk})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0


# Lost update, double submit -------------------------------------------------------------------


def form_data(group, **changes):
    data = {
        "name": group.name,
        "kind": group.kind,
        "owner": group.owner_id,
        "first_year": group.first_year,
        "last_year": group.last_year or "",
        "members": [unit.pk for unit in group.members.all()],
        "note": group.note,
    }
    return {**data, **changes}


def test_an_edit_over_a_later_change_is_refused_and_shown(client, tree, people, group):
    client.force_login(people["admin"])
    url = reverse("registry:group_update", args=[group.pk])
    version = client.get(url).context["form"]["version"].value()
    other = UnitGroup.objects.get(pk=group.pk)
    groups.group_update(
        user=people["superuser"],
        group=other,
        members=[tree.a, tree.b, tree.d],
        version=services.version_of(other),
    )
    response = client.post(
        url, form_data(group, name="Cụm đổi tên", version=version, members=[tree.a.pk, tree.b.pk])
    )
    assert response.status_code == 200
    conflict = response.context["conflict"]
    assert {row["label"] for row in conflict["rows"]} == {"Tên cụm, khối", "Đơn vị thành viên"}
    group.refresh_from_db()
    assert group.name == "Cụm thi đua số 1"
    assert group.members.count() == 3
    # Seen both: saving again applies the user's version.
    again = client.post(url, form_data(group, name="Cụm đổi tên", version=services.version_of(group)))
    assert again.status_code == 302
    group.refresh_from_db()
    assert group.name == "Cụm đổi tên"


def test_the_same_create_form_sent_twice_creates_one_group(client, tree, people):
    client.force_login(people["admin"])
    token = client.get(reverse("registry:group_create")).context["form"]["token"].value()
    data = {
        "name": "Khối các huyện",
        "kind": "bloc",
        "owner": tree.p.pk,
        "first_year": 2023,
        "members": [tree.a.pk, tree.b.pk, tree.d.pk],
        "token": token,
    }
    first = client.post(reverse("registry:group_create"), data)
    second = client.post(reverse("registry:group_create"), data)
    created = UnitGroup.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == created.get_absolute_url()
    assert (
        groups.group_create(
            user=people["admin"],
            group=UnitGroup(name="x", owner=tree.p, first_year=2023),
            members=[tree.a, tree.b],
            token=token,
        )
        == created
    )
    assert UnitGroup.objects.count() == 1


# The figures ---------------------------------------------------------------------------------


def recount(user, units, period):
    """Count the period's registrations of the units' subtrees, measure by measure, one by one."""
    rows = Registration.objects.restrict(user).counted().filter(path_q("unit__path", [u.path for u in units]))
    rows = list(rows.filter(period.q()))
    counts = {}
    for m in SUMMARY_MEASURES:
        matching = [row for row in rows if Registration.objects.filter(pk=row.pk).filter(m.q).exists()]
        # A measure with a column sums it (the results); the others count the rows.
        counts[m.key] = sum(getattr(row, m.column) or 0 for row in matching) if m.column else len(matching)
    return counts


PERIODS = [
    YEAR,
    Period.half(2023, 1),
    Period.between(datetime.date(2023, 1, 1), datetime.date(2023, 8, 20)),  # off the tally's grain: live
    Period.phase(2022, 2023),
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_the_group_s_figures_equal_a_recount_and_the_members_own_reports(tree, people, group, period):
    user = people["viewer"]
    summary = figures.group_summary(user, group, period)
    table = figures.group_unit_table(user, group, period)
    assert summary["current"] == recount(user, [tree.a, tree.b], period)
    assert summary["previous"] == recount(user, [tree.a, tree.b], period.previous())
    for row, unit in zip(table["rows"], [tree.a, tree.b], strict=True):
        own = selectors.summary(user, unit, period)
        assert row["current"] == {key: own["current"][key] for key in MEASURE_KEYS}
        assert row["previous"] == {key: own["previous"][key] for key in MEASURE_KEYS}
    assert table["total"]["current"] == {key: summary["current"][key] for key in MEASURE_KEYS}
    owns = [selectors.summary(user, unit, period) for unit in (tree.a, tree.b)]
    for m in SUMMARY_MEASURES:
        assert summary["current"][m.key] == sum(own["current"][m.key] for own in owns), m.key


def test_the_figures_by_hand(tree, people, group):
    summary = figures.group_summary(people["viewer"], group, YEAR)
    current, previous = summary["current"], summary["previous"]
    assert (current["total"], previous["total"], summary["change"]["total"]) == (5, 3, 2)
    assert (current[Kind.COLLECTIVE.value], current[Kind.INDIVIDUAL.value]) == (3, 2)
    assert (current["recognised"], current["commended"]) == (3, 1)
    table = figures.group_unit_table(people["viewer"], group, YEAR)
    assert [row["current"]["total"] for row in table["rows"]] == [4, 1]
    assert table["participation"]["participating"] == 2 and table["participation"]["existed"] == 2
    assert figures.participation_text(table, YEAR) == (
        "Tổng số 5 mô hình của 2/2 đơn vị thành viên; tăng 2 mô hình so với cùng kỳ năm 2022 (+66,7%)."
    )


def test_participation_counts_the_members_without_registrations(tree, people):
    with_e = make_group(people["admin"], tree.p, [tree.a, tree.e], name="Cụm có huyện E")
    table = figures.group_unit_table(people["admin"], with_e, YEAR)
    assert (table["participation"]["participating"], table["participation"]["existed"]) == (1, 2)


def test_drafts_counted_on_request_come_from_the_registrations(tree, people, group):
    period = YEAR.with_drafts()
    assert figures.group_summary(people["viewer"], group, period)["current"] == recount(
        people["viewer"], [tree.a, tree.b], YEAR
    )


def test_a_closed_member_keeps_its_figures_and_its_successor_is_not_a_member(tree, people):
    closed = make_group(people["admin"], tree.p, [tree.a2, tree.b], name="Cụm có chi bộ đã giải thể")
    table = figures.group_unit_table(people["admin"], closed, YEAR)
    assert [row["unit"]["name"] for row in table["rows"]] == ["Chi bộ A2", "Huyện ủy B"]
    assert table["rows"][0]["current"]["total"] == 1 and table["rows"][0]["unit"]["closed_in_period"]


def test_the_list_filter_group_returns_exactly_the_members_rows(tree, people, group):
    user = people["viewer"]
    request = RequestFactory().get("/")
    request.user = user
    found = RegistrationFilterSet(
        data={"group": group.pk, "year": 2023, "review_state": "counted"},
        queryset=Registration.objects.restrict(user).alive(),
        request=request,
    ).qs
    assert set(found) == {tree.r1, tree.r2, tree.r3, tree.r4, tree.r5}


def test_every_count_on_the_page_links_to_exactly_its_rows(client, tree, people, group):
    client.force_login(people["viewer"])
    response = client.get(reverse("reports:group_report", args=[group.pk]), {"year": 2023})
    context = response.context
    checked = 0
    for line in context["summary_lines"]:
        if line["url"]:
            rows = client.get(line["url"]).context["paginator"].count
            assert rows == line["current"], line["label"]
            checked += 1
    for row in [*context["unit_rows"], context["unit_total"]]:
        for cell in row["cells"]:
            if cell.get("url"):
                assert client.get(cell["url"]).context["paginator"].count == cell["value"]
                checked += 1
    assert checked > 10
    assert "Tổng số 5 mô hình của 2/2 đơn vị thành viên" in response.content.decode()


def test_the_workbook_holds_the_page_s_figures(client, tree, people, group):
    client.force_login(people["viewer"])
    page = client.get(reverse("reports:group_report", args=[group.pk]), {"year": 2023}).context
    response = client.get(reverse("reports:group_xlsx", args=[group.pk]), {"year": 2023})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị thành viên"]
    summary = book["Tổng hợp"]
    header = next(i for i, row in enumerate(summary.iter_rows(values_only=True), 1) if row[1] == "Chỉ tiêu")
    lines = [row for row in summary.iter_rows(min_row=header + 1, values_only=True) if row[1]]
    sheet_lines = [(row[2], row[3], row[4]) for row in lines[: len(page["summary_lines"])]]
    assert sheet_lines == [
        (line["current"], line["previous"], line["change"]) for line in page["summary_lines"]
    ]
    members = book["Theo đơn vị thành viên"]
    values = list(members.iter_rows(values_only=True))
    names = [row["unit"]["name"] for row in page["unit_rows"]]
    found = {row[1]: list(row[2:]) for row in values if row[1] in names}
    for row in page["unit_rows"]:
        assert found[row["unit"]["name"]] == [cell["value"] for cell in row["cells"]]
    total = next(row for row in values if row[0] == "Tổng cộng")
    assert list(total[2:]) == [cell["value"] for cell in page["unit_total"]["cells"]]
    assert any(
        figures.participation_text(figures.group_unit_table(people["viewer"], group, YEAR), YEAR) == row[0]
        for row in values
    )


def test_the_report_page_runs_the_same_queries_whatever_the_data(client, tree, people, fields):
    user = people["viewer"]
    client.force_login(user)
    small = make_group(people["admin"], tree.p, [tree.a, tree.b], name="Cụm nhỏ")

    def queries_of(group):
        url = reverse("reports:group_report", args=[group.pk])
        client.get(url, {"year": 2023})  # the session and the caches are warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"year": 2023}).status_code == 200
        return len(captured)

    before = queries_of(small)
    new_units = []
    for index in range(4):
        new_units.append(make_unit(f"Huyện ủy mới {index}", tree.p, UnitType.DISTRICT))
        for year in (2022, 2023):
            register(make_unit(f"Chi bộ {index}-{year}", new_units[-1]), year=year, field=fields.economy)
    large = make_group(people["admin"], tree.p, [tree.a, tree.b, tree.d, *new_units], name="Cụm lớn")
    assert queries_of(large) == before
    live = {"period": "range", "date_from": "01/01/2023", "date_to": "20/08/2023"}
    url = reverse("reports:group_report", args=[large.pk])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, live).status_code == 200
    assert len(captured) <= before + 1


def test_the_list_and_detail_pages_run_the_same_queries_whatever_the_groups(client, tree, people, group):
    client.force_login(people["viewer"])

    def queries_of(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    listing, detail = queries_of(reverse("registry:group_list")), queries_of(group.get_absolute_url())
    for index in range(4):
        larger = make_group(
            people["admin"], tree.p, [tree.a1, tree.a2, tree.b, tree.d, tree.e], name=f"Khối {index}"
        )
    assert queries_of(reverse("registry:group_list")) == listing
    # The same history (one row), five members instead of two.
    assert queries_of(larger.get_absolute_url()) == detail


def test_the_change_log_and_history_page_show_a_group_to_those_who_may_see_it(client, tree, people, group):
    client.force_login(people["admin"])
    log = client.get(reverse("registry:changelog"), {"kind": "nhom-don-vi"})
    assert log.status_code == 200 and group.name in log.content.decode()
    history_url = reverse("registry:history", args=["nhom-don-vi", group.pk])
    page = client.get(history_url).content.decode()
    assert "Đơn vị thành viên" in page and "Huyện ủy B" in page
    client.force_login(people["viewer_of_a"])
    assert client.get(history_url).status_code == 404
    client.force_login(people["other"])
    assert group.name not in client.get(reverse("registry:changelog")).content.decode()


def test_the_create_form_starts_from_the_user_s_own_administered_unit(client, tree, people):
    client.force_login(people["admin"])
    form = client.get(reverse("registry:group_create")).context["form"]
    assert form.initial["owner"] == tree.p


def test_the_list_counts_a_group_s_rows_from_the_kept_counts_exactly(client, tree, people, group, fields):
    register(tree.b1, field=fields.economy)
    client.force_login(people["viewer"])
    for params in [{"group": group.pk}, {"group": group.pk, "year": 2023, "kind": Kind.INDIVIDUAL.value}]:
        response = client.get(reverse("registry:registration_list"), params)
        rows = Registration.objects.alive().filter(path_q("unit__path", [tree.a.path, tree.b.path]))
        if "year" in params:
            rows = rows.filter(year=2023, initiative__kind=Kind.INDIVIDUAL)
        assert response.context["paginator"].count == rows.count()
    with CaptureQueriesContext(connection) as captured:
        from registry.listcount import tally_count

        counted = Registration.objects.counted().filter(path_q("unit__path", [tree.a.path, tree.b.path]))
        assert (
            tally_count(people["viewer"], {"group": group, "year": 2023}) == counted.filter(year=2023).count()
        )
    assert any("registry_tally" in query["sql"] for query in captured.captured_queries)
