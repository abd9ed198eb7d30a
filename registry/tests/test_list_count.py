"""The model list's count: read from the tally when it can be, and always equal to the rows."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from registry import listcount
from registry.models import Field, Registration, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

URL = "/mo-hinh/"


def user(username):
    return get_user_model().objects.get(username=username)


def unit(code):
    return Unit.objects.get(code=code).pk


def tally_filters():
    field = Field.objects.get(name="Kinh tế").pk
    return [
        "",
        "year=2019",
        "year=2023&kind=individual",
        "status=maintained&year=2023",
        "recognised=true",
        "recognised=true&kind=collective",
        "recognition_level=district",
        "commended=true",
        "evaluation=effective&year_from=2018&year_to=2020",
        "level=commune&grade=model",
        "standard_field=economy&kind=individual",
        f"field={field}",
        f"unit={unit('BK-BT')}&year=2019",
        f"unit={unit('BK-TP')}&year=2023&status=new",
        "o=-name&year=2022",
    ]


@pytest.mark.parametrize("username", ["admin", "quantri", "xem"])
def test_tally_counts_equal_the_rows_listed(client_for, username):
    client = client_for(user(username))
    for query in tally_filters():
        response = client.get(f"{URL}?{query}")
        if response.status_code == 200 and response.context["filter"].is_valid():
            view_filter = response.context["filter"]
            cleaned = view_filter.form.cleaned_data if view_filter.is_bound else {}
            if not cleaned.get("unit") or username != "xem":
                assert listcount.tally_count(user(username), cleaned) is not None, query
            assert response.context["paginator"].count == view_filter.qs.count(), (username, query)
            assert not response.context["count_capped"]


def test_other_filters_are_counted_exactly_below_the_cap(client_for):
    client = client_for(user("quantri"))
    for query in ["q=chi+bo", "renewed=true&year=2022", "recognised=false", "date_from=01/03/2023"]:
        response = client.get(f"{URL}?{query}")
        view_filter = response.context["filter"]
        assert listcount.tally_count(user("quantri"), view_filter.form.cleaned_data) is None, query
        assert response.context["paginator"].count == view_filter.qs.count() > 0, query
        assert not response.context["count_capped"]


@pytest.mark.parametrize("query", ["q=chi+bo", "renewed=false"])
def test_pages_taken_from_the_counted_rows_follow_the_lists_order(client_for, query):
    client = client_for(user("quantri"))
    first = client.get(f"{URL}?{query}")
    expected = list(first.context["filter"].qs.values_list("pk", flat=True))
    assert first.context["paginator"].count == len(expected) > 50, query
    listed = []
    for number in range(1, first.context["paginator"].num_pages + 1):
        page = client.get(f"{URL}?{query}&page={number}").context["page_obj"]
        listed += [registration.pk for registration in page.object_list]
    assert listed == expected


def test_a_count_over_the_cap_says_more_than(client_for, monkeypatch):
    monkeypatch.setattr(listcount, "CAP", 5)
    response = client_for(user("quantri")).get(f"{URL}?q=chi+bo")
    assert response.context["count_capped"]
    assert response.context["paginator"].count == 5
    assert "Hơn <strong>5</strong>" in response.content.decode()


def test_fewer_rows_are_read_when_the_database_expects_far_more_than_the_cap(monkeypatch):
    rows = Registration.objects.values("year", "pk")
    total = rows.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_registration")  # the planner then expects every row
    monkeypatch.setattr(listcount, "BROAD_CAP", 3)
    monkeypatch.setattr(listcount, "CAP", total // 2)
    assert listcount.row_cap(rows) == (3 if connection.vendor == "postgresql" else total // 2)
    monkeypatch.setattr(listcount, "CAP", total * 2)
    assert listcount.row_cap(rows) == total * 2
    assert listcount.row_cap(rows.none()) == total * 2


def test_an_invalid_filter_lists_and_counts_nothing(client_for):
    response = client_for(user("quantri")).get(f"{URL}?year=abc")
    assert response.context["paginator"].count == 0


def test_deep_pages_link_without_thousands_separators(client_for, monkeypatch):
    from registry.views.initiatives import RegistrationListView

    monkeypatch.setattr(RegistrationListView, "paginate_by", 2)
    response = client_for(user("admin")).get(f"{URL}?page=1500")
    content = response.content.decode()
    pages = response.context["paginator"].num_pages
    assert pages > 1500
    assert f'page={pages}"' in content and 'page=1501"' in content
