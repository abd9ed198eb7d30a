"""The figures reports quote beside the tables: equal to a recount, linked to exactly their rows,
the same on the report page, the dashboard, the workbook and the report draft."""

import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.choices import DecisionKind, Evaluation, Grade, Kind, Level
from registry.measures import DETAIL_MEASURES
from registry.models import AwardForm, Field, Registration
from registry.tests.factories import DecisionFactory
from reports import exports, quoted, selectors
from reports.periods import Period
from reports.tests.conftest import register
from reports.tests.test_documents import download_report

Y2023 = Period.year(2023)


@pytest.fixture
def honoured(tree, fields):
    """Results on two 2023 registrations, Giấy khen twice for one of them, a deleted commendation,
    and the new-countryside field reported apart."""
    extra = register(
        tree.b1, kind=Kind.INDIVIDUAL, field=fields.new_countryside, grade=Grade.OUTSTANDING,
        level=Level.DISTRICT, evaluation=Evaluation.EFFECTIVE, evaluated_on=datetime.date(2023, 11, 2),
        people_reached=1200, money_mobilised=129_000_000, workdays=30,
    )  # fmt: skip
    other = register(tree.a1, field=fields.economy, people_reached=45, money_mobilised=1_000_000)
    certificate = AwardForm.objects.get(name="Giấy khen")
    for registrations in ([extra, tree.r1], [extra]):
        DecisionFactory(
            issuing_unit=tree.p, kind=DecisionKind.COMMENDATION, award_form=certificate,
            level=Level.PROVINCE, registrations=registrations,
        )  # fmt: skip
    DecisionFactory(
        issuing_unit=tree.p, kind=DecisionKind.COMMENDATION, is_deleted=True, registrations=[tree.r5],
        award_form=AwardForm.objects.get(name="Tuyên dương"), level=Level.PROVINCE,
    )  # fmt: skip
    Field.objects.filter(pk=fields.new_countryside.pk).update(reported_apart=True)
    return extra, other


def recount(root, year=2023):
    return Registration.objects.counted().filter(unit__path__startswith=root.path, year=year)


@pytest.mark.parametrize("kept", [True, False], ids=["kept counts", "live"])
def test_the_finer_figures_equal_a_recount(tree, superuser, user_of_a, honoured, kept, monkeypatch):
    if not kept:
        monkeypatch.setattr(Period, "tally_q", lambda self, prefix="": None)
    for user, root in [(superuser, tree.p), (user_of_a, tree.a), (superuser, tree.b)]:
        current = selectors.summary(user, root, Y2023)["current"]
        previous = selectors.summary(user, root, Y2023)["previous"]
        for measure in DETAIL_MEASURES:
            assert current[measure.key] == recount(root).aggregate(value=measure.aggregate())["value"], (
                measure.key
            )
            assert previous[measure.key] == recount(root, 2022).aggregate(value=measure.aggregate())["value"]
    current = selectors.summary(superuser, tree.p, Y2023)["current"]
    assert (current["results_people"], current["results_money"], current["results_workdays"]) == (
        1245,
        130_000_000,
        30,
    )
    assert current["effective_individual"] == 2 and current["effective_level_district"] == 1
    assert current["grade_outstanding_individual"] == 1 and current["grade_outstanding_collective"] == 1


def test_commendations_are_counted_by_award_form_and_kind_once_per_registration(tree, superuser, honoured):
    awards = selectors.awards(superuser, tree.p, Y2023)
    # Bằng khen for r1; Giấy khen for r1 and, twice, the new one; the deleted Tuyên dương not at all.
    assert [(a["name"], a["kinds"]) for a in awards] == [
        ("Bằng khen", {Kind.COLLECTIVE: 1, Kind.INDIVIDUAL: 0}),
        ("Giấy khen", {Kind.COLLECTIVE: 1, Kind.INDIVIDUAL: 1}),
    ]
    assert selectors.awards(superuser, tree.q, Y2023) == []


def quoted_lines(sections):
    for section in sections:
        for line in section["lines"]:
            yield line
            yield from line["parts"]


