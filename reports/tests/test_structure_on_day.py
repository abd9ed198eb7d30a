"""The structure of a chosen day: between two reorganisations, the units as they stood then.

Tỉnh ủy P
├── Đảng ủy xã X   until 30/06/2025: 2 in 2024
├── Đảng ủy xã Y   until 30/06/2025: 1 in 2024
├── Đảng ủy xã Z   01/07/2025 – 28/02/2026, carries X and Y on: 1 in 2025
├── Đảng ủy xã W   open: 1 in 2024, 1 in 2025
└── Đảng ủy xã V   from 01/03/2026, carries Z and W on: 1 in 2026
Tỉnh ủy Q           another branch: 1 in 2024

On 31/12/2025, between the two reorganisations, X's and Y's 2024 registrations stand under Z,
W's under W; today all of them stand under V; as reported, under X, Y and W.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry import lineage
from registry.choices import Role, UnitType
from registry.models import Registration
from registry.querysets import path_q
from registry.tests.factories import MembershipFactory, UserFactory, make_unit, reorganise
from reports import exports, selectors
from reports.forms import ReportFilterForm
from reports.periods import Period

from .conftest import register

FIRST, SECOND = datetime.date(2025, 7, 1), datetime.date(2026, 3, 1)
BETWEEN = datetime.date(2025, 12, 31)


@pytest.fixture
def twice(db, fields):
    p = make_unit("Tỉnh ủy P", unit_type=UnitType.PROVINCE)
    x = make_unit("Đảng ủy xã X", p, UnitType.COMMUNE)
    y = make_unit("Đảng ủy xã Y", p, UnitType.COMMUNE)
    w = make_unit("Đảng ủy xã W", p, UnitType.COMMUNE)
    z = make_unit("Đảng ủy xã Z", p, UnitType.COMMUNE, valid_from=FIRST)
    v = make_unit("Đảng ủy xã V", p, UnitType.COMMUNE, valid_from=SECOND)
    q = make_unit("Tỉnh ủy Q", unit_type=UnitType.PROVINCE)
    register(x, year=2024, field=fields.economy)
    register(x, year=2024, field=fields.security)
    register(y, year=2024, field=fields.economy)
    register(w, year=2024, field=fields.economy)
    register(q, year=2024, field=fields.economy)
    reorganise([x, y], into=z, day=FIRST)
    register(z, year=2025, field=fields.economy, registered_on=datetime.date(2025, 8, 1))
    register(w, year=2025, field=fields.economy, registered_on=datetime.date(2025, 9, 1))
    reorganise([z, w], into=v, day=SECOND)
    register(v, year=2026, field=fields.economy, registered_on=datetime.date(2026, 4, 1))
    for unit in (x, y, z, w, v):
        unit.refresh_from_db()
    return SimpleNamespace(p=p, x=x, y=y, z=z, w=w, v=v, q=q)


def viewer_of(unit):
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.VIEWER)
    return user


def rows_of(table):
    return {row["unit"]["name"]: row["current"]["total"] for row in table["rows"]}


Y2024 = Period.year(2024)


def test_each_registration_stands_under_the_unit_that_carried_it_on_that_day(twice):
    user = viewer_of(twice.p)
    on_day = selectors.unit_table(user, twice.p, Y2024.in_structure("current", BETWEEN))
    assert rows_of(on_day) == {"Đảng ủy xã Z": 3, "Đảng ủy xã W": 1}
    today = selectors.unit_table(user, twice.p, Y2024.in_structure("current"))
    assert rows_of(today) == {"Đảng ủy xã V": 4}
    reported = selectors.unit_table(user, twice.p, Y2024.in_structure("reported"))
    assert rows_of(reported) == {"Đảng ủy xã X": 2, "Đảng ủy xã Y": 1, "Đảng ủy xã W": 1}
    # The units of the structure shown: Z and W were open on the day, V was not yet.
    assert on_day["participation"]["existed"] == 2
    assert on_day["participation"]["participating"] == 2
    assert on_day["total"]["current"]["total"] == 4


def test_a_unit_open_on_that_day_holds_what_it_carried_then_and_a_later_one_its_own(twice):
    user = viewer_of(twice.p)
    for year, z_total, v_total in ((2024, 3, 0), (2025, 1, 0), (2026, 0, 1)):
        period = Period.year(year).in_structure("current", BETWEEN)
        assert selectors.summary(user, twice.z, period)["current"]["total"] == z_total
        assert selectors.summary(user, twice.v, period)["current"]["total"] == v_total
    # The comparison uses the same structure for both years.
    figures = selectors.summary(user, twice.z, Period.year(2025).in_structure("current", BETWEEN))
    assert figures["previous"]["total"] == 3


def test_every_figure_equals_a_recount_by_walking_the_lineage_of_that_day(twice):
    """The placement against the plain walk of ``registry.lineage.Lineages`` of the day."""
    found = lineage.Lineages(BETWEEN)
    placement = lineage.Placement(BETWEEN)
    for unit in (twice.p, twice.x, twice.y, twice.z, twice.w, twice.v, twice.q):
        expected = set()
        for registration in Registration.objects.all():
            row = found.units[registration.unit_id]
            if row["valid_from"] and row["valid_from"] > BETWEEN:
                carrier = registration.unit_id
            else:
                carrier = found.carrier(registration.unit_id, registration.initiative_id)
            if carrier is not None and found.units[carrier]["path"].startswith(unit.path):
                expected.add(registration.pk)
        kept = set(Registration.objects.filter(placement.q([unit.path], path_q)).values_list("pk", flat=True))
        assert kept == expected, unit.name


def test_a_count_links_to_exactly_its_rows(twice, client):
    client.force_login(viewer_of(twice.p))
    period = Y2024.in_structure("current", BETWEEN)
    response = client.get(reverse("reports:report"), {"unit": twice.p.pk, **period.form_params()})
    assert response.status_code == 200
    assert response.context["period"].on == BETWEEN
    rows = {row["unit"]["name"]: row for row in response.context["unit_rows"]}
    z_cell = rows["Đảng ủy xã Z"]["cells"][0]
    assert z_cell["value"] == 3
    listed = client.get(z_cell["url"])
    assert listed.status_code == 200
    assert listed.context["paginator"].count == 3
    page = response.content.decode()
    assert "Theo tổ chức tại ngày 31/12/2025".lower() in page.lower()
    # Links to the two other structures.
    assert [other["label"] for other in response.context["other_structures"]] == [
        "Theo tổ chức hiện nay",
        "Như đã báo cáo",
    ]


def test_the_root_s_own_row_links_to_what_it_carried_itself(twice, client):
    client.force_login(viewer_of(twice.p))
    params = {
        "unit_own": twice.z.pk,
        "unit": twice.z.pk,
        "structure": "current",
        "structure_on": BETWEEN.isoformat(),
        "year": 2024,
    }
    listed = client.get(reverse("registry:registration_list"), params)
    assert listed.context["paginator"].count == 3
    params["structure_on"] = ""
    assert client.get(reverse("registry:registration_list"), params).context["paginator"].count == 0


def test_a_day_without_a_later_reorganisation_is_today_s_structure(twice):
    form = ReportFilterForm({"year": 2024, "structure": "current", "structure_on": "02/03/2026"})
    period = selectors.report_period(viewer_of(twice.p), twice.p, form)
    assert period.current and period.on is None
    assert "02/03/2026" in form.structure_note


def test_a_unit_that_did_not_exist_on_the_day_is_shown_in_its_default_structure(twice):
    form = ReportFilterForm({"year": 2024, "structure_on": "31/12/2024"})
    period = selectors.report_period(viewer_of(twice.p), twice.z, form)
    assert period.on is None
    assert "31/12/2024" in form.structure_note


def test_a_closed_unit_is_read_in_the_structure_of_a_day_it_was_open_on(twice, client):
    client.force_login(viewer_of(twice.p))
    response = client.get(
        reverse("reports:dashboard"), {"unit": twice.z.pk, "year": 2024, "structure_on": "31/12/2025"}
    )
    assert response.status_code == 200
    assert response.context["period"].on == BETWEEN
    assert response.context["summary"]["current"]["total"] == 3


@pytest.mark.parametrize("value", ["31/12/2099", "hôm qua", "01/01/1900", "31/02/2025", "2025-13-01"])
def test_a_bad_day_is_refused_with_a_message_and_the_page_still_answers(twice, client, value):
    client.force_login(viewer_of(twice.p))
    response = client.get(
        reverse("reports:report"), {"unit": twice.p.pk, "year": 2024, "structure_on": value}
    )
    assert response.status_code == 200
    assert response.context["period"].on is None
    assert response.context["structure_on_errors"]
    listed = client.get(
        reverse("registry:registration_list"),
        {"unit": twice.p.pk, "structure": "current", "structure_on": value},
    )
    assert listed.status_code == 200


def test_a_user_of_another_branch_sees_nothing_of_it_on_any_day(twice, client):
    client.force_login(viewer_of(twice.q))
    period = Y2024.in_structure("current", BETWEEN)
    response = client.get(reverse("reports:report"), {"unit": twice.p.pk, **period.form_params()})
    assert response.status_code == 404
    listed = client.get(
        reverse("registry:registration_list"),
        {"unit": twice.z.pk, "structure": "current", "structure_on": BETWEEN.isoformat()},
    )
    assert listed.status_code == 200
    assert listed.context["paginator"].count == 0
    own = selectors.summary(viewer_of(twice.q), twice.q, Y2024.in_structure("current", BETWEEN))
    assert own["current"]["total"] == 1


def test_a_viewer_of_the_merged_commune_reads_what_it_carried_on_that_day(twice):
    user = viewer_of(twice.v)
    figures = selectors.summary(user, twice.z, Y2024.in_structure("current", BETWEEN))
    assert figures["current"]["total"] == 3


def test_the_workbook_says_which_structure_it_holds(twice):
    user = viewer_of(twice.p)
    period = Y2024.in_structure("current", BETWEEN)
    with exports.summary_workbook(user, twice.p, period, today=datetime.date(2026, 12, 6)) as output:
        book = load_workbook(output)
    cells = [cell.value for row in book.worksheets[0].iter_rows() for cell in row]
    texts = [value for value in cells if isinstance(value, str)]
    assert any("theo tổ chức tại ngày 31/12/2025" in text for text in texts)
    values = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    z_rows = [row for row in values if "Đảng ủy xã Z" in row]
    assert z_rows and 3 in z_rows[0]


def test_a_write_or_a_new_plan_is_seen_at_once_though_the_figures_are_cached(twice, fields):
    viewer = viewer_of(twice.p)
    period = Y2024.in_structure("current", BETWEEN)

    def total(unit, period=period):
        # A user object per request, as the pages have: the placement is kept on it.
        return selectors.summary(type(viewer).objects.get(pk=viewer.pk), unit, period)["current"]["total"]

    assert total(twice.z) == 3
    register(twice.x, year=2024, field=fields.economy)  # history entered late, in a closed unit
    assert total(twice.z) == 4
    # A third plan, dated before the day: commune K merged into Z on 01/11/2025.
    k = make_unit("Đảng ủy xã K", twice.p, UnitType.COMMUNE)
    register(k, year=2024, field=fields.economy)
    assert total(twice.z) == 4
    reorganise([k], into=twice.z, day=datetime.date(2025, 11, 1))
    assert total(twice.z) == 5
    assert total(twice.v, Y2024.in_structure("current")) == 6


def test_a_unit_entered_closed_for_history_makes_its_days_a_structure_of_their_own(twice):
    """No reorganisation closed it, yet on a day it was open it stands apart from today's."""
    make_unit("Đảng ủy xã cũ", twice.p, UnitType.COMMUNE, valid_to=datetime.date(2026, 5, 31))
    form = ReportFilterForm({"year": 2024, "structure": "current", "structure_on": "02/03/2026"})
    period = selectors.report_period(viewer_of(twice.p), twice.p, form)
    assert period.on == datetime.date(2026, 3, 2)


def test_the_placement_s_key_changes_when_a_unit_s_dates_are_edited(twice):
    before = lineage._placement_key()
    twice.w.valid_from = datetime.date(2010, 1, 1)
    twice.w.save()
    assert lineage._placement_key() != before


def test_the_builder_reads_a_closed_unit_as_it_was_when_a_day_is_asked(twice, client):
    client.force_login(viewer_of(twice.p))
    response = client.get(
        reverse("reports:builder"), {"unit": twice.z.pk, "year": 2024, "structure_on": "31/12/2025"}
    )
    assert response.status_code == 200
    assert response.context["period"].structure == "reported"
    assert response.context["period"].on is None
