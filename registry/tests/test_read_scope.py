"""Pages of records in scope never show what lies outside it: names, units, counts."""

import pytest
from django.urls import reverse

from .factories import DecisionFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def test_a_model_copied_from_another_branch_shows_neither_its_name_nor_its_unit(tree, client_for):
    copy = InitiativeFactory(
        name="Tổ tự quản ở Nà Phải", unit=tree.cell, replicates=tree.initiative_b, year=2024
    )

    page = client_for(tree.editor_a).get(copy.get_absolute_url()).content.decode()

    assert "một mô hình của đơn vị khác" in page
    assert "Tổ dân phố tự quản" not in page
    assert tree.b.name not in page
    assert tree.initiative_b.get_absolute_url() not in page


def test_a_model_copied_inside_the_scope_is_named_and_linked(tree, client_for):
    copy = InitiativeFactory(
        name="Tổ tự quản ở Nà Phải", unit=tree.cell, replicates=tree.initiative_b, year=2024
    )

    page = client_for(tree.admin_province).get(copy.get_absolute_url()).content.decode()

    assert tree.initiative_b.get_absolute_url() in page
    assert tree.b.name in page


def test_the_decision_list_counts_only_the_covered_models_in_scope(tree, client_for):
    # A decision of the province covers a model of A and one of B.
    decision = DecisionFactory(
        issuing_unit=tree.province, number="900", registrations=[tree.registration_a, tree.registration_b]
    )

    def covered(user):
        response = client_for(user).get(reverse("registry:decision_list"))
        return {row.pk: row.covered for row in response.context["object_list"]}[decision.pk]

    assert covered(tree.editor_a) == 1
    assert covered(tree.admin_province) == 2


def test_the_scope_follows_a_reorganisation_applied_and_undone_after_it_was_read(tree):
    """The lineage is read once a process and again when it changes: a merge applied after a
    scope was read, and its undo, show in the next request's scope."""
    from django.contrib.auth import get_user_model

    from registry import reorganisations
    from registry.choices import UnitType
    from registry.querysets import scope_paths

    from .factories import make_unit, reorganise

    def paths():  # as a request does: the user loaded afresh
        return scope_paths(get_user_model().objects.get(pk=tree.editor_b.pk))

    closed = make_unit("Đảng ủy xã Quân Bình", tree.a, UnitType.COMMUNE, code="BT-QB")
    assert paths() == [tree.b.path]
    plan = reorganise([closed], into=tree.b)
    assert paths() == sorted([tree.b.path, closed.path])
    reorganisations.undo(user=None, reorganisation=plan)
    assert paths() == [tree.b.path]


def test_a_user_of_the_only_root_reads_every_row_and_never_a_root_created_after(tree, client_for):
    # The province is the only root: its administrator's scope holds every unit, and the lists
    # read without a subtree filter. A second root makes the filter needed again.
    from registry.choices import UnitType

    from .factories import make_unit

    client = client_for(tree.admin_province)
    listing = reverse("registry:registration_list")
    assert client.get(listing).context["paginator"].count == 2
    other = make_unit("Tỉnh ủy Cao Bằng", unit_type=UnitType.PROVINCE, code="CB")
    outside = InitiativeFactory(name="Mô hình ngoài phạm vi", unit=other, year=2023)
    DecisionFactory(issuing_unit=other, number="901", registrations=[outside.registrations.get()])

    assert client.get(listing).context["paginator"].count == 2
    for url in (listing, reverse("registry:decision_list"), reverse("registry:unit_list")):
        page = client.get(url).content.decode()
        assert other.name not in page and outside.name not in page, url
    assert client.get(outside.get_absolute_url()).status_code == 404
