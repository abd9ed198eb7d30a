"""Report figures against numbers computed by hand on the tree of conftest.py."""

import datetime

import pytest
from django.test import RequestFactory

from registry import defaults
from registry.filters import RegistrationFilterSet
from registry.measures import MEASURES
from registry.models import Registration
from reports import selectors
from reports.periods import Period
from reports.selectors.figures import Source

Y2023 = Period.year(2023)


def pick(counts, *keys):
    return {key: counts[key] for key in keys}


def test_summary_counts_the_whole_subtree_by_kind_status_grade_level_and_field(superuser, tree):
    figures = selectors.summary(superuser, tree.p, Y2023)
    assert pick(figures["current"], "total", "collective", "individual", "new", "maintained") == {
        "total": 7,
        "collective": 5,
        "individual": 2,
        "new": 5,
        "maintained": 2,
    }
    assert pick(figures["current"], "grade_model", "grade_exemplar", "grade_outstanding") == {
        "grade_model": 5,
        "grade_exemplar": 1,
        "grade_outstanding": 1,
    }
    assert figures["current"]["level_grassroots"] == 6
    assert figures["current"]["level_district"] == 1
    assert figures["current"]["effective"] == 2
    assert pick(
        figures["current"],
        "field_economy",
        "field_culture_society",
        "field_defence_security",
        "field_political_system",
    ) == {
        "field_economy": 4,
        "field_culture_society": 0,
        "field_defence_security": 1,
        "field_political_system": 2,
    }


def test_recognition_counts_each_registration_once_at_its_highest_alive_level(superuser, tree):
    current = selectors.summary(superuser, tree.p, Y2023)["current"]
    # r1 is recognised by the district and the province: counted once, at the province.
    # r5 and r2 at the district; r3's central recognition is deleted; the deleted registration
    # and the registration of a deleted initiative covered by the district decision are not counted.
    assert current["recognised"] == 3
    assert current["recognised_province"] == 1
    assert current["recognised_district"] == 2
    assert current["recognised_central"] == 0
    assert current["recognised_collective"] == 2
    assert current["recognised_individual"] == 1
    assert current["commended"] == 1


def test_summary_compares_with_the_same_period_last_year(superuser, tree):
    figures = selectors.summary(superuser, tree.p, Y2023)
    assert figures["previous"]["total"] == 4
    assert figures["change"]["total"] == 3
    assert figures["percent"]["total"] == pytest.approx(75.0)
    assert figures["previous"]["recognised"] == 0
    assert figures["percent"]["recognised"] is None


def test_unit_table_rolls_up_subtrees_and_its_total_equals_the_sum(superuser, tree):
    table = selectors.unit_table(superuser, tree.p, Y2023)
    rows = {row["unit"]["name"]: row for row in table["rows"]}
    assert list(rows) == ["Huyện ủy A", "Huyện ủy B", "Huyện ủy C", "Huyện ủy D", "Huyện ủy E", "Tỉnh ủy P"]
    assert {name: row["current"]["total"] for name, row in rows.items()} == {
        "Huyện ủy A": 4,
        "Huyện ủy B": 1,
        "Huyện ủy C": 0,  # closed before 2023, listed for its 2022 registration
        "Huyện ủy D": 1,
        "Huyện ủy E": 0,
        "Tỉnh ủy P": 1,  # registered by the root itself
    }
    assert rows["Tỉnh ủy P"]["unit"]["is_root"]
    assert pick(rows["Huyện ủy A"]["current"], "collective", "individual", "new", "maintained") == {
        "collective": 2,
        "individual": 2,
        "new": 2,
        "maintained": 2,
    }
    assert rows["Huyện ủy A"]["previous"]["total"] == 3
    assert rows["Huyện ủy A"]["change"]["total"] == 1
    assert rows["Huyện ủy C"]["change"]["total"] == -1
    assert rows["Huyện ủy A"]["current"]["recognised_province"] == 1
    assert rows["Huyện ủy B"]["current"]["recognised_district"] == 1
    summary = selectors.summary(superuser, tree.p, Y2023)
    for key in ("total", "collective", "individual", "recognised", "commended", "field_economy"):
        assert table["total"]["current"][key] == sum(row["current"][key] for row in table["rows"])
        assert table["total"]["current"][key] == summary["current"][key]
        assert table["total"]["previous"][key] == summary["previous"][key]


