"""The completeness board of a campaign (bảng theo dõi tiến độ): who registered, who is late.

The rows are the units directly below a unit of the campaign's subtree (the launching unit by
default); each row counts its whole subtree: the registrations of the campaign's year by
review state and by evaluation, and the units the campaign asks (``asked_units``) that have
registered, x/y and %. A unit has registered when it has a registration of the year of its own
that was sent up (submitted or accepted; a draft, or one returned to it, is not yet sent).

Overdue (``overdue_units``): after the registration deadline, an asked unit that has sent up
nothing; after the evaluation deadline, an asked unit with accepted registrations still not
evaluated.

Counting runs a fixed number of queries whatever the data, and reads no registration but the
drafts: one sums the units' own counts kept ready (``registry.OwnTally``, a row per unit and
year, kept by ``registry.tally`` with every write) by their ancestor at the rows' depth (a
prefix of the unit's path), one counts the drafts live (they are not kept, and few: a partial
index holds them), one the asked units with their participation (a join to the same own
counts), one reads the rows' units. The registrations of the root unit itself go to the total
only. The same rows feed the page
and the workbook (``workbook``), and every count links to the model list's rows behind it
(``Cell.params``).
"""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import formats, tally
from .choices import Evaluation, ReviewState
from .models import OwnTally, Registration, Unit
from .querysets import path_q

SENT = (ReviewState.SUBMITTED, ReviewState.ACCEPTED)

# The counted columns: key, header, the filter of the registrations, the list parameters.
COUNTS = [
    ("draft", gettext_lazy("Dự thảo"), Q(review_state=ReviewState.DRAFT), {"review_state": "draft"}),
    (
        "submitted",
        gettext_lazy("Đã gửi"),
        Q(review_state=ReviewState.SUBMITTED),
        {"review_state": "submitted"},
    ),
    (
        "accepted",
        gettext_lazy("Đã tiếp nhận"),
        Q(review_state=ReviewState.ACCEPTED),
        {"review_state": "accepted"},
    ),
    ("returned", gettext_lazy("Trả lại"), Q(review_state=ReviewState.RETURNED), {"review_state": "returned"}),
    ("total", gettext_lazy("Tổng số"), Q(), {}),
    ("effective", gettext_lazy("Hiệu quả"), Q(evaluation=Evaluation.EFFECTIVE), {"evaluation": "effective"}),
    (
        "not_effective",
        gettext_lazy("Chưa hiệu quả"),
        Q(evaluation=Evaluation.NOT_EFFECTIVE),
        {"evaluation": "not_effective"},
    ),
    (
        "unevaluated",
        gettext_lazy("Đã tiếp nhận, chưa đánh giá"),
        Q(review_state=ReviewState.ACCEPTED, evaluation=Evaluation.PENDING),
        {"review_state": "accepted", "evaluation": "pending"},
    ),
]
COUNT_KEYS = [key for key, _label, _q, _params in COUNTS]
# Sort keys (``?o=``, "-" before for descending): the name, every count, x, y and the percentage.
SORTS = {"name", *COUNT_KEYS, "registered", "asked", "percent"}


@dataclass
class Cell:
    """A count and the model list's parameters that list exactly its registrations."""

    key: str
    value: int
    params: dict


@dataclass
class Row:
    unit: Unit
    counts: dict = field(default_factory=dict)
    asked: int = 0
    registered: int = 0
    late_units: int = 0  # asked units that have sent nothing up
    unevaluated_units: int = 0  # asked units with accepted registrations not evaluated
    overdue_registration: bool = False
    overdue_evaluation: bool = False

    @property
    def percent(self):
        """The share of the asked units that have registered, or None when none is asked."""
        return None if not self.asked else Decimal(self.registered * 100) / self.asked

    @property
    def overdue(self):
        return self.overdue_registration or self.overdue_evaluation

    def cells(self, year):
        return [
            Cell(key, self.counts.get(key, 0), {"unit": self.unit.pk, "year": year, **params})
            for key, _label, _q, params in COUNTS
        ]


@dataclass
class Board:
    campaign: object
    root: Unit
    rows: list
    total: Row
    today: datetime.date
    order: str

    @property
    def registration_passed(self):
        return self.today > self.campaign.registration_deadline

    @property
    def evaluation_passed(self):
        return self.today > self.campaign.evaluation_deadline

    @property
    def has_overdue(self):
        return self.total.overdue


def asked_units(campaign, root):
    """The units the campaign asks in ``root``'s subtree (``Campaign.asks``), open during it.

    A unit closed before the launch, or opened after the registration deadline, is not asked.
    """
    units = Unit.objects.filter(path__startswith=root.path, depth__gt=campaign.unit.depth)
    if campaign.unit_types:
        units = units.filter(unit_type__in=campaign.unit_types)
    return units.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=campaign.launched_on),
        Q(valid_from__isnull=True) | Q(valid_from__lte=campaign.registration_deadline),
    )


