"""Counts kept ready for the reports (the way DHIS2 keeps analytics tables).

A ``Tally`` row holds, for one unit, every measure of the registrations in that unit's whole
subtree, for one registration year, one quarter of the registration date and one field.
A national dashboard then sums a few thousand rows instead of counting two million
registrations. ``reports.tally`` keeps the rows exactly equal to the live counts.
"""

from django.db import models

from registry.models import Field, Unit

from .measures import TALLY_KEYS


class Tally(models.Model):
    """Registrations of a unit's subtree, counted per year, registration quarter and field."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # The quarter of the registration date as yyyyq (20241 = Q1 2024): half-years, quarters and
    # quarter-aligned ranges are answered from the tally.
    quarter = models.PositiveIntegerField()
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter", "field"], name="tally_key_unique"),
        ]
        indexes = [
            models.Index(fields=["unit", "year"], name="tally_unit_year"),
            # Half-years, quarters and ranges select on the quarter.
            models.Index(fields=["unit", "quarter"], name="tally_unit_quarter"),
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.year}/{self.quarter}/{self.field_id}: {self.total}"


# One count column per measure: the list lives in reports.measures, next to the filters that
# define each measure, so adding a measure adds its column (and a migration).
for _key in TALLY_KEYS:
    models.PositiveIntegerField(default=0).contribute_to_class(Tally, _key)
