"""The demo's tree of units, before and after the reform of 01/07/2025.

``build_tree`` creates the units as they were; once their models are written, ``reorganise``
applies the merge of 2020 and the reform of 2025 through the reorganisation service, as an
administrator would: the four old provinces close on 30/06/2025, the new Thái Nguyên and Lào
Cai open on 01/07/2025 with their merged communes (one commune split between two), and the open
models and the staff go to the units that carry them on.
"""

import datetime
from collections import defaultdict

from registry import reorganisations
from registry.choices import ChangeKind, UnitType
from registry.models import Registration, Reorganisation, Unit

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

    def build_tree(self):
        """Create the units as they were before the reform of 01/07/2025 (the old provinces close then)."""
        root = Unit.objects.add_root(
            {"name": "Ban Dân vận Trung ương", "unit_type": UnitType.CENTRAL, "code": data.ROOT_CODE}
        )
        self.remember(root, None)
        bac_kan = self.unit(root, "Tỉnh ủy Bắc Kạn", "BK", valid_to=data.REFORM_END)
        city = self.unit(bac_kan, "Thành ủy Bắc Kạn", "BK-TP")
        self.add_rows(city, data.BAC_KAN_CITY_COMMUNES + data.BAC_KAN_CITY_OFFICES + data.BAC_KAN_CITY_IDLE)
        bach_thong = self.unit(bac_kan, "Huyện ủy Bạch Thông", "BK-BT")
        self.add_rows(bach_thong, data.BACH_THONG_COMMUNES + data.BACH_THONG_OFFICES + data.BACH_THONG_IDLE)
        # Merged into Phủ Thông on 01/02/2020 (``reorganise`` records it); no model after that day.
        phuong_linh = self.find(bach_thong, "xã Phương Linh")
        for unit in self.below[phuong_linh.pk]:
            unit.valid_to = datetime.date(2020, 1, 31)
            unit.save(update_fields=["valid_to"])
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

    # The reorganisations, through the same service an administrator uses ---------------------

    def reorganise(self, user, rng):
        """Apply the merge of 2020 and the reform of 01/07/2025 as reorganisation plans.

        Run once the models of the old units are written: the plans hand their open models and
        their staff's memberships to the new units. Returns the plans applied.
        """
        bach_thong = self.by_code["BK-BT"]
        plans = [
            self.plan(
                "Sáp nhập xã Phương Linh vào thị trấn Phủ Thông",
                datetime.date(2020, 2, 1),
                [
                    _merge(
                        [self.find(bach_thong, "xã Phương Linh")],
                        {"unit": self.find(bach_thong, "thị trấn Phủ Thông").pk},
                    )
                ],
                {},
            )
        ]
        for province_name, code, olds, table, moves in data.NEW_PROVINCES:
            steps, new_units = (
                [],
                {code: _new(party_name(province_name), code, {"unit": self.by_code[data.ROOT_CODE].pk})},
            )
            steps.append(_merge([self.by_code[old] for old in olds], {"new": code}))
            split = {(district, old): parts for district, old, parts in data.SPLITS}
            for number, (row, district_code, old_rows) in enumerate(table, start=1):
                ref = f"{code}-{number:02d}"
                new_units[ref] = _new(party_name(row), ref, {"new": code})
                district = self.by_code[district_code]
                merged = [self.find(district, old) for old in old_rows if (district_code, old) not in split]
                if merged:
                    steps.append(_merge(merged, {"new": ref}))
            refs = {
                party_name(row): f"{code}-{number:02d}" for number, (row, _d, _o) in enumerate(table, start=1)
            }
            for district_code, old, parts in data.SPLITS:
                if district_code not in {d for _row, d, _olds in table}:
                    continue
                unit = self.find(self.by_code[district_code], old)
                steps.append(self.split(unit, [{"new": refs[party_name(part)]} for part in parts], rng))
            for old_code, target in data.DISSOLVED_WITH_SUCCESSOR.items():
                if old_code.split("-")[0] in olds:
                    steps.append(
                        {
                            "kind": ChangeKind.DISSOLVE,
                            "olds": [self.by_code[old_code].pk],
                            "targets": [{"new": refs[party_name(target)]}],
                        }
                    )
            for old_code, name, new_code in moves:
                new_units[new_code] = _new(name, new_code, {"new": code})
                steps.append(
                    {
                        "kind": ChangeKind.MOVE,
                        "olds": [self.by_code[old_code].pk],
                        "targets": [{"new": new_code}],
                    }
                )
            plans.append(
                self.plan(
                    f"Hợp nhất tỉnh, sắp xếp đơn vị hành chính cấp xã: {party_name(province_name)}",
                    data.REFORM_START,
                    steps,
                    new_units,
                )
            )
        for plan in plans:
            reorganisations.apply(user=user, reorganisation=plan)
            for pk in plan.plan["applied"]["new_units"].values():
                unit = Unit.objects.get(pk=pk)
                self.remember(unit, Unit.objects.get(path=unit.path[: -Unit.steplen]))
        return plans

    def plan(self, title, day, steps, new_units):
        return Reorganisation.objects.create(
            title=title, effective_on=day, plan={"steps": steps, "new_units": new_units}
        )

    def split(self, unit, targets, rng):
        """A split of ``unit``: every second of its open models goes to the second part."""
        recent = Registration.objects.filter(
            unit__in=self.below[unit.pk], year__gte=data.REFORM_START.year - 1
        )
        models = sorted(set(recent.values_list("initiative_id", flat=True)))
        return {
            "kind": ChangeKind.SPLIT,
            "olds": [unit.pk],
            "targets": targets,
            "assign": {str(pk): 1 for pk in models[1::2]},
        }


def _merge(olds, target):
    return {"kind": ChangeKind.MERGE, "olds": [unit.pk for unit in olds], "targets": [target]}


def _new(name, code, parent):
    return {"name": name, "unit_type": unit_type_of(name), "code": code, "parent": parent}
