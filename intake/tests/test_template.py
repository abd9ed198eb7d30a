"""The templates everyone downloads: names typed by users stay text, and only the user's units show.

The finding: a field or unit named ``=HYPERLINK(...)`` was written as a live formula into the
import template every user downloads.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from intake.reorganisation import build_template as build_plan_template
from intake.template import build_template
from registry.choices import UnitType
from registry.models import Field, Unit
from registry.tests.factories import make_unit, reorganise
from registry.tests.test_celltext import assert_formula_safe

pytestmark = pytest.mark.django_db

UNIT = '=HYPERLINK("http://example.com/x","Bấm vào")'
FIELD = "@SUM(1+1)*cmd|' /C calc'!A0"


def test_the_import_template_writes_unit_and_field_names_as_text(tree, client_for):
    Field.objects.create(name=FIELD, standard="economy", order=0)
    Unit.objects.filter(pk=tree.cell.pk).update(name=UNIT, code="+BT")
    content = client_for(tree.editor_a).get(reverse("intake:template")).content
    assert_formula_safe(content, [UNIT, FIELD, "+BT"])
    workbook = load_workbook(io.BytesIO(content))
    assert UNIT in [row[1] for row in workbook["Đơn vị"].iter_rows(values_only=True)]
    assert FIELD in [row[6] for row in workbook["Danh mục"].iter_rows(values_only=True)]


def test_the_reorganisation_template_writes_unit_names_as_text(tree):
    Unit.objects.filter(pk=tree.commune.pk).update(name="-1+Xã Cẩm Giàng")
    Unit.objects.filter(pk=tree.cell.pk).update(name=UNIT)
    assert_formula_safe(build_plan_template(tree.admin_province), [UNIT, "-1+Xã Cẩm Giàng"])


def test_the_unit_sheet_names_no_successor_outside_the_users_scope(tree):
    """A unit of the user's moved to another branch: its successor's name stays out of the file."""
    other = make_unit("Đảng ủy xã Ngoài Phạm Vi", tree.b, UnitType.COMMUNE, code="TP-NPV")
    reorganise([tree.cell], into=other)
    workbook = load_workbook(io.BytesIO(build_template(tree.editor_a)))
    rows = {row[1]: row[5] for row in workbook["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert "Chi bộ thôn Nà Phải" in rows and not rows["Chi bộ thôn Nà Phải"]
    everything = " ".join(
        str(v) for ws in workbook.worksheets for r in ws.iter_rows(values_only=True) for v in r
    )
    assert "Ngoài Phạm Vi" not in everything
    # Its own successor, inside the scope, is named.
    reorganise([tree.commune], into=tree.a)
    rows = {
        row[1]: row[5]
        for row in load_workbook(io.BytesIO(build_template(tree.editor_a)))["Đơn vị"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert rows["Đảng ủy xã Cẩm Giàng"] == "Huyện ủy Bạch Thông"


def test_the_hidden_lists_are_headed_with_the_data_sheets_words(tree):
    """The hidden sheet's headers are the columns' own Vietnamese headers, never kind, grade ..."""
    for content in (build_template(tree.editor_a), build_plan_template(tree.admin_province)):
        workbook = load_workbook(io.BytesIO(content))
        lists = workbook["Danh mục"]
        assert lists.sheet_state == "hidden"
        headers = [cell.value for cell in lists[1] if cell.value]
        assert headers and all(any(ord(c) > 127 or c == " " for c in header) for header in headers), headers
        data = workbook.worksheets[1]
        columns = {cell.value for cell in data[1]}
        assert set(headers) - {"Loại đơn vị"} <= columns
    headers = [cell.value for cell in load_workbook(io.BytesIO(build_template(tree.editor_a)))["Danh mục"][1]]
    assert headers[:2] == ["Loại", "Xếp loại"]
