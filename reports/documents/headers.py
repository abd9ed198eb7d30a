"""Which header a document carries: party (Hướng dẫn 36-HD/VPTW) or state (Nghị định 30/2020).

A unit of the party tree (a committee, a cell, the party committees of the armed forces) and
the party's commissions (Ban Dân vận, Ban Chỉ đạo) issue party documents; every other unit
(government bodies, the Fatherland Front, mass organisations, schools, enterprises) issues
under the state format. A decision recorded under a party unit whose symbol is a state one
(``QĐ-UBND``: a People's Committee decision the party unit keeps the record of) is a state
document too: the symbol is what the paper itself carries.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.choices import PARTY_UNIT_TYPES, UnitType

from .. import selectors
from . import wording

PARTY_TYPES = PARTY_UNIT_TYPES | {UnitType.COMMISSION}
# A committee's header names the party organisation above it: "ĐẢNG BỘ TỈNH BẮC KẠN" over
# "HUYỆN ỦY BẠCH THÔNG" (Hướng dẫn 36-HD/VPTW); a commission names its committee as it is.
ORGANISATION = [
    (re.compile(r"^Tỉnh ủy\s+", re.I), "Đảng bộ tỉnh "),
    (re.compile(r"^Thành ủy\s+", re.I), "Đảng bộ thành phố "),
    (re.compile(r"^Huyện ủy\s+", re.I), "Đảng bộ huyện "),
    (re.compile(r"^Thị ủy\s+", re.I), "Đảng bộ thị xã "),
    (re.compile(r"^Đảng ủy (xã|phường|thị trấn)\s+", re.I), r"Đảng bộ \1 "),
]


@dataclass(frozen=True)
class Header:
    """The two header blocks of a document, as lines: (text, bold, italic, underline)."""

    party: bool
    left: list
    right: list


def is_party(unit_type, symbol=""):
    """Whether a document of this unit type and symbol follows the party format."""
    if symbol and "/" not in symbol:  # a state symbol: QĐ-UBND
        return False
    return unit_type in PARTY_TYPES


def document_header(*, party, superior, issuer, reference, place_date):
    """Return the header blocks of a party or a state document."""
    if party:
        left = [
            (superior.upper(), False, False, False),
            (issuer.upper(), True, False, False),
            ("*", False, False, False),
            (_("Số %(reference)s") % {"reference": reference}, False, False, False),
        ]
        right = [
            ("ĐẢNG CỘNG SẢN VIỆT NAM", True, False, True),
            ("", False, False, False),
            (place_date, False, True, False),
        ]
        if not superior:
            left = left[1:]
        return Header(True, left, right)
    left = [(line, True, False, False) for line in _state_issuer_lines(superior, issuer)]
    left.append((_("Số: %(reference)s") % {"reference": reference}, False, False, False))
    right = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, False),
        ("Độc lập - Tự do - Hạnh phúc", True, False, True),
        ("", False, False, False),
        (place_date, False, True, False),
    ]
    return Header(False, left, right)


def _state_issuer_lines(superior, issuer):
    """Split the issuer as Nghị định 30 prints it: "ỦY BAN NHÂN DÂN" / "TỈNH THÁI NGUYÊN"."""
    upper = issuer.upper()
    for body in ("ỦY BAN NHÂN DÂN", "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "HỘI ĐỒNG NHÂN DÂN"):
        if upper.startswith(body + " "):
            return [body, upper[len(body) + 1 :]]
    return [upper]


def superior_line(unit, superior):
    """Return the header's first line for a document of ``unit``: the party organisation above it.

    A provincial committee's documents carry its own name only.
    """
    if not superior or unit.unit_type == UnitType.PROVINCE:
        return ""
    if unit.unit_type == UnitType.COMMISSION:
        return superior
    for pattern, replacement in ORGANISATION:
        if pattern.match(superior):
            return pattern.sub(replacement, superior, count=1)
    return superior


def report_header(root, today):
    """Return the header of a report of ``root``: number and day left to fill in."""
    names = selectors.issuing_header(root)
    party = is_party(root.unit_type)
    kind = "BC"
    symbol = root.short_name or "......"
    reference = f"......-{kind}/{symbol}" if party else f"....../{kind}-{symbol}"
    return document_header(
        party=party,
        superior=superior_line(root, names["superior"]) if party else names["superior"],
        issuer=names["issuer"],
        reference=reference,
        place_date=wording.place_date(names["place"], year=today.year),
    )


def decision_header(decision):
    """Return the header of ``decision``: its own number, symbol, issuer and date."""
    unit = decision.issuing_unit
    names = selectors.issuing_header(unit)
    party = decision_is_party(decision)
    return document_header(
        party=party,
        # A party header names the committee ("HUYỆN ỦY BẠCH THÔNG"); the body says which of
        # its bodies decides ("Ban Thường vụ Huyện ủy Bạch Thông"). A state one names the issuer.
        superior=superior_line(unit, names["superior"]) if party else "",
        issuer=unit.name if party else (decision.issuer_name or unit.name),
        reference=decision.reference,
        place_date=wording.place_date(names["place"], decision.signed_on),
    )


def decision_is_party(decision):
    return is_party(decision.issuing_unit.unit_type, decision.symbol)
