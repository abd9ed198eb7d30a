"""The report's sentences: the units counted named by their types, the decisions dated in words."""

import pytest
from django.utils import translation

from reports import tables
from reports.selectors.rows import _decision_text, _labels


@pytest.mark.parametrize(
    ("unit_types", "words"),
    [
        (["cell", "grassroots"], "chi, đảng bộ trực thuộc"),
        (["armed", "cell", "commune", "grassroots"], "chi, đảng bộ trực thuộc"),  # a district's
        (["commune"], "xã, phường, thị trấn trực thuộc"),  # a province's communes
        (["district"], "huyện, thị xã, thành phố trực thuộc"),
        (["commune", "bloc"], "đơn vị trực thuộc"),  # a province today: communes and blocs
        (["bloc", "district"], "đơn vị trực thuộc"),
        (["agency", "mass_org"], "đơn vị trực thuộc"),  # a bloc's agencies and organisations
        ([], "đơn vị trực thuộc"),
    ],
)
def test_the_units_counted_are_named_by_their_types(unit_types, words):
    assert tables.subordinate_words(unit_types) == words


@pytest.mark.django_db
def test_the_decision_lines_of_a_report_say_on_in_english(registry_tree):
    with translation.override("en"):
        text = _decision_text(registry_tree.decision_a, _labels())
    assert " ngày " not in text and " of 15/12/2023" in text
    with translation.override("vi"):
        assert " ngày 15/12/2023" in _decision_text(registry_tree.decision_a, _labels())


@pytest.fixture
def registry_tree(db):
    from registry.tests.conftest import Tree

    return Tree()
