"""Generate a country-sized data set: 34 provinces, 3.321 communes, ten years of registrations.

The tree has the structure after 1/7/2025 (the real provinces and communes of the
``vietnam-provinces`` package, with party cells, the Fatherland Front and mass organisations
under each commune, and a province's blocs, agencies and armed forces) and the structure
before it (the 63 old provinces, synthetic districts and old communes, closed on 30/6/2025,
each with its successor). Registrations of 2016–2025 are made by the old structure until
30/6/2025 and by the new one from 1/7/2025; about 45 % of a year's registrations maintain an
initiative of the year before (across the reform, in the successor's subtree), about 80 % are
collective and about 15 % are recognised by a decision of a commune, a district or a province.

Everything is drawn from one seed, province by province, so the same options give the same
rows. Rows are written in bulk, bypassing ``save()``, signals and the history: on PostgreSQL
with COPY (ids are assigned here and the sequences moved past them afterwards), elsewhere
with ``bulk_create``. Memory stays bounded: one province's registrations at a time.
"""

import datetime
import functools
import heapq
import io
import itertools
import random
import time
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from demo.data import MEN, PHRASES, SURNAMES, WOMEN
from demo.reset import delete_demo
from registry.choices import (
    DecisionKind,
    Evaluation,
    Kind,
    Level,
    RegistrationStatus,
    StandardField,
    UnitType,
)
from registry.models import AwardForm, Decision, Field, Initiative, Registration, Unit
from registry.text import fold

from . import _country_data as data

ROOT_CODE = "VN"
ROOT_NAME = "Ban Dân vận Trung ương"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
COPY_BATCH = 20_000
INSERT_BATCH = 5_000
SMALL = {"province_codes": data.SMALL_PROVINCES, "communes": 6, "cells": 4, "registrations": 2_000}

try:  # the summary table of counts kept ready, when the project has it
    from registry.tally import tally_rebuild
except ImportError:
    try:
        from reports.tally import tally_rebuild
    except ImportError:
        tally_rebuild = None


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


@functools.lru_cache(maxsize=200_000)
def folded(text):
    return fold(text)


def search_text(*parts):
    """Return ``Initiative.save()``'s search key, folding each (often repeated) part once."""
    # fold() of joined parts equals the folded parts joined: fold ends words at spaces.
    return " ".join(filter(None, map(folded, parts)))


def at(day, hour=8):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


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


class Pool:
    """Units to draw from, by their registration weights."""

    def __init__(self, units):
        self.units = units
        self.cum = list(itertools.accumulate(data.REGISTRATION_WEIGHT[u.role] for u in units))

    def draw(self, rng, k):
        return rng.choices(self.units, cum_weights=self.cum, k=k) if self.units else []


