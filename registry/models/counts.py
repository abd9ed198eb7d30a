"""Counts kept ready for the reports (the way DHIS2 keeps analytics tables), and their tokens.

A ``Tally`` row holds, for one unit, every measure of the registrations in that unit's whole
subtree, for one registration year, one quarter of the registration date and one field.
A national dashboard then sums a few thousand rows instead of counting two million
registrations. ``registry.tally`` keeps the rows exactly equal to the live counts, inside the
transaction of every write, so they live with the writes.
"""

from django.db import models

from ..measures import OWN_KEYS, SUM_KEYS, TALLY_KEYS


class Counts(models.Model):
    """Registrations of a unit's subtree, counted per year, registration quarter and field."""

    unit = models.ForeignKey("registry.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # The quarter of the registration date as yyyyq (20241 = Q1 2024): half-years, quarters and
    # quarter-aligned ranges are answered from the tally.
    quarter = models.PositiveIntegerField()
    field = models.ForeignKey("registry.Field", on_delete=models.CASCADE, related_name="+")

    # One count column per measure: the list lives in registry.measures, next to the filters
    # that define each measure, so adding a measure adds its column (and a migration).
    # The results (people reached, money mobilised, workdays) are sums: a province's money runs
    # past 2³¹ đồng.
    for _key in TALLY_KEYS:
        locals()[_key] = (
            models.BigIntegerField(default=0) if _key in SUM_KEYS else models.PositiveIntegerField(default=0)
        )
    del _key

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit_id}/{self.year}/{self.quarter}/{self.field_id}: {self.total}"


class Tally(Counts):
    """The counts "as reported": each registration under the unit that registered it and above.

    The tree as it stood: a unit closed in 2025 keeps its registrations of 2019 – 2025.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter", "field"], name="tally_key_unique"),
        ]
        indexes = [
            models.Index(fields=["unit", "year"], name="tally_unit_year"),
            # Half-years, quarters and ranges select on the quarter.
            models.Index(fields=["unit", "quarter"], name="tally_unit_quarter"),
        ]


class CurrentTally(Counts):
    """The counts "in today's structure": each registration under the unit that carries it on now.

    A registration of a commune merged in 2025 counts under the new commune and the new
    province, in every year (``Registration.carrier``).
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter", "field"], name="current_tally_key_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "year"], name="current_tally_unit_year"),
            models.Index(fields=["unit", "quarter"], name="current_tally_unit_quarter"),
        ]


class OwnTally(models.Model):
    """A unit's own registrations of one year (not its subtree's), by review state and evaluation.

    The completeness board of a campaign sums them by the units below its root and reads from
    them which asked units have sent something up, instead of probing each unit's
    registrations. Drafts are not held (as in the tally); a row exists while ``total`` > 0.
    """

    unit = models.ForeignKey("registry.Unit", on_delete=models.CASCADE, related_name="own_tallies")
    year = models.PositiveSmallIntegerField()
    for _key in OWN_KEYS:
        locals()[_key] = models.PositiveIntegerField(default=0)
    del _key

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="own_tally_key_unique"),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="own_tally_year_unit")]

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.total}"


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
