"""The table builder on the demo data: the press reports' figures, and its links against the list."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from registry.models import Unit
from reports import builder, selectors
from reports.periods import Period

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def test_bach_thong_2019_by_unit_and_kind_equals_the_report(client):
    editor, root, period = (
        get_user_model().objects.get(username="bientap"),
        Unit.objects.get(code="BK-BT"),
        Period.year(2019),
    )
    table = builder.build(editor, root, period, builder.Layout(rows=["unit"], columns=["kind"]))
    assert table["total"]["value"] == 356
    assert [column["total"]["value"] for column in table["columns"]] == [163, 193]
    report = {
        row["unit"]["name"]: row["current"]["total"]
        for row in selectors.unit_table(editor, root, period)["rows"]
    }
    built = {row["labels"][0]: row["total"]["value"] for row in table["rows"]}
    assert {name: value for name, value in report.items() if value} == built


def test_bach_thong_2019_recognition_by_kind_links_to_its_rows(client):
    editor, root = get_user_model().objects.get(username="bientap"), Unit.objects.get(code="BK-BT")
    table = builder.build(
        editor, root, Period.year(2019), builder.Layout(rows=["recognition"], columns=["kind"])
    )
    recognised = [row for row in table["rows"] if row["key"] != (None,)]
    assert sum(row["total"]["value"] for row in recognised) == 41  # 28 collective, 13 individual
    assert [sum(row["cells"][index]["value"] for row in recognised) for index in (0, 1)] == [28, 13]
    client.force_login(editor)
    for row in table["rows"]:
        for cell in [*row["cells"], row["total"]]:
            if cell["count"]:
                listed = client.get(reverse("registry:registration_list"), cell["params"])
                assert listed.context["paginator"].count == cell["count"], (row["labels"], cell)


@pytest.mark.parametrize(
    "measure, key",
    [
        ("people_reached", "results_people"),
        ("money_mobilised", "results_money"),
        ("workdays", "results_workdays"),
    ],
)
def test_the_sums_equal_the_reports_results(measure, key):
    viewer, root, period = (
        get_user_model().objects.get(username="thainguyen"),
        Unit.objects.get(code="TN25"),
        Period.year(2024),
    )
    period = period.in_structure("current")
    table = builder.build(
        viewer, root, period, builder.Layout(rows=["unit"], columns=["kind"], measure=measure)
    )
    assert table["total"]["value"] == selectors.summary(viewer, root, period)["current"][key] > 0
