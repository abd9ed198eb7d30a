"""The names a document's header carries: the superior body, the issuing unit and the place."""

import re

from registry.choices import UnitType
from registry.models import Unit

TERRITORIAL_TYPES = (UnitType.COMMUNE, UnitType.DISTRICT, UnitType.PROVINCE)
TERRITORIAL_PREFIX = re.compile(
    r"^(Tỉnh ủy|Thành ủy|Huyện ủy|Thị ủy|"
    r"Đảng ủy (xã|phường|thị trấn)|Đảng bộ (tỉnh|thành phố|huyện|xã|phường))\s+",
    re.IGNORECASE,
)


def issuing_header(root):
    """Return the names for the party document header: superior body, issuing unit, place.

    The place of the place-date line is the locality of the nearest territorial committee
    (the root or an ancestor): "Bạch Thông" for Huyện ủy Bạch Thông and its cells.
    The ancestors are read without the user's scope on purpose: a unit's report carries its
    superior body's name and its locality even when its author may not read those bodies'
    data. Only the names are read. One query.
    """
    steplen = Unit.steplen
    paths = [root.path[: steplen * depth] for depth in range(1, root.depth + 1)]
    units = {
        unit["path"]: unit for unit in Unit.objects.filter(path__in=paths).values("path", "name", "unit_type")
    }
    parent = units.get(root.path[:-steplen]) if root.depth > 1 else None
    territorial = [
        units[path] for path in paths if path in units and units[path]["unit_type"] in TERRITORIAL_TYPES
    ]
    place = TERRITORIAL_PREFIX.sub("", territorial[-1]["name"]).strip() if territorial else ""
    return {"superior": parent["name"] if parent else "", "issuer": root.name, "place": place or "......"}