def test_participation_counts_units_that_existed_in_the_period(superuser, tree):
    participation = selectors.unit_table(superuser, tree.p, Y2023)["participation"]
    # A, B, D (opened 1/7/2023), E existed in 2023; C closed on 31/12/2022.
    assert participation == {
        "existed": 4,
        "participating": 3,
        "all_party": True,
        "unit_types": ["district"],
        "total": 7,
    }
    in_2022 = selectors.unit_table(superuser, tree.p, Period.year(2022))["participation"]
    # In 2022: A, B, C, E existed (D did not yet); A and C registered.
    assert (in_2022["participating"], in_2022["existed"]) == (2, 4)


def test_a_unit_closed_during_the_period_still_counts(user_of_a, tree):
    table = selectors.unit_table(user_of_a, tree.a, Y2023)
    rows = {row["unit"]["name"]: row for row in table["rows"]}
    assert {name: row["current"]["total"] for name, row in rows.items()} == {
        "Chi bộ A1": 2,
        "Chi bộ A2": 1,
        "Huyện ủy A": 1,
    }
    assert rows["Chi bộ A2"]["unit"]["closed_in_period"]
    assert table["participation"]["existed"] == 2
    assert table["participation"]["participating"] == 2


def test_field_table_rolls_local_fields_into_the_standard_ones(superuser, tree):
    table = selectors.field_table(superuser, tree.p, Y2023)
    standards = {s["key"]: s for s in table["standards"]}
    assert list(standards) == ["economy", "culture_society", "defence_security", "political_system"]
    assert standards["economy"]["counts"]["total"] == 4
    assert [(f["name"], f["counts"]["total"]) for f in standards["economy"]["fields"]] == [
        ("Kinh tế", 3),
        ("Xây dựng nông thôn mới", 1),
    ]
    assert [(f["name"], f["counts"]["recognised"]) for f in standards["economy"]["fields"]] == [
        ("Kinh tế", 2),
        ("Xây dựng nông thôn mới", 1),
    ]
    assert standards["culture_society"]["counts"]["total"] == 0
    assert standards["culture_society"]["fields"] == []
    assert standards["political_system"]["counts"]["collective"] == 2
    assert table["total"]["total"] == 7


@pytest.mark.parametrize(
    ("period", "total"),
    [
        (Period.half(2023, 1), 6),
        (Period.half(2023, 2), 1),
        (Period.quarter(2023, 1), 5),
        (Period.quarter(2023, 2), 1),
        (Period.quarter(2023, 3), 1),
        (Period.between(datetime.date(2023, 5, 1), datetime.date(2023, 8, 31)), 2),
        (Period.phase(2021, 2025), 11),
        (Period.year(2022), 4),
    ],
)
def test_periods_select_by_year_or_by_registration_date(superuser, tree, period, total):
    assert selectors.summary(superuser, tree.p, period)["current"]["total"] == total


def test_trend_counts_the_same_period_over_the_last_years(superuser, tree):
    points = selectors.trend(superuser, tree.p, Y2023)
    assert [p["period"].short_label for p in points] == ["2019", "2020", "2021", "2022", "2023"]
    assert [p["counts"]["total"] for p in points] == [0, 0, 0, 4, 7]
    assert points[-1]["counts"]["recognised"] == 3
    phase = selectors.trend(superuser, tree.p, Period.phase(2022, 2023))
    assert [p["counts"]["total"] for p in phase] == [4, 7]


def test_a_middle_unit_user_sees_only_its_subtree(user_of_a, tree):
    assert selectors.report_root(user_of_a) == tree.a
    current = selectors.summary(user_of_a, tree.a, Y2023)["current"]
    assert current["total"] == 4
    assert current["recognised"] == 2
    assert current["commended"] == 1


def test_a_root_outside_the_scope_is_not_found(user_of_a, tree):
    with pytest.raises(selectors.RootNotFound):
        selectors.report_root(user_of_a, tree.b.pk)
    with pytest.raises(selectors.RootNotFound):
        selectors.report_root(user_of_a, tree.p.pk)
    assert selectors.report_root(user_of_a, tree.a1.pk) == tree.a1


def test_a_root_chosen_above_the_scope_never_leaks_rows(user_of_a, tree):
    # Even when called with a root above the scope, every query starts from restrict(user).
    assert selectors.summary(user_of_a, tree.p, Y2023)["current"]["total"] == 4
    assert selectors.unit_table(user_of_a, tree.p, Y2023)["total"]["current"]["total"] == 4


def test_default_year_is_the_latest_year_with_data(superuser, tree):
    assert defaults.default_year(superuser, tree.p, today=datetime.date(2026, 2, 1)) == 2023
    assert defaults.default_year(superuser, tree.p, today=datetime.date(2022, 5, 1)) == 2022
    assert defaults.default_year(superuser, tree.e, today=datetime.date(2026, 2, 1)) == 2026


