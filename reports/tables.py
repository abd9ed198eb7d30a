"""The columns of the report tables, described once for the HTML page and the workbook.

A column shows one measure of ``registry.measures.MEASURES`` (or the change on last year); columns are
grouped under two-row headers the way review conferences print them ("Biểu 1").
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.choices import Kind, Level, RegistrationStatus, StandardField, UnitType
from registry.formats import grouped, percent

CHANGE = "change_total"


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Group:
    """A header over one or more columns; a group of one column spans both header rows."""

    label: str
    columns: list = field(default_factory=list)

    @property
    def single(self):
        return len(self.columns) == 1


def levels_present(counts):
    """Return the recognition levels that occur in ``counts``, lowest first."""
    return [level for level in Level if counts.get(f"recognised_{level.value}")]


def recognition_group(levels):
    columns = [Column("recognised", _("Tổng số"))]
    columns += [Column(f"recognised_{level.value}", level.label) for level in levels]
    return Group(_("Được công nhận"), columns)


def _total_kind_status_groups():
    """Return the first column groups of both tables: total, by kind, new or maintained."""
    return [
        Group(_("Tổng số mô hình"), [Column("total", _("Tổng số mô hình"))]),
        Group(
            _("Chia theo loại"),
            [
                Column(Kind.COLLECTIVE.value, Kind.COLLECTIVE.label),
                Column(Kind.INDIVIDUAL.value, Kind.INDIVIDUAL.label),
            ],
        ),
        Group(
            _("Hình thức đăng ký"),
            [
                Column(RegistrationStatus.MAINTAINED.value, RegistrationStatus.MAINTAINED.label),
                Column(RegistrationStatus.NEW.value, RegistrationStatus.NEW.label),
            ],
        ),
    ]


def unit_groups(levels):
    """Return the column groups of the table by subordinate unit ("Biểu 1")."""
    return [
        *_total_kind_status_groups(),
        Group(_("Lĩnh vực"), [Column(f"field_{s.value}", s.label) for s in StandardField]),
        recognition_group(levels),
        Group(_("Được khen thưởng"), [Column("commended", _("Được khen thưởng"))]),
        Group(_("Tăng, giảm so với cùng kỳ"), [Column(CHANGE, _("Tăng, giảm so với cùng kỳ"))]),
    ]


def field_groups():
    """Return the column groups of the table by field × kind."""
    return [
        *_total_kind_status_groups(),
        Group(
            _("Được công nhận"),
            [
                Column("recognised", _("Tổng số")),
                Column(f"recognised_{Kind.COLLECTIVE.value}", Kind.COLLECTIVE.label),
                Column(f"recognised_{Kind.INDIVIDUAL.value}", Kind.INDIVIDUAL.label),
            ],
        ),
        Group(_("Được khen thưởng"), [Column("commended", _("Được khen thưởng"))]),
    ]


def columns_of(groups):
    return [column for group in groups for column in group.columns]


def value_of(figures, key):
    """Return a cell's value from a row's figures ({"current", "change", ...}) or plain counts."""
    if key == CHANGE:
        return figures["change"]["total"]
    counts = figures.get("current", figures)
    return counts[key]


def percent_text(value):
    """Return a change in per cent as every page and workbook writes it: half up to one decimal,
    signed, with the language's decimal mark ("+56,3%"; in English "+56.3%")."""
    return percent(value, signed=True)


def review_text(counts, drafts, drafts_counted):
    """Say where the registrations stand in their review, and the drafts, as the page does."""
    line = _("Xét duyệt: %(submitted)s đã gửi, chờ xét; %(accepted)s đã tiếp nhận; %(returned)s trả lại.") % {
        "submitted": grouped(counts["review_submitted"]),
        "accepted": grouped(counts["review_accepted"]),
        "returned": grouped(counts["review_returned"]),
    }
    if drafts:
        counted = _("đã tính vào số liệu") if drafts_counted else _("chưa tính vào số liệu")
        line += " " + ngettext(
            "%(drafts)s dự thảo chưa gửi (%(counted)s).", "%(drafts)s dự thảo chưa gửi (%(counted)s).", drafts
        ) % {
            "drafts": grouped(drafts),
            "counted": counted,
        }
    return line


# What the units counted are called, by their types, the first group holding them all: a
# province's communes are "xã, phường, thị trấn", its districts "huyện, thị xã, thành phố"; "chi,
# đảng bộ" only for cells and grassroots committees (a district's communes among them, as the
# district's reports write it); any other mix "đơn vị".
SUBORDINATE_WORDS = [
    ({UnitType.COMMUNE}, gettext_lazy("xã, phường, thị trấn trực thuộc")),
    ({UnitType.DISTRICT}, gettext_lazy("huyện, thị xã, thành phố trực thuộc")),
    ({UnitType.RESIDENTIAL}, gettext_lazy("thôn, tổ dân phố trực thuộc")),
    (
        {UnitType.COMMUNE, UnitType.GRASSROOTS, UnitType.CELL, UnitType.ARMED},  # the police's party too
        gettext_lazy("chi, đảng bộ trực thuộc"),
    ),
]


def subordinate_words(unit_types):
    """Name the units counted by their types: the words of the first group holding them all, else "đơn vị"."""
    types = set(unit_types)
    for group, words in SUBORDINATE_WORDS:
        if types and types <= group:
            return str(words)
    return _("đơn vị trực thuộc")


def participation_text(units, period):
    """Say the participation line the way reports do: "356 mô hình của 24/44 chi, đảng bộ trực thuộc".

    The units are named by their types (``subordinate_words``): a province's communes are "xã,
    phường, thị trấn", a mix of communes and blocs "đơn vị".
    """
    p, total = units["participation"], units["total"]
    subordinates = subordinate_words(p["unit_types"])
    line = _("Tổng số %(total)s mô hình của %(participating)s/%(existed)s %(subordinates)s") % {
        "total": grouped(p["total"]),
        "participating": p["participating"],
        "existed": p["existed"],
        "subordinates": subordinates,
    }
    change = total["change"]["total"]
    compared = {
        "n": grouped(abs(change)),
        "previous": period.previous().label,
        "percent": percent_text(total["percent"]["total"]),
    }
    if change > 0:
        line += _("; tăng %(n)s mô hình so với cùng kỳ %(previous)s") % compared
    elif change < 0:
        line += _("; giảm %(n)s mô hình so với cùng kỳ %(previous)s") % compared
    else:
        line += _("; bằng cùng kỳ %(previous)s") % compared
    if compared["percent"]:
        line += f" ({compared['percent']})"
    return line + "."


def number_cell(value, url=None, signed=False):
    """Return a report table's number cell as HTML: a thousand of them render in Python, not in a template.

    The value is localised as the template would (1.759 in Vietnamese), the link escaped.
    """
    text = formats.localize(value)
    if signed:
        return mark_safe(f'<td class="num">{"+" if value > 0 else ""}{text}</td>')  # noqa: S308
    if url:
        return mark_safe(f'<td class="num"><a href="{escape(url)}">{text}</a></td>')  # noqa: S308
    return mark_safe(f'<td class="num">{text}</td>')  # noqa: S308


def cells_html(cells):
    """Return a row's number cells as one piece of HTML, which the template writes at once."""
    return mark_safe("".join(cell["html"] for cell in cells))  # noqa: S308
