"""The dashboard, the report page and the download, as a user reaches them."""

import datetime
import io
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from registry.choices import Kind, Level
from registry.tests.factories import DecisionFactory, make_unit
from reports import tasks
from reports.models import Workbook
from reports.tests.conftest import register

# Session, user, memberships, root, the root's revision token (reports.cache), then: dashboard:
# default year, picker, summary, units (2), fields, trend, drafts, awards, fields apart; report:
# picker, units (2), fields, summary (level × grade), drafts, awards, fields apart, header; export
# (the task): the workbook, the list's total, "running", units (2), fields, header, drafts,
# awards, fields apart, list (2: rows, their decisions), decisions, "done".
# The same whatever the size of the data: guarded below with a small and a larger tree. The
# export's list adds two queries per 2.000 rows.
DASHBOARD_QUERIES = 15
REPORT_QUERIES = 14
EXPORT_QUERIES = 17


@pytest.fixture
def more_data(tree, fields):
    """Add units, registrations over several years and decisions, to show the query counts stay put."""
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


def download(client, params):
    """Ask for the workbook as the page's button does, follow to its page, download it."""
    asked = client.post(reverse("reports:export_xlsx") + "?" + urlencode(params))
    assert asked.status_code == 302
    page = client.get(asked["Location"])
    workbook = page.context["workbook"]
    assert workbook.status == "done", workbook.error
    assert reverse("reports:workbook_download", args=[workbook.pk]) in page.content.decode()
    return client.get(reverse("reports:workbook_download", args=[workbook.pk]))


def test_reports_require_login(client, tree):
    for name in ("reports:dashboard", "reports:report", "reports:export_xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    response = client.post(reverse("reports:export_xlsx"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:report"])
def test_a_root_outside_the_scope_answers_404(client_for, user_of_a, tree, name):
    client = client_for(user_of_a)
    assert client.get(reverse(name), {"unit": tree.b.pk}).status_code == 404
    assert client.get(reverse(name), {"unit": tree.p.pk}).status_code == 404
    assert client.get(reverse(name), {"unit": tree.a1.pk, "year": 2023}).status_code == 200


def test_a_workbook_outside_the_scope_is_refused_and_belongs_to_who_asked(
    client_for, user_of_a, user_of_b, tree
):
    client = client_for(user_of_a)
    export = reverse("reports:export_xlsx")
    assert client.post(f"{export}?unit={tree.b.pk}").status_code == 404
    assert client.post(f"{export}?unit={tree.p.pk}").status_code == 404
    assert download(client, {"unit": tree.a1.pk, "year": 2023}).status_code == 200
    workbook = Workbook.objects.get()
    other = client_for(user_of_b)
    assert other.get(reverse("reports:workbook_detail", args=[workbook.pk])).status_code == 404
    assert other.get(reverse("reports:workbook_download", args=[workbook.pk])).status_code == 404


