"""The country's units, before and after the reform, built in memory and written in path order.

``demo.country`` describes the tree; ``demo.country_data`` holds the old provinces and the
units beside the communes.
"""

from django.core.management.base import CommandError

from registry.choices import UnitType
from registry.models import Unit
from registry.text import fold

from . import country_data as data

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(number):
    """Return one step of a tree path: 1 → "0001" (treebeard's base 36, four characters)."""
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(Unit.steplen, "0")


def province_names(name, city):
    """Return (party committee, name, place): ("Tỉnh ủy Bắc Kạn", "Bắc Kạn", "tỉnh Bắc Kạn")."""
    if name == "Hồ Chí Minh":
        return "Thành ủy Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"
    if city:
        return f"Thành ủy {name}", name, f"thành phố {name}"
    return f"Tỉnh ủy {name}", name, f"tỉnh {name}"


class Node:
    """A unit being generated; ``role`` says how it registers (None: it does not)."""

    __slots__ = (
        "id", "name", "short_name", "unit_type", "code", "valid_from", "valid_to", "successor",
        "parent", "children", "path", "depth", "role", "place", "address", "commune",
    )  # fmt: skip

    def __init__(self, parent, name, unit_type, code, *, role=None, place="", short_name="", **dates):
        self.name, self.unit_type, self.code, self.role = name, unit_type, code, role
        self.short_name = short_name
        self.parent = parent
        self.children = []
        self.successor = None
        self.valid_from = dates.get("valid_from", parent.valid_from if parent else None)
        self.valid_to = dates.get("valid_to", parent.valid_to if parent else None)
        self.place = place
        parts = [place] if place else []
        if parent is not None and parent.address:
            parts.append(parent.address)
        self.address = ", ".join(parts)
        # The commune a unit belongs to (itself for a commune), for decisions and successors.
        self.commune = self if unit_type == UnitType.COMMUNE else (parent.commune if parent else None)
        if parent is not None:
            parent.children.append(self)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class Province:
    """One province after the reform with the old provinces merged into it, ready to register."""

    def __init__(self, node, old_nodes):
        self.node = node
        self.old_nodes = old_nodes
        self.new_units = [n for n in node.walk() if n.role]
        self.old_units = [n for old in old_nodes for n in old.walk() if n.role]
        self.top_units = [n for n in self.new_units if n.commune is None]
        self.communes = sum(1 for n in self.new_units if n.unit_type == UnitType.COMMUNE)


