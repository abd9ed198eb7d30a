"""The model list's page size, numbered pages, sortable headers and the phone's edit buttons."""

import pytest
from django.urls import reverse

from registry.tests.factories import InitiativeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("registry:registration_list")


@pytest.fixture
def many(tree):
    """Thirty more registrations under district A, of the years 2000 to 2025."""
    for index in range(30):
        year = 2000 + index % 26
        RegistrationFactory(
            initiative=InitiativeFactory(unit=tree.commune, name=f"Mô hình số {index}"), year=year
        )
    return tree


def test_the_reader_chooses_the_page_size(many, client_for):
    client = client_for(many.editor_a)
    response = client.get(LIST, {"per_page": "25"})
    assert len(response.context["object_list"]) == 25
    assert response.context["paginator"].num_pages == 2
    assert 'name="per_page"' in response.content.decode()


@pytest.mark.parametrize("odd", ["abc", "0", "-5", "1000000", "25.0", ""])
def test_an_odd_page_size_gives_the_default(many, client_for, odd):
    response = client_for(many.editor_a).get(LIST, {"per_page": odd})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 31  # all on the default page of 50


def test_the_pages_are_numbered_with_the_first_and_last(many, client_for):
    for _ in range(11):
        RegistrationFactory(initiative=InitiativeFactory(unit=many.cell), year=2010)
    # 42 rows of A's subtree, 25 a page: two pages.
    page = client_for(many.editor_a).get(LIST, {"per_page": "25", "page": "1"}).content.decode()
    assert "page=2" in page
    page = client_for(many.editor_a).get(LIST, {"per_page": "25", "page": "2"}).content.decode()
    assert 'aria-current="page"><span class="page-link">2' in page
    assert "page=1" in page


def test_a_header_sorts_the_list_and_says_how(many, client_for):
    client = client_for(many.editor_a)
    response = client.get(LIST)
    headers = response.context["sort_headers"]
    assert headers["year"]["state"] == "descending"  # newest first by default
    assert "o=year" in headers["year"]["url"]
    assert headers["name"]["state"] is None
    assert 'aria-sort="descending"' in response.content.decode()

    response = client.get(LIST + headers["year"]["url"])
    years = [row.year for row in response.context["object_list"]]
    assert years == sorted(years)
    assert response.context["sort_headers"]["year"]["state"] == "ascending"
    assert "o=-year" in response.context["sort_headers"]["year"]["url"]


def test_a_header_link_keeps_the_filter_and_leaves_the_page(many, client_for):
    response = client_for(many.editor_a).get(LIST, {"year": "2020", "page": "1", "per_page": "25"})
    url = response.context["sort_headers"]["name"]["url"]
    assert "year=2020" in url and "per_page=25" in url
    assert "page=" not in url.replace("per_page=", "")


def test_the_phone_edit_button_only_on_rows_the_user_may_change(tree, client_for):
    admin = client_for(tree.admin_province).get(LIST)
    assert admin.context["changeable"] == {tree.registration_a.pk, tree.registration_b.pk}
    editor = client_for(tree.editor_a).get(LIST)
    assert editor.context["changeable"] == {tree.registration_a.pk}
    assert reverse("registry:registration_update", args=[tree.registration_a.pk]) in editor.content.decode()
    viewer = client_for(tree.viewer_a).get(LIST)
    assert viewer.context["changeable"] == set()
    assert (
        reverse("registry:registration_update", args=[tree.registration_a.pk]) not in viewer.content.decode()
    )