def test_picker_lists_ancestors_in_scope_and_own_units(user_of_a, superuser, tree):
    picker = selectors.picker_units(user_of_a, tree.a1)
    assert [u["name"] for u in picker["ancestors"]] == ["Huyện ủy A"]
    assert [u["name"] for u in picker["own"]] == ["Huyện ủy A"]
    picker = selectors.picker_units(superuser, tree.a1)
    assert [u["name"] for u in picker["ancestors"]] == ["Tỉnh ủy P", "Huyện ủy A"]
    assert [u["name"] for u in picker["own"]] == ["Tỉnh ủy P", "Tỉnh ủy Q"]


def test_registration_rows_list_decisions_without_deleted_ones(superuser, tree):
    rows = list(selectors.registration_rows(superuser, tree.p, Y2023))
    assert len(rows) == 7
    r1 = next(row for row in rows if row["pk"] == tree.r1.pk)
    assert r1["top_recognition"] == "Cấp tỉnh"
    assert len(r1["recognitions"]) == 2
    assert r1["commendations"][0].startswith("Bằng khen: 3970/QĐ-UBND ngày 15/12/2023")
    r3 = next(row for row in rows if row["pk"] == tree.r3.pk)
    assert r3["recognitions"] == []


def test_decision_rows_list_only_covered_registrations_in_the_report(user_of_a, tree):
    rows = list(selectors.decision_rows(user_of_a, tree.a, Y2023))
    # district covers r1, r2 (r5 is in B); province covers r1; commendation covers r1.
    assert sorted((row["reference"], row["initiative"]) for row in rows) == sorted(
        [
            (tree.district.reference, tree.r1.initiative.name),
            (tree.district.reference, tree.r2.initiative.name),
            (tree.province.reference, tree.r1.initiative.name),
            ("3970/QĐ-UBND", tree.r1.initiative.name),
        ]
    )


def _list_count(user, params):
    request = RequestFactory().get("/mo-hinh/", params)
    request.user = user
    base = Registration.objects.restrict(user).alive()
    filterset = RegistrationFilterSet(params, queryset=base, request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


@pytest.mark.parametrize(
    "period", [Y2023, Period.half(2023, 1), Period.phase(2021, 2025)], ids=["year", "half", "phase"]
)
def test_every_count_equals_the_size_of_its_drill_down_list(superuser, tree, period):
    current = selectors.summary(superuser, tree.p, period)["current"]
    for measure in MEASURES:
        params = {"unit": tree.p.pk, **period.list_params(), **measure.params}
        assert _list_count(superuser, params) == current[measure.key], measure.key
    for row in selectors.unit_table(superuser, tree.p, period)["rows"]:
        if row["unit"]["is_root"]:
            continue
        params = {"unit": row["unit"]["pk"], **period.list_params()}
        assert _list_count(superuser, params) == row["current"]["total"], row["unit"]["name"]
    for standard in selectors.field_table(superuser, tree.p, period)["standards"]:
        for field in standard["fields"]:
            params = {"unit": tree.p.pk, "field": field["pk"], **period.list_params()}
            assert _list_count(superuser, params) == field["counts"]["total"]


def test_issuing_header_names_the_superior_body_and_the_locality(tree):
    assert selectors.issuing_header(tree.a1) == {
        "superior": "Huyện ủy A",
        "issuer": "Chi bộ A1",
        "place": "A",
    }
    assert selectors.issuing_header(tree.p) == {"superior": "", "issuer": "Tỉnh ủy P", "place": "P"}


@pytest.mark.parametrize(
    "period",
    [
        Period.year(2023),
        Period.half(2023, 2),
        Period.quarter(2023, 3),
        Period.phase(2021, 2023),
        Period.between(datetime.date(2023, 1, 1), datetime.date(2023, 9, 30)),
    ],
    ids=["year", "half", "quarter", "phase", "quarters-range"],
)
def test_counts_kept_ready_give_the_same_figures_as_live_counting(
    tree, superuser, user_of_a, period, monkeypatch
):
    def figures():
        return [
            (selectors.summary(user, root, period), selectors.unit_table(user, root, period),
             selectors.field_table(user, root, period), selectors.trend(user, root, period))
            for user, root in [(superuser, tree.p), (user_of_a, tree.a)]
        ]  # fmt: skip

    assert Source(superuser, tree.p, period).tally
    from_tally = figures()
    monkeypatch.setattr(Period, "tally_q", lambda self, prefix="": None)
    assert not Source(superuser, tree.p, period).tally
    assert figures() == from_tally
