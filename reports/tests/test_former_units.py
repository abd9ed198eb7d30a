"""Today's unit unfolded to the former units whose figures it holds (today's structure).

Tỉnh ủy P
├── Đảng ủy xã X   until 30/06/2025: 2 in 2024, 1 in 2025 (March)
├── Đảng ủy xã Y   until 30/06/2025: 1 in 2024
└── Đảng ủy xã Z   from 01/07/2025, carries X and Y on: 1 in 2025 (August)
Tỉnh ủy Q           another branch
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from registry.choices import Role, UnitType
from registry.tests.factories import MembershipFactory, UserFactory, make_unit, reorganise
from reports import selectors
from reports.periods import Period

from .conftest import register

REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def merged(db, fields):
    p = make_unit("Tỉnh ủy P", unit_type=UnitType.PROVINCE)
    x = make_unit("Đảng ủy xã X", p, UnitType.COMMUNE)
    y = make_unit("Đảng ủy xã Y", p, UnitType.COMMUNE)
    z = make_unit("Đảng ủy xã Z", p, UnitType.COMMUNE, valid_from=REFORM)
    q = make_unit("Tỉnh ủy Q", unit_type=UnitType.PROVINCE)
    register(x, year=2024, field=fields.economy)
    register(x, year=2024, field=fields.security)
    register(y, year=2024, field=fields.economy)
    register(x, year=2025, field=fields.economy, registered_on=datetime.date(2025, 3, 10))
    register(q, year=2025, field=fields.economy)
    reorganise([x, y], into=z, day=REFORM)
    register(z, year=2025, field=fields.economy, registered_on=datetime.date(2025, 8, 1))
    for unit in (x, y, z):
        unit.refresh_from_db()
    return SimpleNamespace(p=p, x=x, y=y, z=z, q=q)


def viewer_of(unit):
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.VIEWER)
    return user


PERIOD = Period.year(2025).in_structure("current")


def test_the_rows_name_each_former_unit_and_add_up_to_the_unit_s_row(merged):
    admin = viewer_of(merged.p)
    rows = selectors.former_table(admin, merged.z, PERIOD)
    assert [(row["unit"]["name"], row["current"]["total"], row["previous"]["total"]) for row in rows] == [
        ("Đảng ủy xã X", 1, 2),
        ("Đảng ủy xã Y", 0, 1),
        ("Đảng ủy xã Z", 1, 0),
    ]
    assert [row["unit"]["former"] for row in rows] == [True, True, False]
    table = selectors.unit_table(admin, merged.p, PERIOD)
    z_row = next(row for row in table["rows"] if row["unit"]["pk"] == merged.z.pk)
    assert z_row["current"]["total"] == sum(row["current"]["total"] for row in rows) == 2
    assert z_row["previous"]["total"] == sum(row["previous"]["total"] for row in rows) == 3


def test_only_rows_holding_former_units_unfold(merged, client):
    client.force_login(viewer_of(merged.p))
    response = client.get(reverse("reports:report"), {"unit": merged.p.pk, **PERIOD.form_params()})
    rows = {row["unit"]["pk"]: row for row in response.context["unit_rows"]}
    assert rows[merged.z.pk]["former_url"]
    assert not any(row["former_url"] for pk, row in rows.items() if pk != merged.z.pk)
    as_it_was = client.get(
        reverse("reports:report"), {"unit": merged.p.pk, **PERIOD.in_structure("reported").form_params()}
    )
    assert not any(row["former_url"] for row in as_it_was.context["unit_rows"])


def test_each_unfolded_count_links_to_exactly_its_rows(merged, client):
    client.force_login(viewer_of(merged.p))
    url = reverse("reports:report_formers")
    response = client.get(
        url,
        {"unit": merged.z.pk, "parent": merged.p.pk, **PERIOD.form_params()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reports/_former_rows.html"
    html = response.content.decode()
    assert "Đảng ủy xã X" in html and "<tr" in html and "<html" not in html
    checked = 0
    for row in response.context["rows"]:
        for cell in row["cells"]:
            if cell.get("url") and cell["value"]:
                listed = client.get(cell["url"])
                assert listed.status_code == 200
                assert listed.context["paginator"].count == cell["value"], cell["url"]
                checked += 1
    assert checked >= 4
    page = client.get(url, {"unit": merged.z.pk, **PERIOD.form_params()})
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_scope_each_role(merged, client):
    url = reverse("reports:report_formers")
    params = {"unit": merged.z.pk, "parent": merged.p.pk, **PERIOD.form_params()}
    # The staff of today's commune read their predecessors' figures.
    client.force_login(viewer_of(merged.z))
    names = [row["unit"]["name"] for row in client.get(url, params).context["rows"]]
    assert names == ["Đảng ủy xã X", "Đảng ủy xã Y", "Đảng ủy xã Z"]
    # Another branch, and a user left on a closed predecessor, see nothing of it.
    for user in (viewer_of(merged.q), viewer_of(merged.y)):
        client.force_login(user)
        assert client.get(url, params).status_code == 404
    client.logout()
    assert client.get(url, params).status_code == 302
    # A parent outside the scope is ignored, not a leak: the columns come from the unit.
    client.force_login(viewer_of(merged.z))
    response = client.get(url, {**params, "parent": merged.q.pk})
    assert response.status_code == 200 and response.context["table_root"] == merged.z


def test_a_closed_unit_holds_nothing_and_odd_input_never_fails(merged, client):
    client.force_login(viewer_of(merged.p))
    url = reverse("reports:report_formers")
    assert client.get(url, {"unit": merged.x.pk, "period": "year", "year": 2025}).status_code == 404
    for params in (
        {"unit": "abc"},
        {"unit": merged.z.pk, "parent": "-1"},
        {"unit": merged.z.pk, "parent": "99999999999999999999"},
        {"unit": merged.z.pk, "year": "0"},
        {"unit": merged.z.pk, "year": "1e10", "period": "half", "half": "7"},
        {"unit": merged.z.pk, "period": "range", "start": "01/01/0001", "end": "31/12/9999"},
        {"unit": merged.z.pk, "structure": "nonsense"},
    ):
        assert client.get(url, params).status_code in (200, 404), params


def test_the_root_s_own_row_unfolds_to_what_the_root_itself_carries(merged, fields, client):
    register(merged.p, year=2025, field=fields.economy, registered_on=datetime.date(2025, 9, 1))
    admin = viewer_of(merged.p)
    table = selectors.unit_table(admin, merged.p, PERIOD)
    own_row = next(row for row in table["rows"] if row["unit"]["is_root"])
    rows = selectors.former_table(admin, merged.p, PERIOD, own=True)
    assert sum(row["current"]["total"] for row in rows) == own_row["current"]["total"] == 1
    client.force_login(admin)
    response = client.get(reverse("reports:report"), {"unit": merged.p.pk, **PERIOD.form_params()})
    url = next(row["former_url"] for row in response.context["unit_rows"] if row["unit"]["is_root"])
    assert "own=1" in url
    unfolded = client.get(url, headers={"HX-Request": "true"})
    assert unfolded.status_code == 200
    assert not any(cell.get("url") for row in unfolded.context["rows"] for cell in row["cells"])