class Writer:
    """Write rows (tuples in the order of ``columns``, attribute names) in bulk."""

    def __init__(self, method):
        self.method = method

    def write(self, model, columns, rows):
        if not rows:
            return
        if self.method == "copy":
            self.copy(model, columns, rows)
        else:
            objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
            model.objects.bulk_create(objs, batch_size=INSERT_BATCH)

    def copy(self, model, columns, rows):
        """COPY the rows; NOT NULL columns left out get their field's default (blank texts, False)."""
        opts = model._meta
        names = [opts.get_field(column).column for column in columns]
        constants = []
        for field in opts.concrete_fields:
            if field.primary_key or field.null or field.attname in columns:
                continue
            names.append(field.column)
            constants.append(field.get_default())
        tail = "".join("\t" + copy_text(value) for value in constants)
        sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(opts.db_table), ", ".join(connection.ops.quote_name(n) for n in names)
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), COPY_BATCH):
                buffer = io.StringIO()
                buffer.writelines(
                    "\t".join(map(copy_text, row)) + tail + "\n" for row in rows[start : start + COPY_BATCH]
                )
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value):
    """Return ``value`` in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


class Ids:
    """Hand out primary keys after the largest one in use, table by table."""

    def __init__(self, models):
        self.next = {model: (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 for model in models}

    def take(self, model):
        value = self.next[model]
        self.next[model] = value + 1
        return value


class CountryGenerator:
    """Build the tree, then each province's initiatives, registrations and decisions."""

    def __init__(
        self, *, seed, provinces, communes, cells, registrations, first_year, last_year, writer, log
    ):
        self.seed = seed
        self.province_codes = provinces
        self.max_communes = communes
        self.cells = cells
        self.total_registrations = registrations
        self.years = list(range(first_year, last_year + 1))
        self.writer = writer
        self.log = log
        self.evaluated_before = datetime.date.today().year  # later years are not evaluated yet
        self.fields = self.field_table()
        self.award_forms = {form.name: form.pk for form in AwardForm.objects.all()}
        self.ids = None  # set once the registry is ready (after a reset)
        self.counts = dict.fromkeys(["units", "initiatives", "registrations", "decisions", "links"], 0)

    def rng(self, *parts):
        return random.Random(":".join(map(str, (self.seed, *parts))))

    def field_table(self):
        """Return (field rows, cumulative weights); standard fields are drawn more often."""
        fields = list(Field.objects.filter(is_active=True).order_by("order", "pk"))
        if not fields:
            raise CommandError("Chưa có lĩnh vực nào: hãy chạy “manage.py migrate”.")
        weights = [data.FIELD_WEIGHTS.get(f.name, data.OTHER_FIELD_WEIGHT) for f in fields]
        return fields, weights

    # The tree --------------------------------------------------------------------------------

    def build_tree(self):
        """Create every unit in memory, then write them in path order; return the provinces."""
        from vietnam_provinces import Province as PackageProvince
        from vietnam_provinces import Ward

        root_step = 1
        last_root = Unit.objects.get_last_root_node()
        if last_root is not None:
            root_step = int(last_root.path[: Unit.steplen], 36) + 1
        root = Node(None, ROOT_NAME, UnitType.CENTRAL, ROOT_CODE, short_name="BDVTW")
        root.path = step(root_step)
        packaged = {p.code: p for p in PackageProvince.iter_all()}
        unknown = set(self.province_codes) - set(packaged)
        if unknown:
            raise CommandError(f"Không có tỉnh mã {sorted(unknown)} trong danh mục sau 01/07/2025.")
        stems = sorted({self.ward_parts(w)[1] for w in Ward.iter_all()})
        provinces, old_nodes = [], []
        for code in self.province_codes:
            wards = sorted(Ward.iter_by_province(code), key=lambda w: w.code)
            if self.max_communes:
                wards = wards[: self.max_communes]
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
        rng = self.rng("tree", province.code)
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
        count = rng.randint(max(1, self.cells - 4), self.cells + 4)
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
        rng = self.rng("old", code)
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
            node.id = self.ids.take(Unit)
            for index, child in enumerate(node.children, start=1):
                visit(child, path + step(index), depth + 1)

        visit(root, root.path, 1)
        for node in root.walk():
            rows.append(
                (
                    node.id, node.path, node.depth, len(node.children), node.name, node.short_name,
                    node.unit_type, node.code, node.valid_from, node.valid_to,
                    node.successor.id if node.successor else None, fold(node.name),
                )
            )  # fmt: skip
        columns = [
            "id", "path", "depth", "numchild", "name", "short_name", "unit_type", "code",
            "valid_from", "valid_to", "successor_id", "search_name",
        ]  # fmt: skip
        self.writer.write(Unit, columns, rows)
        self.counts["units"] += len(rows)

    # Registrations ---------------------------------------------------------------------------

    def province_totals(self, provinces):
        """Split the registrations between provinces (by communes, ±15 %) and years (growing)."""
        rng = self.rng("totals")
        shares = [p.communes * rng.uniform(0.85, 1.15) for p in provinces]
        year_weights = [data.year_weight(year) for year in self.years]
        totals = []
        for share in shares:
            count = self.total_registrations * share / sum(shares)
            totals.append(
                {
                    y: round(count * w / sum(year_weights))
                    for y, w in zip(self.years, year_weights, strict=True)
                }
            )
        return totals

    def generate(self, province, per_year):
        """Generate and write one province's initiatives, registrations and decisions."""
        state = ProvinceState(self, province, self.rng("registrations", province.node.code))
        for year in self.years:
            state.year(year, per_year[year])
        state.write()


