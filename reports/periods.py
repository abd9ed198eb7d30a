"""Report periods: a year, a half-year, a quarter, a date range or a multi-year phase.

A period knows how to select registrations (by ``Registration.year`` for years and phases,
by ``Registration.registered_on`` for the others), which dates it spans (to decide which
units existed in it), what "the same period last year" is, and how to say itself.
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import rules
from registry.choices import ReviewState

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
TREND_YEARS = 5


class PeriodKind(models.TextChoices):
    YEAR = "year", gettext_lazy("Cả năm")
    HALF = "half", gettext_lazy("6 tháng")
    QUARTER = "quarter", gettext_lazy("Quý")
    RANGE = "range", gettext_lazy("Khoảng thời gian")
    PHASE = "phase", gettext_lazy("Giai đoạn")


def _shift_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 in a year without it
        return day.replace(year=day.year + years, day=28)


def _is_quarter_start(day):
    return day.day == 1 and day.month in (1, 4, 7, 10)


def _is_quarter_end(day):
    return (day + datetime.timedelta(days=1)).day == 1 and day.month in (3, 6, 9, 12)


# How registrations are placed in the tree: "as reported" under the unit that registered them,
# the tree as it stood; "in today's structure" under the unit that carries that unit on now.
REPORTED, CURRENT = "reported", "current"
# The review states the reports count by default (``Registration.objects.counted()``).
COUNTED_STATES = [ReviewState.SUBMITTED, ReviewState.ACCEPTED, ReviewState.RETURNED]


class Structure(models.TextChoices):
    REPORTED = REPORTED, gettext_lazy("Như đã báo cáo")
    CURRENT = CURRENT, gettext_lazy("Theo tổ chức hiện nay")


@dataclass(frozen=True)
class Period:
    """A reporting period, counted in one structure; build it with one of the class methods."""

    kind: str
    start: datetime.date
    end: datetime.date
    part: int | None = None
    structure: str = REPORTED
    # Whether the registrations still in draft are counted; by default the reports count from
    # "submitted" on, which is what the counts kept ready hold.
    drafts: bool = False
    # In today's structure, the day whose structure it is when not today's: registrations stand
    # under the units that carried them on that day (``registry.lineage.Placement``).
    on: datetime.date | None = None

    def in_structure(self, structure, on=None):
        """Return the same period counted in ``structure`` (on the day ``on``, for today's kind)."""
        return dataclasses.replace(self, structure=structure, on=on if structure == CURRENT else None)

    def with_drafts(self, drafts=True):
        """Return the same period, counting the drafts too (or not)."""
        return dataclasses.replace(self, drafts=bool(drafts))

    @property
    def current(self):
        """Whether registrations are counted under the units that carry them on today."""
        return self.structure == CURRENT

    @property
    def structure_label(self):
        if self.on is not None:
            return _("Theo tổ chức tại ngày %(day)s") % {"day": self.on.strftime("%d/%m/%Y")}
        return Structure(self.structure).label

    @classmethod
    def year(cls, year):
        return cls(PeriodKind.YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def half(cls, year, half):
        if half == 1:
            return cls(PeriodKind.HALF, datetime.date(year, 1, 1), datetime.date(year, 6, 30), 1)
        return cls(PeriodKind.HALF, datetime.date(year, 7, 1), datetime.date(year, 12, 31), 2)

    @classmethod
    def quarter(cls, year, quarter):
        first_month = 3 * (quarter - 1) + 1
        start = datetime.date(year, first_month, 1)
        end = (
            datetime.date(year, 12, 31)
            if quarter == 4
            else datetime.date(year, first_month + 3, 1) - datetime.timedelta(days=1)
        )
        return cls(PeriodKind.QUARTER, start, end, quarter)

    @classmethod
    def between(cls, start, end):
        return cls(PeriodKind.RANGE, start, end)

    @classmethod
    def phase(cls, first_year, last_year):
        return cls(PeriodKind.PHASE, datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31))

    @property
    def by_year(self):
        """Whether registrations are selected by their year rather than by their date."""
        return self.kind in (PeriodKind.YEAR, PeriodKind.PHASE)

    @property
    def first_year(self):
        return self.start.year

    @property
    def last_year(self):
        return self.end.year

    def _years_q(self, prefix):
        if self.first_year == self.last_year:
            return Q(**{f"{prefix}year": self.first_year})
        return Q(**{f"{prefix}year__gte": self.first_year, f"{prefix}year__lte": self.last_year})

    def q(self, prefix=""):
        """Return the filter that keeps the registrations of this period (drafts aside, unless asked)."""
        if self.by_year:
            within = self._years_q(prefix)
        else:
            within = Q(**{f"{prefix}registered_on__gte": self.start, f"{prefix}registered_on__lte": self.end})
        if not self.drafts:
            within &= Q(**{f"{prefix}review_state__in": COUNTED_STATES})
        return within

    def tally_q(self, prefix=""):
        """Return the filter on the counts kept ready (``Tally``), or None off their grain.

        The tally counts by registration year and by quarter of the registration date, so a
        year, a phase, a half-year, a quarter or a range of whole quarters can be read from it.
        The tally holds no drafts: a period that counts them is counted from the registrations.
        """
        if self.drafts:
            return None
        if self.by_year:
            return self._years_q(prefix)
        bounds = self.tally_bounds()
        if bounds is None:
            return None
        _grain, first, last = bounds
        return Q(**{f"{prefix}quarter__gte": first, f"{prefix}quarter__lte": last})

    def tally_bounds(self):
        """Return (grain, first, last): the tally column this period selects on and its bounds.

        The same selection as ``tally_q``, for reading summed rows in Python. None off the grain.
        """
        if self.drafts:
            return None
        if self.by_year:
            return "year", self.first_year, self.last_year
        if _is_quarter_start(self.start) and _is_quarter_end(self.end):
            first = self.start.year * 10 + (self.start.month - 1) // 3 + 1
            last = self.end.year * 10 + (self.end.month - 1) // 3 + 1
            return "quarter", first, last
        return None

    def unit_existed_q(self, prefix=""):
        """Return the filter that keeps the units that existed at some time in this period."""
        return rules.open_during_q(self.start, self.end, prefix)

    def previous(self):
        """Return the same period one year earlier; for a phase, the phase just before it."""
        if self.kind == PeriodKind.PHASE:
            length = self.last_year - self.first_year + 1
            before = Period.phase(self.first_year - length, self.last_year - length)
            return dataclasses.replace(self, start=before.start, end=before.end)
        return dataclasses.replace(self, start=_shift_years(self.start, -1), end=_shift_years(self.end, -1))

    def trend(self):
        """Return the periods of the trend chart, oldest first.

        The same period in each of the last years; for a phase, each year of the phase.
        """
        if self.kind == PeriodKind.PHASE:
            return [
                dataclasses.replace(
                    Period.year(year), structure=self.structure, drafts=self.drafts, on=self.on
                )
                for year in range(self.first_year, self.last_year + 1)
            ]
        periods = [self]
        for _i in range(TREND_YEARS - 1):
            periods.append(periods[-1].previous())
        return periods[::-1]

    @property
    def label(self):
        """Say the period the way reports do: "năm 2023", "6 tháng đầu năm 2024"."""
        if self.kind == PeriodKind.YEAR:
            return _("năm %(year)s") % {"year": self.first_year}
        if self.kind == PeriodKind.HALF:
            if self.part == 1:
                return _("6 tháng đầu năm %(year)s") % {"year": self.first_year}
            return _("6 tháng cuối năm %(year)s") % {"year": self.first_year}
        if self.kind == PeriodKind.QUARTER:
            return _("quý %(quarter)s năm %(year)s") % {"quarter": ROMAN[self.part], "year": self.first_year}
        if self.kind == PeriodKind.PHASE:
            return _("giai đoạn %(first)s–%(last)s") % {"first": self.first_year, "last": self.last_year}
        return _("từ %(start)s đến %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    @property
    def short_label(self):
        """Say the period in a few characters, for chart axes: "2023", "6T/2024", "QI/2024"."""
        if self.kind == PeriodKind.YEAR:
            return str(self.first_year)
        if self.kind == PeriodKind.HALF:
            return f"{self.part * 6 - 5}–{self.part * 6}/{self.first_year}"
        if self.kind == PeriodKind.QUARTER:
            return f"Q{ROMAN[self.part]}/{self.first_year}"
        if self.kind == PeriodKind.PHASE:
            return f"{self.first_year}–{self.last_year}"
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def list_params(self):
        """Return the registration list's GET parameters that select this period (and structure)."""
        structure = {"structure": CURRENT} if self.current else {}
        if self.on is not None:
            structure["structure_on"] = self.on.isoformat()
        if not self.drafts:  # the list shows drafts too: a count without them links to rows without them
            structure["review_state"] = "counted"
        if self.kind == PeriodKind.YEAR:
            return {"year": self.first_year, **structure}
        if self.kind == PeriodKind.PHASE:
            return {"year_from": self.first_year, "year_to": self.last_year, **structure}
        return {"date_from": self.start.isoformat(), "date_to": self.end.isoformat(), **structure}

    def form_params(self):
        """Return the report form's GET parameters that select this period."""
        params = {"period": self.kind}
        if self.kind == PeriodKind.YEAR:
            params["year"] = self.first_year
        elif self.kind == PeriodKind.HALF:
            params.update(year=self.first_year, half=self.part)
        elif self.kind == PeriodKind.QUARTER:
            params.update(year=self.first_year, quarter=self.part)
        elif self.kind == PeriodKind.PHASE:
            params.update(year_from=self.first_year, year_to=self.last_year)
        else:
            params.update(date_from=self.start.strftime("%d/%m/%Y"), date_to=self.end.strftime("%d/%m/%Y"))
        params["structure"] = self.structure
        if self.on is not None:
            params["structure_on"] = self.on.strftime("%d/%m/%Y")
        if self.drafts:
            params["drafts"] = "1"
        return params
