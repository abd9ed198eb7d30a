"""The cached figures follow the units: adding, renaming or reorganising a unit renews them.

A report's rows and its "x/y" count the units below the root, not only their registrations, so a
write to a unit must renew the tokens the figures are cached under (``registry.tally``).
"""

import datetime

from registry import services
from registry.choices import UnitType
from registry.models import Unit
from reports import selectors
from reports.periods import Period


def figures(user, root):
    # A fresh instance each time: the token is read once per request, kept on the instance.
    return selectors.unit_table(user, Unit.objects.get(pk=root.pk), Period.year(2023))


def test_a_new_unit_shows_in_the_cached_rows_and_participation(tree, superuser):
    before = figures(superuser, tree.p)
    assert figures(superuser, tree.p) == before  # cached

    services.unit_create(
        user=None,
        parent=Unit.objects.get(pk=tree.p.pk),
        unit=Unit(name="Huyện ủy F", unit_type=UnitType.DISTRICT, valid_from=datetime.date(2020, 1, 1)),
    )

    after = figures(superuser, tree.p)
    assert after["participation"]["existed"] == before["participation"]["existed"] + 1
    assert "Huyện ủy F" in [row["unit"]["name"] for row in after["rows"]]


def test_a_renamed_unit_shows_its_new_name_in_the_cached_rows(tree, superuser):
    assert "Huyện ủy B" in [row["unit"]["name"] for row in figures(superuser, tree.p)["rows"]]

    unit = Unit.objects.get(pk=tree.b.pk)
    unit.name = "Huyện ủy Bình"
    services.unit_update(user=None, unit=unit)

    names = [row["unit"]["name"] for row in figures(superuser, tree.p)["rows"]]
    assert "Huyện ủy Bình" in names
    assert "Huyện ủy B" not in names