def test_asking_for_a_workbook_does_not_make_it_in_the_request(client_for, user_of_a, tree, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(user_of_a)
    asked = client.post(reverse("reports:export_xlsx") + f"?unit={tree.a.pk}&year=2023")
    page = client.get(asked["Location"])
    assert page.context["workbook"].status == "queued"
    assert 'hx-trigger="every 1s"' in page.content.decode()
    workbook = Workbook.objects.get()
    assert client.get(reverse("reports:workbook_download", args=[workbook.pk])).status_code == 404
    tasks.build_workbook.call(workbook.pk)
    partial = client.get(
        reverse("reports:workbook_detail", args=[workbook.pk]), headers={"HX-Request": "true"}
    )
    assert "Tải tệp Excel về" in partial.content.decode() and "every 1s" not in partial.content.decode()


def test_a_workbook_asked_for_in_english_is_made_in_english_by_the_worker(
    client_for, user_of_a, tree, settings
):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(user_of_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("reports:export_xlsx") + f"?unit={tree.a.pk}&year=2023")
    (queued,) = task_backends["default"].results
    assert queued.kwargs == {"language": "en"}
    # The worker runs it outside any request, in the site's language, as asked.
    with translation.override(settings.LANGUAGE_CODE):
        tasks.build_workbook.call(*queued.args, **queued.kwargs)
        workbook = Workbook.objects.get()
        assert workbook.status == "done"
        with workbook.file.open("rb") as stored:
            assert "Summary" in load_workbook(stored).sheetnames
        # Asked without a language (queued by an older release): the site's.
        tasks.build_workbook.call(workbook.pk)
        workbook.refresh_from_db()
        with workbook.file.open("rb") as stored:
            assert "Tổng hợp" in load_workbook(stored).sheetnames


def test_dashboard_defaults_to_the_users_unit_and_latest_year_with_data(client_for, user_of_a, tree):
    response = client_for(user_of_a).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert response.context["root"] == tree.a
    assert response.context["period"].label == "năm 2023"
    cards = {card["key"]: card for card in response.context["cards"]}
    assert cards["total"]["value"] == 4
    assert cards["total"]["change"] == 1
    html = response.content.decode()
    assert "Huyện ủy A – năm 2023" in html
    assert "Huyện ủy B" not in html


def test_dashboard_numbers_lead_to_the_registration_list_and_units_re_root(client_for, superuser, tree):
    response = client_for(superuser).get(reverse("reports:dashboard"), {"unit": tree.p.pk, "year": 2023})
    cards = {card["key"]: card for card in response.context["cards"]}
    list_url = reverse("registry:registration_list")
    assert (
        cards["recognised"]["url"]
        == f"{list_url}?unit={tree.p.pk}&year=2023&review_state=counted&recognised=true"
    )
    assert (
        cards["collective"]["url"]
        == f"{list_url}?unit={tree.p.pk}&year=2023&review_state=counted&kind=collective"
    )
    data = response.context["chart_data"]
    assert data["by_unit"]["labels"][0] == "Huyện ủy A"
    assert (
        data["by_unit"]["urls"][0]
        == reverse("reports:dashboard") + f"?unit={tree.a.pk}&period=year&year=2023&structure=reported"
    )
    assert data["by_field"]["values"] == [4, 0, 1, 2]
    assert data["by_field"]["urls"][0].endswith("standard_field=economy")
    assert data["by_field"]["urls"][1] is None  # nothing behind a zero
    trend = data["trend"]
    assert trend["labels"] == ["2019", "2020", "2021", "2022", "2023"]
    assert (
        trend["datasets"][0]["urls"][-1]
        == f"{list_url}?unit={tree.p.pk}&year=2023&review_state=counted&status=new"
    )
    html = response.content.decode()
    assert 'id="du-lieu-bieu-do"' in html
    assert "chart.umd.min.js" in html and "cdn" not in html.lower()


def test_numbers_render_the_vietnamese_way():
    with translation.override("vi"):
        assert (
            Template("{{ n }} {{ p|floatformat:1 }}").render(Context({"n": 1759, "p": 36.42})) == "1.759 36,4"
        )


def test_dashboard_says_the_participation_line(client_for, superuser, tree):
    response = client_for(superuser).get(reverse("reports:dashboard"), {"unit": tree.p.pk, "year": 2023})
    html = response.content.decode()
    assert "(+75,0%)" in html
    assert "Tổng số 7 mô hình của 3/4 huyện, thị xã, thành phố trực thuộc; tăng 3 mô hình" in html


def test_period_picker_accepts_every_kind_of_period(client_for, superuser, tree):
    client = client_for(superuser)
    cases = [
        ({"period": "half", "year": 2023, "half": 1}, "6 tháng đầu năm 2023", 6),
        ({"period": "quarter", "year": 2023, "quarter": 3}, "quý III năm 2023", 1),
        (
            {"period": "range", "date_from": "2023-05-01", "date_to": "2023-08-31"},
            "từ 01/05/2023 đến 31/08/2023",
            2,
        ),
        ({"period": "phase", "year_from": 2021, "year_to": 2025}, "giai đoạn 2021–2025", 11),
    ]
    for params, label, total in cases:
        response = client.get(reverse("reports:dashboard"), {"unit": tree.p.pk, **params})
        assert response.context["period"].label == label
        assert response.context["cards"][0]["value"] == total


def test_a_bad_period_shows_the_error_and_the_default_year(client_for, superuser, tree):
    response = client_for(superuser).get(
        reverse("reports:dashboard"), {"unit": tree.p.pk, "period": "range", "date_from": "2023-05-01"}
    )
    assert response.status_code == 200
    assert "Hãy chọn cả ngày bắt đầu và ngày kết thúc." in response.content.decode()
    assert response.context["period"].label == "năm 2023"


def test_report_page_shows_bieu_1_with_links_and_the_root_row(client_for, superuser, tree):
    response = client_for(superuser).get(reverse("reports:report"), {"unit": tree.p.pk, "year": 2023})
    assert response.status_code == 200
    rows = {row["unit"]["name"]: row for row in response.context["unit_rows"]}
    list_url = reverse("registry:registration_list")
    first = rows["Huyện ủy A"]["cells"][0]
    assert (first["value"], first["url"]) == (
        4,
        f"{list_url}?unit={tree.a.pk}&year=2023&review_state=counted",
    )
    assert (
        first["html"] == f'<td class="num"><a href="{list_url}?unit={tree.a.pk}&amp;year=2023&amp;'
        'review_state=counted">4</a></td>'
    )
    report_url = reverse("reports:report") + f"?unit={tree.a.pk}&period=year&year=2023&structure=reported"
    assert rows["Huyện ủy A"]["url"] == report_url
    own = rows["Tỉnh ủy P"]["cells"][0]  # the root's own row: no list filter
    assert (own["value"], own["url"], own["html"]) == (1, None, '<td class="num">1</td>')
    assert response.context["unit_total"]["cells"][0]["value"] == 7
    change = response.context["unit_total"]["cells"][-1]
    assert (change["value"], change["signed"], change["html"]) == (3, True, '<td class="num">+3</td>')
    html = response.content.decode()
    assert '<th scope="colgroup" colspan="2">Chia theo loại</th>' in html
    # The printout's page setup, from a stylesheet (the Content-Security-Policy refuses inline style).
    assert '<link rel="stylesheet" href="/static/css/reports.css">' in html
    assert "@page { size: A4 landscape" in (settings.BASE_DIR / "static/css/reports.css").read_text()
    assert "đến 31/12/2022" in html


def test_navbar_links_to_the_dashboard(client_for, superuser, tree):
    html = client_for(superuser).get(reverse("reports:report")).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' in html
    assert "Báo cáo" in html


def test_export_downloads_the_workbook_of_the_page(client_for, user_of_a, tree):
    response = download(client_for(user_of_a), {"unit": tree.a.pk, "year": 2023})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = "bao-cao-dan-van-kheo-huyen-uy-a-nam-2023-nhu-da-bao-cao.xlsx"
    assert f'filename="{name}"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["Tổng hợp"]["A6"].value.endswith("NĂM 2023")
    names = [row[1] for row in workbook["Danh sách"].iter_rows(min_row=4, values_only=True)]
    assert sorted(names) == ["Chi bộ A1", "Chi bộ A1", "Chi bộ A2", "Huyện ủy A"]


@pytest.mark.parametrize("larger", [False, True], ids=["small", "larger"])
def test_dashboard_query_count_does_not_grow_with_the_data(
    client_for, user_of_a, tree, request, larger, django_assert_num_queries
):
    if larger:
        request.getfixturevalue("more_data")
    client = client_for(user_of_a)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(reverse("reports:dashboard"), {"unit": tree.a.pk}).status_code == 200


@pytest.mark.parametrize("larger", [False, True], ids=["small", "larger"])
def test_report_query_count_does_not_grow_with_the_data(
    client_for, user_of_a, tree, request, larger, django_assert_num_queries
):
    if larger:
        request.getfixturevalue("more_data")
    client = client_for(user_of_a)
    with django_assert_num_queries(REPORT_QUERIES):
        assert client.get(reverse("reports:report"), {"unit": tree.a.pk, "year": 2023}).status_code == 200


@pytest.mark.parametrize("larger", [False, True], ids=["small", "larger"])
def test_export_query_count_does_not_grow_with_the_data(
    client_for, user_of_a, tree, request, larger, django_assert_num_queries
):
    if larger:
        request.getfixturevalue("more_data")
    with django_assert_num_queries(EXPORT_QUERIES):
        tasks.build_workbook.call(
            Workbook.objects.create(user=user_of_a, unit=tree.a, params={"year": 2023}).pk
        )


def test_chart_data_is_plain_json(client_for, superuser, tree):
    response = client_for(superuser).get(reverse("reports:dashboard"), {"unit": tree.p.pk, "year": 2023})
    assert json.loads(json.dumps(response.context["chart_data"])) == response.context["chart_data"]


def test_the_download_equals_the_screen(client_for, superuser, tree):
    client = client_for(superuser)
    params = {"unit": tree.p.pk, "period": "half", "year": 2023, "half": 1}
    page = client.get(reverse("reports:report"), params).context
    response = download(client, params)
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Tổng hợp"]
    sheet_rows = [
        [cell.value for cell in row[2:]]
        for row in ws.iter_rows(min_row=12, max_row=11 + len(page["unit_rows"]))
    ]
    assert sheet_rows == [[cell["value"] for cell in row["cells"]] for row in page["unit_rows"]]
    total = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Tổng cộng")
    assert list(total[2:]) == [cell["value"] for cell in page["unit_total"]["cells"]]
    assert ws["A6"].value.endswith("6 THÁNG ĐẦU NĂM 2023")


def test_expired_workbooks_are_deleted_with_their_files(client_for, user_of_a, tree):
    client = client_for(user_of_a)
    download(client, {"unit": tree.a.pk, "year": 2023})
    old = Workbook.objects.get()
    folder = Path(old.file.path).parent
    Workbook.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    download(client, {"unit": tree.a.pk, "year": 2022})
    assert not Workbook.objects.filter(pk=old.pk).exists()
    assert [path.name for path in folder.iterdir()] == [Path(Workbook.objects.get().file.name).name]


def test_the_report_page_shows_the_dashboard_s_table_by_level_and_grade(client_for, superuser, tree):
    client = client_for(superuser)
    params = {"unit": tree.p.pk, "period": "year", "year": 2023, "structure": "reported"}
    report = client.get(reverse("reports:report"), params)
    dashboard = client.get(reverse("reports:dashboard"), params)
    assert report.context["level_grade_rows"] == dashboard.context["level_grade_rows"]
    assert report.context["level_grade_rows"]
    for row in report.context["level_grade_rows"]:
        for cell in row["cells"]:
            if cell["url"]:
                assert client.get(cell["url"]).context["paginator"].count == cell["value"]


def test_the_download_address_opened_directly_leads_to_its_report_page(client_for, user_of_a, tree):
    client = client_for(user_of_a)
    response = client.get(reverse("reports:export_xlsx"), {"unit": tree.a1.pk, "year": 2023})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report") + f"?unit={tree.a1.pk}&year=2023"
    assert not Workbook.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "range", "date_from": "0001-01-01", "date_to": "0001-12-31"},
        {"period": "range", "date_from": "9999-01-01", "date_to": "9999-12-31"},
        {"period": "range", "date_from": "01/01/0001", "date_to": "31/12/9999"},
        {"period": "year", "year": "1"},
        {"period": "year", "year": "9999"},
        {"period": "half", "year": "9999", "half": "2"},
        {"period": "quarter", "year": "0", "quarter": "4"},
        {"period": "phase", "year_from": "1", "year_to": "9999"},
        {"period": "phase", "year_from": "9990", "year_to": "9999"},
        {"year": "1e10"},
    ],
)
@pytest.mark.parametrize("name", ["reports:dashboard", "reports:report"])
def test_report_periods_with_dates_out_of_range_are_explained_not_a_server_error(
    client_for, user_of_a, tree, name, params
):
    response = client_for(user_of_a).get(reverse(name), {"unit": tree.a1.pk, **params})
    assert response.status_code == 200
    assert response.context["form"].errors
