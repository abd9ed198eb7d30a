"""Where a user's pages open: their own unit and the year with figures in it.

The dashboard, the report page, the documents and the home page all ask these two functions,
so that the home page's year is the dashboard's and says why it was chosen.
"""

from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Registration
from .querysets import path_q
from .scope import scope_of
from .tally import CURRENT, MODELS, REPORTED, UNIT_PATH


@dataclass(frozen=True)
class DefaultYear:
    """The year a page opens on: ``year``, and ``latest``, the latest year with data up to today."""

    year: int
    today: int
    latest: int | None

    @property
    def reason(self):
        """Why this year, in a few words a user reads beside it."""
        if self.latest is None:
            return _("năm nay, chưa có mô hình nào được đăng ký")
        if self.year == self.today:
            return _("năm nay")
        return _("năm gần nhất có số liệu (năm %(today)d chưa có mô hình nào)") % {"today": self.today}


def default_root(user):
    """Return the user's own unit: their highest membership, an open one first (superuser: the first root)."""
    units = list(scope_of(user).top_units().order_by("depth", "path")[:50])
    return next((unit for unit in units if unit.valid_to is None), units[0] if units else None)


def default_year_of(user, root, today=None):
    """Return the DefaultYear at ``root``: this year if its subtree has data in it, else the latest
    year with data (never a later year than today's). One query.

    For a unit open today, the years of the units it carries on count too.
    """
    today = today or timezone.localdate()
    structure = CURRENT if root.valid_to is None else REPORTED
    if scope_of(user).covers(root):
        rows = MODELS[structure].objects.filter(unit=root)  # a few hundred rows, not the registrations
    else:
        rows = Registration.objects.restrict(user).alive().filter(path_q(UNIT_PATH[structure], [root.path]))
    latest = rows.filter(year__lte=today.year).aggregate(latest=Max("year"))["latest"]
    return DefaultYear(year=latest or today.year, today=today.year, latest=latest)


def default_year(user, root, today=None):
    """Return the year the pages at ``root`` open on (see ``default_year_of``)."""
    return default_year_of(user, root, today).year