@pytest.mark.parametrize("page", ["reports:report", "reports:dashboard"])
def test_every_quoted_figure_links_to_exactly_its_rows(
    client_for, superuser, user_of_a, tree, honoured, page
):
    for user, root in [(superuser, tree.p), (user_of_a, tree.a)]:
        client = client_for(user)
        response = client.get(reverse(page), {"unit": root.pk, "year": 2023, "structure": "reported"})
        assert response.status_code == 200
        sections = response.context["quoted_sections"]
        assert [s["key"] for s in sections] == [
            "effective",
            "grades",
            "honours",
            "proposed",
            "results",
            "apart",
        ]
        linked = 0
        for line in quoted_lines(sections):
            assert line["text"] in response.content.decode()
            if line["url"]:
                assert client.get(line["url"]).context["paginator"].count == line["value"], line["label"]
                linked += 1
            else:
                assert line["value"] == 0 or line["label"] in (
                    "Số người tham gia, hưởng lợi", "Kinh phí huy động", "Ngày công"
                )  # fmt: skip
        assert linked > 10


def test_the_dashboard_and_the_report_page_quote_the_same_figures(client_for, superuser, tree, honoured):
    client = client_for(superuser)
    params = {"unit": tree.p.pk, "year": 2023, "structure": "reported"}
    report = client.get(reverse("reports:report"), params).context["quoted_sections"]
    dashboard = client.get(reverse("reports:dashboard"), params).context["quoted_sections"]
    assert report == dashboard
    html = client.get(reverse("reports:report"), params).content.decode()
    assert "130.000.000 đ" in html and "1.245 người" in html
    assert "Giấy khen" in html and "Xây dựng nông thôn mới" in html


def test_the_workbook_quotes_the_figures_of_the_page(tree, superuser, honoured):
    summary = selectors.summary(superuser, tree.p, Y2023)
    fields = selectors.field_table(superuser, tree.p, Y2023)
    sections = quoted.sections(
        summary, selectors.awards(superuser, tree.p, Y2023), selectors.fields_apart(fields)
    )
    with exports.summary_workbook(superuser, tree.p, Y2023) as output:
        sheet = load_workbook(output)["Số liệu trích dẫn"]
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    expected = []
    for index, section in enumerate(sections, start=1):
        expected.append((exports.roman(index), section.title, None, None))
        for number, line in enumerate(section.lines, start=1):
            unit = str(exports.UNIT_TEXT[line.unit])
            expected.append((number, str(line.label), line.value, unit))
            expected += [
                (None, f"   trong đó: {str(part.label).lower()}", part.value, unit) for part in line.parts
            ]
    assert rows == expected
    assert ("   trong đó: cá nhân", 1) in [(row[1], row[2]) for row in rows]  # Giấy khen, the individual
    assert (2, "Kinh phí huy động", 130_000_000, "đồng") in rows


def test_the_report_draft_says_the_finer_figures(client_for, superuser, tree, honoured):
    paragraphs, _grids = download_report(client_for(superuser), tree.p, year=2023, structure="reported")
    text = "\n".join(paragraphs)
    assert "Riêng lĩnh vực xây dựng nông thôn mới có 2 mô hình (1 tập thể, 1 cá nhân)." in text
    assert (
        "Có 1 điển hình (0 tập thể, 1 cá nhân) và 2 mô hình, điển hình tiêu biểu (1 tập thể, 1 cá nhân)."
        in text
    )
    assert "Qua đánh giá, 3/9 mô hình đạt hiệu quả (1 tập thể, 2 cá nhân); " in text
    assert "2 mô hình đăng ký cấp huyện, trong đó 1 mô hình hiệu quả" in text
    assert "được khen thưởng 2 mô hình (1 tập thể, 1 cá nhân), gồm: Bằng khen cho 1 tập thể; " in text
    assert "Giấy khen cho 1 tập thể, 1 cá nhân." in text
    assert "huy động 130.000.000 đồng và 30 ngày công." in text
