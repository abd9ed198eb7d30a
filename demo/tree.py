"""The demo's tree of units, before and after the reform of 01/07/2025.

Every unit of the four old provinces closes on 30/06/2025; the new Thái Nguyên and Lào Cai
start on 01/07/2025 as their successors. How the reform is built (``build_tree`` and
``merge``) is in this module only.
"""

import datetime
from collections import defaultdict

from registry.choices import UnitType
from registry.models import Unit

from . import data


def party_name(row):
    """Return the unit name of a table row: "xã Cẩm Giàng" → "Đảng ủy xã Cẩm Giàng"."""
    if row.startswith(("xã ", "phường ", "thị trấn ")):
        return f"Đảng ủy {row}"
    if row.startswith(
        ("Chi bộ", "Đảng bộ", "Đảng ủy", "Ủy ban", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Thị ủy")
    ):
        return row
    return f"Chi bộ {row}"


def unit_type_of(name):
    """Return the unit type a name implies; plain cells by default."""
    for prefix, unit_type in data.TYPE_OF_PREFIX:
        if name.startswith(prefix):
            return unit_type
    return UnitType.CELL


class DemoTree:
    """Create the demo's units and keep them at hand, by code and by place in the tree."""

    def __init__(self):
        self.by_code = {}
        self.parent = {}
        self.children = defaultdict(list)  # pk → direct children, in order
        self.below = defaultdict(list)  # pk → the unit and all its descendants

    def unit(self, parent, row, code, **dates):
        """Create a unit under ``parent``; it lives no longer than its parent unless told."""
        name = party_name(row)
        values = {"name": name, "unit_type": unit_type_of(name), "code": code}
        values["valid_from"] = dates.get("valid_from", parent.valid_from)
        values["valid_to"] = dates.get("valid_to", parent.valid_to)
        unit = Unit.objects.add_child(parent, values)
        self.remember(unit, parent)
        return unit

    def remember(self, unit, parent):
        """Keep ``unit`` in the in-memory maps of the tree."""
        self.by_code[unit.code] = unit
        self.parent[unit.pk] = parent
        if parent is not None:
            self.children[parent.pk].append(unit)
        ancestor = unit
        while ancestor is not None:
            self.below[ancestor.pk].append(unit)
            ancestor = self.parent[ancestor.pk]

    def add_rows(self, parent, rows):
        """Create the units of a table under ``parent``, numbering their codes after its code."""
        for number, row in enumerate(rows, start=1):
            name, cells = row if isinstance(row, tuple) else (row, [])
            unit = self.unit(parent, name, f"{parent.code}-{number:02d}")
            for cell_number, cell in enumerate(cells, start=1):
                self.unit(unit, cell, f"{unit.code}-{cell_number:02d}")

    def add_districts(self, province, table):
        """Create the districts of a table, each with its rows."""
        for name, code, rows in table:
            self.add_rows(self.unit(province, name, code), rows)

    def find(self, parent, row):
        """Return the unit of a table row inside ``parent``'s subtree."""
        name = party_name(row)
        return next(unit for unit in self.below[parent.pk] if unit.name == name)

    def merge(self, olds, *, into, on):
        """Close ``olds`` and their subtrees on ``on``, with ``into`` as the successor."""
        for old in olds:
            for unit in self.below[old.pk]:
                if unit.valid_to is None or unit.valid_to > on:
                    unit.valid_to = on
                    unit.save(update_fields=["valid_to"])
            old.successor = into
            old.save(update_fields=["successor"])

    def build_tree(self):
        """Create the units before and after the reform of 01/07/2025."""
        root = Unit.objects.add_root(
            {"name": "Ban Dân vận Trung ương", "unit_type": UnitType.CENTRAL, "code": data.ROOT_CODE}
        )
        self.remember(root, None)
        bac_kan = self.unit(root, "Tỉnh ủy Bắc Kạn", "BK", valid_to=data.REFORM_END)
        city = self.unit(bac_kan, "Thành ủy Bắc Kạn", "BK-TP")
        self.add_rows(city, data.BAC_KAN_CITY_COMMUNES + data.BAC_KAN_CITY_OFFICES + data.BAC_KAN_CITY_IDLE)
        bach_thong = self.unit(bac_kan, "Huyện ủy Bạch Thông", "BK-BT")
        self.add_rows(bach_thong, data.BACH_THONG_COMMUNES + data.BACH_THONG_OFFICES + data.BACH_THONG_IDLE)
        self.merge(
            [self.find(bach_thong, "xã Phương Linh")],
            into=self.find(bach_thong, "thị trấn Phủ Thông"),
            on=datetime.date(2020, 1, 31),
        )
        self.add_districts(bac_kan, data.BAC_KAN_DISTRICTS)
        thai_nguyen = self.unit(root, "Tỉnh ủy Thái Nguyên", "TN", valid_to=data.REFORM_END)
        self.add_districts(thai_nguyen, data.THAI_NGUYEN_DISTRICTS)
        self.unit(thai_nguyen, "Ủy ban nhân dân tỉnh Thái Nguyên", "TN-UBND")
        yen_bai = self.unit(root, "Tỉnh ủy Yên Bái", "YB", valid_to=data.REFORM_END)
        bloc = self.unit(yen_bai, "Đảng ủy Khối cơ quan và doanh nghiệp tỉnh Yên Bái", "YB-DUK")
        self.add_rows(bloc, data.YEN_BAI_BLOC)
        self.add_districts(yen_bai, data.YEN_BAI_DISTRICTS)
        lao_cai = self.unit(root, "Tỉnh ủy Lào Cai", "LC", valid_to=data.REFORM_END)
        self.add_districts(lao_cai, data.LAO_CAI_DISTRICTS)

        for name, code, olds, table in [
            ("Tỉnh ủy Thái Nguyên", "TN25", [bac_kan, thai_nguyen], data.NEW_THAI_NGUYEN),
            ("Tỉnh ủy Lào Cai", "LC25", [yen_bai, lao_cai], data.NEW_LAO_CAI),
        ]:
            province = self.unit(root, name, code, valid_from=data.REFORM_START, valid_to=None)
            self.merge(olds, into=province, on=data.REFORM_END)
            self.add_rows(province, [row for row, _, _ in table])
            for (_, district_code, old_rows), commune in zip(table, self.children[province.pk], strict=True):
                district = self.by_code[district_code]
                self.merge([self.find(district, old) for old in old_rows], into=commune, on=data.REFORM_END)