class ProvinceState:
    """The rows of one province, year after year; the previous year's registrations stay at hand."""

    def __init__(self, generator, province, rng):
        self.g = generator
        self.province = province
        self.rng = rng
        self.old_pool = Pool(province.old_units)
        self.new_pool = Pool(province.new_units)
        self.successor_pools = {}
        self.initiatives = []  # [id, name, unit, kind, person, position, field, grade, address, first, last]
        self.registrations = []  # [id, initiative, year, unit, day, status, level, evaluation, evaluated_on]
        self.decisions = []
        self.links = []
        self.previous = []
        self.numbers = {}
        self.own_recognition = {}
        self.names = {}  # unit id → names of its initiatives
        self.field_rows, self.field_weights = generator.fields
        # Each province leans to some fields (rural provinces to the economy, cities to order).
        self.field_weights = [w * rng.uniform(0.6, 1.5) for w in self.field_weights]
        self.field_cum = list(itertools.accumulate(self.field_weights))

    def year(self, year, count):
        rng = self.rng
        before_reform = datetime.date(year, 1, 1) < data.REFORM_START
        reform_year = year == data.REFORM_START.year
        maintained = []
        if self.previous:
            target = round(count * rng.uniform(data.MAINTAINED_SHARE - 0.04, data.MAINTAINED_SHARE + 0.04))
            # Effective models are the ones units keep.
            ranked = sorted(
                self.previous, key=lambda r: rng.random() * (3 if r[7] == Evaluation.EFFECTIVE else 1)
            )
            maintained = ranked[-min(target, len(ranked)) :] if target else []
            rng.shuffle(maintained)
        current = []
        if reform_year:
            first = round(count * data.FIRST_HALF_SHARE)
            split = round(len(maintained) * data.FIRST_HALF_SHARE)
            current += self.register(year, maintained[:split], first - split, self.old_pool, "first_half")
            rest = count - first - (len(maintained) - split)
            current += self.register(year, maintained[split:], rest, self.new_pool, "second_half")
        else:
            pool = self.old_pool if before_reform else self.new_pool
            current += self.register(year, maintained, count - len(maintained), pool, "early")
        self.recognise(year, current)
        self.registrations += current
        self.previous = current

    def register(self, year, maintained, new_count, pool, window):
        """Return registrations: ``maintained`` ones of last year again, and ``new_count`` new initiatives."""
        rng = self.rng
        rows = []
        for previous in maintained:
            unit, level = previous[3], previous[6]
            day = self.day(year, window)
            initiative = previous[1]
            if not self.open_on(unit, day):
                old = unit
                unit = self.successor_pool(unit).draw(rng, 1)[0]
                level = self.level(unit)
                # The initiative moves to the unit that carries it on, under a name unique there.
                initiative[1] = self.unique_name(unit, initiative[1], f"{old.place or old.name} cũ")
                initiative[10] = unit
            rows.append(self.registration(initiative, year, unit, day, RegistrationStatus.MAINTAINED, level))
        for unit in pool.draw(rng, max(new_count, 0)):
            day = self.day(year, window)
            initiative = self.initiative(unit, day)
            rows.append(
                self.registration(initiative, year, unit, day, RegistrationStatus.NEW, self.level(unit))
            )
        return rows

    @staticmethod
    def open_on(unit, day):
        return (unit.valid_from is None or unit.valid_from <= day) and (
            unit.valid_to is None or unit.valid_to >= day
        )

    def successor_pool(self, unit):
        """Return the units that carry on ``unit``'s models: its successor's subtree (communes) or top."""
        pool = self.successor_pools.get(unit.id)
        if pool is None:
            successor = unit.successor
            if successor.unit_type == UnitType.PROVINCE:
                units = self.province.top_units
            elif successor.unit_type == UnitType.COMMUNE:
                units = [n for n in successor.walk() if n.role]
            else:
                units = [successor]
            pool = self.successor_pools[unit.id] = Pool(units)
        return pool

    def day(self, year, window):
        rng = self.rng
        if window == "first_half":
            start, span = datetime.date(year, 1, 5), 167
        elif window == "second_half":
            start, span = data.REFORM_START.replace(year=year), 123
        elif rng.random() < 0.85:
            start, span = datetime.date(year, 1, 5), 116
        else:
            start, span = datetime.date(year, 5, 1), 153
        return start + datetime.timedelta(days=rng.randrange(span))

    def level(self, unit):
        levels, weights = zip(*data.LEVELS[unit.role], strict=True)
        return self.rng.choices(levels, weights)[0]

    def initiative(self, unit, day):
        rng = self.rng
        field = rng.choices(self.field_rows, cum_weights=self.field_cum)[0]
        phrases = PHRASES.get(field.name) or [f"thực hiện {field.name.lower()}"]
        kind = Kind.COLLECTIVE if rng.random() < data.COLLECTIVE_SHARE else Kind.INDIVIDUAL
        person = position = ""
        prefix = "Mô hình"
        if kind == Kind.INDIVIDUAL:
            middles, givens = rng.choice([MEN, WOMEN])
            person = f"{rng.choice(SURNAMES)} {rng.choice(middles)} {rng.choice(givens)}"
            position = rng.choice(data.POSITIONS[self.position_group(unit)])
            prefix = "Mô hình cá nhân"
        name = f"{prefix} “Dân vận khéo” trong {rng.choice(phrases)}"
        if rng.random() < 0.5 and unit.place:
            name += f" ở {unit.place}"
        name = self.unique_name(unit, name, f"năm {day.year}")
        grade = rng.choices(*zip(*data.GRADES, strict=True))[0]
        row = [
            self.g.ids.take(Initiative),
            name,
            unit,
            kind,
            person,
            position,
            field,
            grade,
            unit.address,
            day,
            unit,
        ]
        self.initiatives.append(row)
        return row

    def unique_name(self, unit, name, note):
        """Return ``name``, or a variant of it, that no other initiative of ``unit`` has.

        The import matches an initiative by its unit and name, as people do: two models of one
        unit must not share a name. Variants add a target group, then ``note``, then a number.
        """
        taken = self.names.setdefault(unit.id, set())
        variants = [
            name,
            *(f"{name} {target}" for target in self.rng.sample(data.TARGETS, 3)),
            f"{name} ({note})",
        ]
        numbered = (f"{name} ({note}, mô hình số {number})" for number in itertools.count(2))
        name = next(candidate for candidate in itertools.chain(variants, numbered) if candidate not in taken)
        taken.add(name)
        return name

    @staticmethod
    def position_group(unit):
        if unit.role == "cell":
            return "cell"
        if unit.role in ("commune", "old_commune"):
            return "commune"
        if unit.role in ("front", "mass_org"):
            return "organisation"
        if unit.unit_type == UnitType.ARMED:
            return "armed"
        return "office"

    def registration(self, initiative, year, unit, day, status, level):
        evaluation, evaluated_on = Evaluation.PENDING, None
        if year < self.g.evaluated_before:
            evaluation = self.rng.choices(*zip(*data.EVALUATIONS, strict=True))[0]
            if evaluation != Evaluation.PENDING:
                evaluated_on = datetime.date(year, 12, self.rng.randint(1, 20))
        return [
            self.g.ids.take(Registration),
            initiative,
            year,
            unit,
            day,
            status,
            level,
            evaluation,
            evaluated_on,
        ]

    # Decisions -------------------------------------------------------------------------------

    def recognise(self, year, registrations):
        """Recognise about 15 % of the year's registrations, the better grades first, by decisions."""
        rng = self.rng
        effective = [r for r in registrations if r[7] == Evaluation.EFFECTIVE]
        count = min(len(effective), round(len(registrations) * rng.uniform(0.13, 0.17)))
        boost = {"model": 1, "exemplar": 3, "outstanding": 6}
        chosen = heapq.nsmallest(count, effective, key=lambda r: rng.random() / boost[r[1][7]])
        groups = {}
        day = datetime.date(year, 12, 31)
        for registration in chosen:
            registration[8] = min(registration[8], datetime.date(year, 12, 10))
            for issuer, level in self.recognisers(registration[3], day):
                groups.setdefault((issuer.id, level), (issuer, level, []))[2].append(registration)
        for issuer, level, covered in groups.values():
            self.decision(year, issuer, level, DecisionKind.RECOGNITION, covered)
            if level == Level.PROVINCE and len(covered) >= 5:
                commended = rng.sample(covered, max(1, len(covered) // 10))
                self.decision(year, issuer, level, DecisionKind.COMMENDATION, commended, "Bằng khen")
            elif level == Level.DISTRICT and len(covered) >= 5 and rng.random() < 0.35:
                commended = rng.sample(covered, rng.randint(1, max(1, len(covered) // 5)))
                self.decision(year, issuer, level, DecisionKind.COMMENDATION, commended, "Giấy khen")

    def recognisers(self, unit, day):
        """Return the (issuing unit, level) pairs recognising a model of ``unit`` in the year of ``day``."""
        rng = self.rng
        role = unit.role
        if role == "old_commune":
            district = unit.parent
            if not self.open_on(district, day):  # the reform year: the new commune recognises it
                pairs = [(unit.successor, Level.COMMUNE)]
            elif self.commune_recognises(unit, day.year):
                pairs = [(unit, Level.COMMUNE)]
            else:
                pairs = [(district, Level.DISTRICT)]
        elif unit.commune is not None:
            pairs = [(unit.commune, Level.COMMUNE)]
        else:
            pairs = []
        province = self.province_of(unit, day)
        if not pairs or rng.random() < 0.08:
            pairs.append((province, Level.PROVINCE))
        return pairs

    def commune_recognises(self, commune, year):
        """Whether an old commune recognised its own models in ``year`` (else its district did)."""
        key = (commune.id, year)
        if key not in self.own_recognition:
            self.own_recognition[key] = self.rng.random() < 0.2
        return self.own_recognition[key]

    def province_of(self, unit, day):
        node = unit
        while node.unit_type != UnitType.PROVINCE:
            node = node.parent
        return node if self.open_on(node, day) else node.successor

    def decision(self, year, issuer, level, kind, covered, award=None):
        rng = self.rng
        key = (issuer.id, year, kind)
        if key not in self.numbers:
            self.numbers[key] = (
                rng.randint(20, 400) if kind == DecisionKind.RECOGNITION else rng.randint(900, 4000)
            )
        self.numbers[key] += rng.randint(1, 9)
        place = issuer.place or issuer.name
        if kind == DecisionKind.RECOGNITION:
            symbol = f"QĐ/{issuer.short_name or 'ĐU'}"
            issuer_name = f"Ban Thường vụ {issuer.name}"
            title = f"Quyết định công nhận mô hình, điển hình “Dân vận khéo” năm {year}"
            signed_on = datetime.date(year, 12, rng.randint(15, 26))
        else:
            symbol = "QĐ-UBND"
            issuer_name = f"Ủy ban nhân dân {place}"
            title = (
                f"Quyết định tặng {award} cho tập thể, cá nhân có mô hình “Dân vận khéo” tiêu biểu năm {year}"
            )
            signed_on = datetime.date(year, 12, rng.randint(27, 31))
        middles, givens = rng.choice([MEN, WOMEN])
        signer = f"{rng.choice(SURNAMES)} {rng.choice(middles)} {rng.choice(givens)}"
        decision_id = self.g.ids.take(Decision)
        self.decisions.append(
            (
                decision_id, kind, str(self.numbers[key]), symbol, signed_on, issuer.id, issuer_name, signer,
                level, self.g.award_forms.get(award) if award else None, title, at(signed_on), at(signed_on),
            )
        )  # fmt: skip
        self.links += [(decision_id, registration[0]) for registration in covered]

    # Writing ---------------------------------------------------------------------------------

    def write(self):
        money = StandardField.ECONOMY
        rng = self.rng
        initiative_rows = []
        for row in self.initiatives:
            ident, name, _first_unit, kind, person, position, field, grade, address, first, unit = row
            initiative_rows.append(
                (
                    ident, name, unit.id, kind, person, position, field.pk, grade, first, address,
                    search_text(name, person, address, unit.name), at(first), at(first),
                )
            )  # fmt: skip
        registration_rows = []
        for ident, initiative, year, unit, day, status, level, evaluation, evaluated_on in self.registrations:
            people = workdays = amount = None
            if evaluation != Evaluation.PENDING:
                people, workdays = rng.randrange(30, 1500, 10), rng.randrange(20, 900, 10)
                if initiative[6].standard == money:
                    amount = rng.randrange(5, 400) * 1_000_000
            registration_rows.append(
                (
                    ident, initiative[0], year, unit.id, day, status, level, evaluation, evaluated_on,
                    people, amount, workdays, at(day), at(evaluated_on or day),
                )
            )  # fmt: skip
        write = self.g.writer.write
        write(Initiative, INITIATIVE_COLUMNS, initiative_rows)
        write(Registration, REGISTRATION_COLUMNS, registration_rows)
        write(Decision, DECISION_COLUMNS, self.decisions)
        write(Decision.registrations.through, ["decision_id", "registration_id"], self.links)
        counts = self.g.counts
        counts["initiatives"] += len(initiative_rows)
        counts["registrations"] += len(registration_rows)
        counts["decisions"] += len(self.decisions)
        counts["links"] += len(self.links)


INITIATIVE_COLUMNS = [
    "id", "name", "unit_id", "kind", "person_name", "person_position", "field_id", "grade",
    "start_date", "address", "search_text", "created_at", "updated_at",
]  # fmt: skip
REGISTRATION_COLUMNS = [
    "id", "initiative_id", "year", "unit_id", "registered_on", "status", "level", "evaluation",
    "evaluated_on", "people_reached", "money_mobilised", "workdays", "created_at", "updated_at",
]  # fmt: skip
DECISION_COLUMNS = [
    "id", "kind", "number", "symbol", "signed_on", "issuing_unit_id", "issuer_name", "signer_name",
    "level", "award_form_id", "title", "created_at", "updated_at",
]  # fmt: skip


def reset_registry(log):
    """Empty the registry like ``load_demo --reset``; on PostgreSQL TRUNCATE does it in seconds.

    Rows of other apps that point into the registry (pending imports, the report tally) are
    emptied too: they would describe data that no longer exists.
    """
    keep = {Field, Field.history.model, AwardForm}
    registry_models = [
        model
        for model in apps.get_app_config("registry").get_models(include_auto_created=True)
        if model not in keep
    ]
    if connection.vendor == "postgresql":
        tables = [connection.ops.quote_name(model._meta.db_table) for model in registry_models]
        with connection.cursor() as cursor:
            # Pending deferred foreign-key checks (rows written earlier in the same transaction)
            # would forbid the TRUNCATE: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    else:
        pointing = {
            relation.related_model
            for model in registry_models
            for relation in model._meta.related_objects
            if relation.related_model._meta.app_label != "registry"
        }
        for model in pointing:
            model._base_manager.all().delete()
    delete_demo()
    log("Đã xóa dữ liệu cũ của sổ đăng ký.")


def reset_sequences():
    models = [Unit, Initiative, Registration, Decision, Decision.registrations.through]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def analyze(vacuum=False, tables=()):
    """Give the planner the new rows' statistics; with ``vacuum``, mark the pages all-visible too.

    Without VACUUM after a bulk load, every index-only scan (the list's count, the
    registrations of a model) still reads the table pages, and the full-text index keeps its
    pending list. VACUUM cannot run in a transaction (the tests'): ANALYZE alone then.
    """
    if connection.vendor != "postgresql":
        return
    models = [Unit, Initiative, Registration, Decision, Decision.registrations.through]
    statement = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
    with connection.cursor() as cursor:
        for table in [*(model._meta.db_table for model in models), *tables]:
            cursor.execute(f"{statement} {connection.ops.quote_name(table)}")


def vn_number(value):
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu quy mô cả nước để đo hiệu năng: 34 tỉnh, 3.321 xã sau 01/07/2025, 63 tỉnh và các "
        "huyện, xã trước đó, mô hình và lượt đăng ký 2016–2025, quyết định công nhận, khen thưởng. "
        "Cùng --seed thì cùng dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="Hạt giống ngẫu nhiên (mặc định 2025).")
        parser.add_argument(
            "--small", action="store_true", help="Bộ nhỏ để kiểm thử: 2 tỉnh, ~2.000 lượt đăng ký."
        )
        parser.add_argument("--provinces", type=int, help="Chỉ sinh N tỉnh đầu tiên (theo mã).")
        parser.add_argument(
            "--province-codes", help="Mã các tỉnh sau 01/07/2025, cách nhau bởi dấu phẩy (vd. 19,15)."
        )
        parser.add_argument("--communes", type=int, help="Tối đa N xã mỗi tỉnh (mặc định: tất cả).")
        parser.add_argument("--cells", type=int, help="Số chi bộ trung bình mỗi xã (mặc định 10).")
        parser.add_argument("--registrations", type=int, help="Tổng số lượt đăng ký (mặc định 2.000.000).")
        parser.add_argument("--scale", type=float, default=1.0, help="Nhân số lượt đăng ký với hệ số này.")
        parser.add_argument("--first-year", type=int, default=2016)
        parser.add_argument("--last-year", type=int, default=2025)
        parser.add_argument(
            "--method",
            choices=["copy", "orm"],
            help="Cách ghi: copy (PostgreSQL COPY, mặc định trên PostgreSQL) hoặc orm (bulk_create).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Xóa dữ liệu sổ đăng ký hiện có rồi sinh lại."
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Thêm cây cả nước bên cạnh các đơn vị đã có (vd. dữ liệu mẫu).",
        )
        parser.add_argument(
            "--skip-tally",
            action="store_true",
            help="Không tính lại bảng số liệu tổng hợp (chỉ để đo tốc độ sinh dữ liệu: báo cáo sẽ sai).",
        )
        parser.add_argument(
            "--allow-production", action="store_true", help="Cho phép --reset khi DEBUG tắt (máy chủ thật)."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        generator = self.generator(options)
        if options["reset"]:
            if not settings.DEMO_DATA_ALLOWED and not options["allow_production"]:
                raise CommandError(
                    "DEBUG đang tắt (máy chủ thật): không xóa dữ liệu. "
                    "Thêm --allow-production nếu thật sự muốn."
                )
            with transaction.atomic():
                reset_registry(self.log)
        elif Unit.objects.filter(code=ROOT_CODE).exists():
            raise CommandError(f"Đã có cây cả nước (đơn vị mã {ROOT_CODE}). Dùng --reset để sinh lại.")
        elif Unit.objects.exists() and not options["append"]:
            raise CommandError(
                "Sổ đăng ký đã có đơn vị: dùng --append để thêm bên cạnh, hoặc --reset để xóa và sinh lại."
            )
        generator.ids = Ids([Unit, Initiative, Registration, Decision])
        with transaction.atomic():
            root, provinces = generator.build_tree()
        self.log(f"Cây đơn vị: {vn_number(generator.counts['units'])} đơn vị ({self.elapsed(started)}).")
        for province, per_year in zip(provinces, generator.province_totals(provinces), strict=True):
            with transaction.atomic():
                generator.generate(province, per_year)
            count = vn_number(sum(per_year.values()))
            self.log(f"  {province.node.name}: {count} lượt đăng ký ({self.elapsed(started)}).")
        reset_sequences()
        analyze()  # before the tally: its queries need the planner's statistics of the new rows
        self.log(f"Đã ghi xong, ANALYZE ({self.elapsed(started)}).")
        if tally_rebuild is not None and not options["skip_tally"]:
            tally_rebuild()
            self.log(f"Đã tính lại bảng số liệu tổng hợp ({self.elapsed(started)}).")
        tally_tables = (
            [apps.get_model("reports", "Tally")._meta.db_table] if apps.is_installed("reports") else []
        )
        analyze(vacuum=True, tables=tally_tables)
        self.log(f"VACUUM ANALYZE ({self.elapsed(started)}).")
        counts = generator.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sinh dữ liệu trong {self.elapsed(started)}: {vn_number(counts['units'])} đơn vị, "
                f"{vn_number(counts['initiatives'])} mô hình, "
                f"{vn_number(counts['registrations'])} lượt đăng ký, "
                f"{vn_number(counts['decisions'])} quyết định ({vn_number(counts['links'])} lượt công nhận, "
                f"khen thưởng)."
            )
        )

    def generator(self, options):
        small = options["small"]
        if options["province_codes"]:
            codes = [int(code) for code in options["province_codes"].split(",") if code.strip()]
        elif options["provinces"]:
            codes = [code for code in sorted({row[3] for row in data.OLD_PROVINCES})][: options["provinces"]]
        elif small:
            codes = list(SMALL["province_codes"])
        else:
            codes = sorted({row[3] for row in data.OLD_PROVINCES})
        registrations = options["registrations"] or (SMALL["registrations"] if small else 2_000_000)
        if options["first_year"] > options["last_year"]:
            raise CommandError("--first-year phải trước --last-year.")
        method = options["method"] or ("copy" if connection.vendor == "postgresql" else "orm")
        if method == "copy" and connection.vendor != "postgresql":
            raise CommandError("--method copy chỉ dùng được với PostgreSQL.")
        return CountryGenerator(
            seed=options["seed"],
            provinces=codes,
            communes=options["communes"] or (SMALL["communes"] if small else None),
            cells=options["cells"] or (SMALL["cells"] if small else 10),
            registrations=round(registrations * options["scale"]),
            first_year=options["first_year"],
            last_year=options["last_year"],
            writer=Writer(method),
            log=self.log,
        )

    def log(self, message):
        self.stdout.write(message)
        self.stdout.flush()

    @staticmethod
    def elapsed(started):
        return f"{time.perf_counter() - started:.1f} giây".replace(".", ",")