# From a unit's own counts of the campaign's year (joined as ``own``): it has sent something
# up (submitted or accepted; drafts are not kept), it has accepted registrations not evaluated.
REGISTERED = Q(own__submitted__gt=0) | Q(own__accepted__gt=0)
UNEVALUATED = Q(own__unevaluated__gt=0)


def _own(campaign, q):
    """Whether the outer unit's own counts of the campaign's year match ``q`` (on OwnTally)."""
    return Exists(OwnTally.objects.filter(q, unit=OuterRef("pk"), year=campaign.year))


def participation(campaign, root):
    """The asked units annotated with ``registered`` and ``unevaluated`` (their own registrations)."""
    return asked_units(campaign, root).annotate(
        registered=_own(campaign, Q(submitted__gt=0) | Q(accepted__gt=0)),
        unevaluated=_own(campaign, Q(unevaluated__gt=0)),
    )


# The board's counts (but the drafts) as columns of the own counts.
KEPT = {
    "submitted": "submitted",
    "accepted": "accepted",
    "returned": "returned",
    "total": "total",
    "effective": "effective",
    "not_effective": "not_effective",
    "unevaluated": "unevaluated",
}


def build(*, campaign, root, today=None, order=""):
    """Return the board of ``campaign`` at ``root`` (the launching unit or a unit below it).

    The caller checks that the user may read ``root``'s subtree. Four queries, or two when the
    kept counts are cached (``counted``); the drafts are always counted live.
    """
    today = today or timezone.localdate()
    kept, asked, units = counted(campaign, root)
    counts = {path: dict(row) for path, row in kept.items()}
    _add_drafts(counts, campaign, root)
    rows = []
    for unit in units:
        if unit.path not in counts and unit.path not in asked:
            continue  # neither asked nor registering: not the campaign's business
        rows.append(_row(unit, counts.get(unit.path), asked.get(unit.path), campaign, today))
    total = _row(root, _sum(counts.values(), COUNT_KEYS), _sum(asked.values(), ASKED_KEYS), campaign, today)
    return Board(campaign, root, sort(rows, order), total, today, order if order.lstrip("-") in SORTS else "")


CACHE_TIMEOUT = 24 * 3600


def counted(campaign, root):
    """Return the board's kept counts by row (path → counts), its asked units by row, and its
    rows' units.

    Cached under the root's revision token (``registry.tally``), which every write that changes
    an own count or a unit below renews, and the campaign's last change: leaders open the
    board over and over between writes. Three queries, or one from the cache.
    """
    token = tally.token_of(root)
    if token is None:  # nothing was ever counted under this unit
        return _counted(campaign, root)
    key = f"board:{campaign.pk}:{campaign.updated_at.isoformat()}:{root.pk}:{token}"
    value = cache.get(key)
    if value is None:
        value = _counted(campaign, root)
        cache.set(key, value, CACHE_TIMEOUT)
    return value


def _counted(campaign, root):
    depth = root.depth + 1
    width = Unit.steplen * depth
    kept = (
        # A plain join on the path (not ``path_q``'s list of ids): the planner hashes the units
        # once instead of probing tens of thousands of ids (215 → 100 ms at the national root).
        OwnTally.objects.filter(year=campaign.year, unit__path__startswith=root.path)
        .annotate(ancestor=Substr("unit__path", 1, width))
        .values("ancestor")
        .annotate(**{key: Sum(column) for key, column in KEPT.items()})
        .order_by()
    )
    counts = {}
    for row in kept:
        ancestor = row.pop("ancestor")
        counts[ancestor] = {"draft": 0, **row}
    asked = (
        asked_units(campaign, root)
        .annotate(
            own=FilteredRelation("own_tallies", condition=Q(own_tallies__year=campaign.year)),
            ancestor=Substr("path", 1, width),
        )
        .values("ancestor")
        .annotate(
            asked=Count("pk"),
            registered=Count("pk", filter=REGISTERED),
            unevaluated=Count("pk", filter=UNEVALUATED),
        )
        .order_by()
    )
    asked = {row.pop("ancestor"): row for row in asked}
    units = Unit.objects.filter(depth=depth, path__startswith=root.path).order_by("path")
    units = list(units.only("pk", "name", "path", "depth", "unit_type", "valid_to"))
    return counts, asked, units


