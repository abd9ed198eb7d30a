"""Counts kept ready for the reports (the way DHIS2 keeps analytics tables), and their tokens.

A ``Tally`` row holds, for one unit, every measure of the registrations in that unit's whole
subtree, for one registration year, one quarter of the registration date and one field.
A national dashboard then sums a few thousand rows instead of counting two million
registrations. ``registry.tally`` keeps the rows exactly equal to the live counts, inside the
transaction of every write, so they live with the writes.
"""

from django.db import models

from ..measures import TALLY_KEYS


class Tally(models.Model):
    """Registrations of a unit's subtree, counted per year, registration quarter and field."""

    unit = models.ForeignKey("registry.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # The quarter of the registration date as yyyyq (20241 = Q1 2024): half-years, quarters and
    # quarter-aligned ranges are answered from the tally.
    quarter = models.PositiveIntegerField()
    field = models.ForeignKey("registry.Field", on_delete=models.CASCADE, related_name="+")

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


# One count column per measure: the list lives in registry.measures, next to the filters that
# define each measure, so adding a measure adds its column (and a migration).
for _key in TALLY_KEYS:
    models.PositiveIntegerField(default=0).contribute_to_class(Tally, _key)


class Revision(models.Model):
    """A token that changes whenever the counts of a unit's subtree change.

    ``registry.tally`` gives every unit whose tally rows it changes a new token, in the same
    transaction; the report figures are cached under the root's token (``reports.cache``), so
    a cached figure is never read after a write that changed it, on any server.
    """

    unit = models.OneToOneField("registry.Unit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.unit_id}: {self.token}"
