"""The table builder: every cell equals the list its link opens, totals, sums, scoping, odd input."""

import pytest
from django.urls import reverse

from reports import builder
from reports.periods import Period


def list_count(client, params):
    response = client.get(reverse("registry:registration_list"), params)
    assert response.status_code == 200
    return response.context["paginator"].count


@pytest.mark.parametrize("key", list(builder.DIMENSIONS))
def test_every_cell_equals_the_rows_its_link_lists(client_for, superuser, tree, key):
    client = client_for(superuser)
    columns = [] if key == "kind" else ["kind"]
    table = builder.build(superuser, tree.p, Period.year(2023), builder.Layout(rows=[key], columns=columns))
    assert table["total"]["value"] == 7
    for row in table["rows"]:
        for cell in [*row["cells"], row["total"]] if row["total"] else row["cells"]:
            if cell["count"]:
                assert list_count(client, cell["params"]) == cell["count"], (row["labels"], cell)


def test_the_page_shows_the_table_with_links(client_for, superuser, tree):
    client = client_for(superuser)
    response = client.get(reverse("reports:builder"), {"unit": tree.p.pk, "year": 2023})
    assert response.status_code == 200, response.content.decode()[:3000]
    html = response.content.decode()
    assert "Huyện ủy A" in html
    assert response.context["table"]["total"]["value"] == 7
