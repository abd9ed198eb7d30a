"""The template's unit sheet names a unit's successor only when the user may see it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.choices import Role, UnitType
from registry.tests.factories import MembershipFactory, UserFactory, make_unit, reorganise

pytestmark = pytest.mark.django_db


def successors(client):
    sheet = load_workbook(io.BytesIO(client.get(reverse("intake:template")).content))["Đơn vị"]
    return {row[1]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_a_successor_outside_the_scope_stays_unnamed(tree, client_for):
    # A commune of B merged into A's commune; its editor was left on the closed unit.
    closed = make_unit("Đảng ủy xã Dương Quang", tree.b, UnitType.COMMUNE, code="TP-DQ")
    reorganise([closed], into=tree.commune)
    editor = UserFactory(username="bientap_duongquang")
    MembershipFactory(user=editor, unit=closed, role=Role.EDITOR)

    assert successors(client_for(editor)) == {"Đảng ủy xã Dương Quang": None}
    # A's editor carries the closed unit on, and sees its successor.
    assert successors(client_for(tree.editor_a))["Đảng ủy xã Dương Quang"] == "Đảng ủy xã Cẩm Giàng"
