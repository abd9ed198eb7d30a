"""One way to write numbers, money and dates for the reader, and to read typed numbers back.

Vietnamese readers write 1.759 people, 129.000.000 đ and 16/04/2024; English readers 1,759
people and 129,000,000 VND, with the same day-month order (``danvan/formats``). Pages, history,
messages of the rules and of the import all write through these functions.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

# 1759, 1.759, 1,759, 1 759 or 129.000.000: digits, grouped by threes with one mark throughout.
GROUPED = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")


def grouped(number) -> str:
    """Return a whole number with the language's mark between thousands: 1.759 (English 1,759)."""
    return formats.number_format(number, decimal_pos=0, use_l10n=True, force_grouping=True)


def money(amount) -> str:
    """Return an amount of đồng as people write it: 129.000.000 đ (English 129,000,000 VND)."""
    return _("%(amount)s đ") % {"amount": grouped(amount)}


def rounded_percent(value):
    """Round a share in per cent the one way every page, workbook and document does: half up to
    one decimal, from an exact value (56,25 → 56,3). None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent(value, *, signed=False) -> str:
    """Write a per cent with the language's decimal mark: "56,3%" ("+56,3%" signed; English "56.3%")."""
    rounded = rounded_percent(value)
    if rounded is None:
        return ""
    text = formats.number_format(abs(rounded), decimal_pos=1, use_l10n=True)
    sign = "-" if rounded < 0 else ("+" if signed else "")
    return f"{sign}{text}%"


def day(value) -> str:
    """Return a date as dd/mm/yyyy, the order the documents use in either language."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # strftime drops a year's zeros


def moment(value) -> str:
    """Return a moment as its local time and day: 14:05 16/04/2024."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M %d/%m/%Y")


def any_value(value) -> str:
    """Return a date, a moment or a whole number as this module writes it; other values as text."""
    if isinstance(value, datetime.datetime):
        return moment(value)
    if isinstance(value, datetime.date):
        return day(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return grouped(value)
    return str(value)


def parse_whole(text) -> int:
    """Read a typed whole number: 1200, 1.200, 1,200 or 1 200. Raise ``ValueError`` otherwise."""
    raw = str(text).strip().replace("\u00a0", " ")
    if raw.isdigit():
        return int(raw)
    if GROUPED.match(raw):
        return int(re.sub(r"\D", "", raw))
    raise ValueError(raw)


def until(name, valid_to) -> str:
    """Return the name of a unit closed on ``valid_to``, marked: "Huyện ủy Bạch Thông (đến 30/06/2025)"."""
    return _("%(name)s (đến %(day)s)") % {"name": name, "day": day(valid_to)}


def inner(text) -> str:
    """Return ``text`` ready to be put between “ ”: its own double quotes become single ones.

    "Đã xóa “Mô hình ‘Dân vận khéo’ ...”", not "Đã xóa “Mô hình “Dân vận khéo” ...””".
    """
    return str(text).replace("“", "‘").replace("”", "’")