def _add_drafts(counts, campaign, root):
    """Add the drafts (not kept: counted live, a partial index holds them) to ``counts``."""
    width = Unit.steplen * (root.depth + 1)
    drafts = (
        Registration.objects.alive()
        .filter(year=campaign.year, review_state=ReviewState.DRAFT)
        .filter(path_q("unit__path", [root.path]))
        .annotate(ancestor=Substr("unit__path", 1, width))
        .values("ancestor")
        .annotate(**{key: Count("pk", filter=q) for key, _label, q, _params in COUNTS})
        .order_by()
    )
    for row in drafts:
        held = counts.setdefault(row.pop("ancestor"), dict.fromkeys(COUNT_KEYS, 0))
        for key in COUNT_KEYS:
            held[key] += row[key]


ASKED_KEYS = ("asked", "registered", "unevaluated")


def _sum(groups, keys):
    total = dict.fromkeys(keys, 0)
    for group in groups:
        for key in keys:
            total[key] += group[key]
    return total


def _row(unit, counts, asked, campaign, today):
    asked = asked or dict.fromkeys(ASKED_KEYS, 0)
    row = Row(
        unit=unit,
        counts=counts or dict.fromkeys(COUNT_KEYS, 0),
        asked=asked["asked"],
        registered=asked["registered"],
        unevaluated_units=asked["unevaluated"],
    )
    row.late_units = row.asked - row.registered
    row.overdue_registration = today > campaign.registration_deadline and row.late_units > 0
    row.overdue_evaluation = today > campaign.evaluation_deadline and row.unevaluated_units > 0
    return row


def sort(rows, order):
    """Sort the rows by ``order`` (a key of ``SORTS``, "-" first for descending); else in tree order."""
    key = (order or "").lstrip("-")
    if key not in SORTS:
        return rows
    descending = order.startswith("-")

    def value(row):
        if key == "name":
            from .text import fold  # noqa: PLC0415

            return fold(row.unit.name)
        if key in ("asked", "registered"):
            return getattr(row, key)
        if key == "percent":
            return -1 if row.percent is None else row.percent
        return row.counts.get(key, 0)

    return sorted(rows, key=lambda row: (value(row), row.unit.path), reverse=descending)


def overdue_units(campaign, root, today=None):
    """Return the overdue asked units of ``root``'s subtree: [(unit, kind)], kind as NotificationKind.

    One query.
    """
    from .models import NotificationKind  # noqa: PLC0415

    today = today or timezone.localdate()
    late_registration = today > campaign.registration_deadline
    late_evaluation = today > campaign.evaluation_deadline
    if not (late_registration or late_evaluation):
        return []
    wanted = Q(pk__in=[])
    if late_registration:
        wanted |= Q(registered=False)
    if late_evaluation:
        wanted |= Q(unevaluated=True)
    found = []
    for unit in participation(campaign, root).filter(wanted).order_by("path"):
        if late_registration and not unit.registered:
            found.append((unit, NotificationKind.REGISTRATION))
        if late_evaluation and unit.unevaluated:
            found.append((unit, NotificationKind.EVALUATION))
    return found


# ---------------------------------------------------------------------------------------------
# The workbook: the screen's rows, in the screen's order


def headers():
    return [_("Đơn vị"), *[str(label) for _key, label, _q, _params in COUNTS], _("Đơn vị đã đăng ký"),
            _("Đơn vị được yêu cầu"), _("Tỷ lệ (%)"), _("Quá hạn")]  # fmt: skip


def overdue_text(row):
    parts = []
    if row.overdue_registration:
        parts.append(_("chưa đăng ký"))
    if row.overdue_evaluation:
        parts.append(_("chưa đánh giá"))
    return ", ".join(parts)


def line(row):
    """The cells of one row as the workbook writes them (the percentage rounded to one decimal)."""
    percent = None if row.percent is None else float(formats.rounded_percent(row.percent))
    return [row.unit.name, *[row.counts.get(key, 0) for key in COUNT_KEYS], row.registered, row.asked,
            percent, overdue_text(row)]  # fmt: skip


def workbook(board):
    """Return the board as an .xlsx file's bytes: a title, the headers, the rows, the total."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    from . import celltext  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = _("Tiến độ")[:31]
    celltext.append(sheet, [board.campaign.title])
    sheet["A1"].font = Font(bold=True, size=13)
    subtitle = _("%(unit)s – năm %(year)s, đến ngày %(day)s") % {
        "unit": board.root.name,
        "year": board.campaign.year,
        "day": board.today.strftime("%d/%m/%Y"),
    }
    celltext.append(sheet, [subtitle])
    sheet.append([])
    celltext.append(sheet, headers())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in board.rows:
        celltext.append(sheet, line(row))
    total = line(board.total)
    total[0] = _("Tổng cộng")
    celltext.append(sheet, total)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 42
    sheet.freeze_panes = "B5"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