class CountryTree:
    """Build the units of a generator's provinces; ``generator`` gives the options, ids and writer."""

    def __init__(self, generator):
        self.g = generator

    def build(self):
        """Create every unit in memory, then write them in path order; return the root and the provinces."""
        from vietnam_provinces import Province as PackageProvince
        from vietnam_provinces import Ward

        root_step = 1
        last_root = Unit.objects.get_last_root_node()
        if last_root is not None:
            root_step = int(last_root.path[: Unit.steplen], 36) + 1
        root = Node(None, data.ROOT_NAME, UnitType.CENTRAL, data.ROOT_CODE, short_name="BDVTW")
        root.path = step(root_step)
        packaged = {p.code: p for p in PackageProvince.iter_all()}
        unknown = set(self.g.province_codes) - set(packaged)
        if unknown:
            raise CommandError(f"Không có tỉnh mã {sorted(unknown)} trong danh mục sau 01/07/2025.")
        stems = sorted({self.ward_parts(w)[1] for w in Ward.iter_all()})
        provinces, old_nodes = [], []
        for code in self.g.province_codes:
            wards = sorted(Ward.iter_by_province(code), key=lambda w: w.code)
            if self.g.max_communes:
                wards = wards[: self.g.max_communes]
            node = self.new_province(root, packaged[code], wards)
            olds = self.old_provinces(root, node, code, wards, stems)
            old_nodes += olds
            provinces.append(Province(node, olds))
        # Today's structure first, then the old provinces in their old code order.
        root.children = [p.node for p in provinces] + sorted(old_nodes, key=lambda n: n.code)
        self.write_tree(root)
        return root, provinces

    @staticmethod
    def ward_parts(ward):
        """Return (division word, name): ("xã", "Thượng Lâm"), ("phường", ...), ("đặc khu", ...)."""
        for prefix in ("Xã ", "Phường ", "Đặc khu "):
            if ward.name.startswith(prefix):
                return prefix.strip().lower(), ward.name[len(prefix) :]
        return "xã", ward.name

    def new_province(self, root, province, wards):
        rng = self.g.rng("tree", province.code)
        city = province.name.startswith("Thành phố ")
        committee, name, place = province_names(province.name.removeprefix("Thành phố "), city)
        code = f"P{province.code:02d}"
        node = Node(
            root,
            committee,
            UnitType.PROVINCE,
            code,
            role="province",
            place=place,
            short_name="TU",
            valid_from=data.REFORM_START,
            valid_to=None,
        )
        for label, unit_type, suffix, below in data.NEW_PROVINCE_UNITS:
            unit = Node(node, f"{label} {place}", unit_type, f"{code}-{suffix}", role="province_unit")
            for number, (child, child_type) in enumerate(below, start=1):
                child_name = child.format(committee=committee, name=name, place=place)
                Node(unit, child_name, child_type, f"{unit.code}-{number:02d}", role="province_cell")
        for ward in wards:
            word, stem = self.ward_parts(ward)
            commune = Node(
                node,
                f"Đảng ủy {word} {stem}",
                UnitType.COMMUNE,
                f"W{ward.code:05d}",
                role="commune",
                place=f"{word} {stem}",
                short_name="ĐU",
            )
            self.commune_units(commune, word, stem, rng)
        return node

    def commune_units(self, commune, word, stem, rng):
        """Add a commune's cells, its Fatherland Front and a few mass organisations."""
        count = rng.randint(max(1, self.g.cells - 4), self.g.cells + 4)
        institutions = rng.sample(data.INSTITUTION_CELLS, min(count // 4, len(data.INSTITUTION_CELLS)))
        residential = count - len(institutions)
        if word == "xã":
            villages = rng.sample(data.VILLAGES, min(residential, len(data.VILLAGES)))
            villages += [str(n) for n in range(1, residential - len(villages) + 1)]
            places = [f"thôn {v}" for v in villages]
        else:
            group = rng.choice(["tổ dân phố số", "khu phố"])
            places = [f"{group} {n}" for n in range(1, residential + 1)]
        number = 0
        for place in places:
            number += 1
            Node(
                commune,
                f"Chi bộ {place}",
                UnitType.CELL,
                f"{commune.code}-C{number:02d}",
                role="cell",
                place=place,
            )
        for institution in institutions:
            number += 1
            Node(
                commune,
                f"Chi bộ {institution} {stem}",
                UnitType.CELL,
                f"{commune.code}-C{number:02d}",
                role="cell",
            )
        Node(
            commune, f"Ủy ban Mặt trận Tổ quốc Việt Nam {word} {stem}", UnitType.FRONT, f"{commune.code}-MT",
            role="front",
        )  # fmt: skip
        for org, suffix in data.MASS_ORGANISATIONS[: rng.randint(2, 4)]:
            Node(
                commune,
                f"{org} {word} {stem}",
                UnitType.MASS_ORG,
                f"{commune.code}-{suffix}",
                role="mass_org",
            )

    def old_provinces(self, root, province, code, wards, stems):
        """Create the old provinces that merged into ``province``, with districts and old communes."""
        rng = self.g.rng("old", code)
        olds = [row for row in data.OLD_PROVINCES if row[3] == code]
        new_communes = [n for n in province.children if n.unit_type == UnitType.COMMUNE]
        tops = {n.code.rsplit("-", 1)[1]: n for n in province.children if n.role == "province_unit"}
        # Each new commune was formed from one to five old ones; the first keeps its name.
        taken = {self.ward_parts(w)[1] for w in wards}
        groups = []
        for commune, ward in zip(new_communes, wards, strict=True):
            word, stem = self.ward_parts(ward)
            size = rng.choices([1, 2, 3, 4, 5], [10, 25, 35, 20, 10])[0]
            members = [(self.old_word(word, rng), stem)]
            while len(members) < size:
                other = rng.choice(stems)
                if other not in taken:
                    taken.add(other)
                    members.append((self.old_word(word, rng), other))
            groups.append((commune, members))
        # The old provinces share the new communes, in contiguous runs of uneven length.
        weights = [rng.uniform(0.6, 1.4) for _ in olds]
        bounds = [0]
        for index in range(1, len(olds)):
            share = sum(weights[:index]) / sum(weights)
            bounds.append(min(max(round(share * len(groups)), bounds[-1] + 1), len(groups)))
        bounds.append(len(groups))
        nodes = []
        for (old_code, name, city, _new), first, last in zip(olds, bounds, bounds[1:], strict=False):
            nodes.append(
                self.old_province(root, province, tops, old_code, name, city, groups[first:last], rng)
            )
        return nodes

    @staticmethod
    def old_word(new_word, rng):
        if new_word == "phường":
            return rng.choices(["phường", "xã", "thị trấn"], [70, 20, 10])[0]
        return rng.choices(["xã", "thị trấn"], [88, 12])[0]

    def old_province(self, root, province, tops, old_code, name, city, groups, rng):
        code = f"T{old_code:02d}"
        committee, _name, place = province_names(name, city)
        node = Node(
            root,
            committee,
            UnitType.PROVINCE,
            code,
            role="old_province",
            place=place,
            short_name="TU",
            valid_to=data.REFORM_END,
        )
        node.successor = province
        for label, unit_type, suffix, successor in data.OLD_PROVINCE_UNITS:
            unit = Node(node, f"{label} {place}", unit_type, f"{code}-{suffix}", role="old_province_unit")
            unit.successor = tops[successor]
        members = [(commune, word, stem) for commune, group in groups for word, stem in group]
        districts = max(1, round(len(members) / 14)) if members else 0
        for index in range(districts):
            chunk = members[index * len(members) // districts : (index + 1) * len(members) // districts]
            if index == 0 and not city:
                title, word, stem = "Thành ủy", "thành phố", data.CAPITALS.get(name, name)
            else:
                stem = chunk[-1][2]
                title, word = (
                    rng.choice([("Quận ủy", "quận"), ("Huyện ủy", "huyện")])
                    if city
                    else rng.choices([("Huyện ủy", "huyện"), ("Thị ủy", "thị xã")], [85, 15])[0]
                )
            district = Node(
                node,
                f"{title} {stem}",
                UnitType.DISTRICT,
                f"{code}-H{index + 1:02d}",
                role="district",
                place=f"{word} {stem}",
                short_name={"Huyện ủy": "HU", "Quận ủy": "QU"}.get(title, "TU"),
            )
            district.successor = province
            for number, (commune, commune_word, commune_stem) in enumerate(chunk, start=1):
                old = Node(
                    district,
                    f"Đảng ủy {commune_word} {commune_stem}",
                    UnitType.COMMUNE,
                    f"{district.code}-X{number:03d}",
                    role="old_commune",
                    place=f"{commune_word} {commune_stem}",
                    short_name="ĐU",
                )
                old.successor = commune
        return node

    def write_tree(self, root):
        """Give every unit its path, depth and id (in path order) and write them all."""
        rows = []

        def visit(node, path, depth):
            node.path, node.depth = path, depth
            node.id = self.g.ids.take(Unit)
            for index, child in enumerate(node.children, start=1):
                visit(child, path + step(index), depth + 1)

        visit(root, root.path, 1)
        for node in root.walk():
            # The old structure is written open: the reform's plan closes it (demo.country).
            closes = node.valid_to == data.REFORM_END
            rows.append(
                (
                    node.id, node.path, node.depth, len(node.children), node.name, node.short_name,
                    node.unit_type, node.code, node.valid_from, None if closes else node.valid_to,
                    None, fold(node.name),
                )
            )  # fmt: skip
        columns = [
            "id", "path", "depth", "numchild", "name", "short_name", "unit_type", "code",
            "valid_from", "valid_to", "successor_id", "search_name",
        ]  # fmt: skip
        self.g.writer.write(Unit, columns, rows)
        self.g.counts["units"] += len(rows)
