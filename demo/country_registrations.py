"""One province's initiatives, registrations and decisions, year after year, then written in bulk.

About 45 % of a year's registrations maintain an initiative of the year before (across the
reform, in the successor's subtree), about 80 % are collective and about 15 % are recognised
by a decision of a commune, a district or a province.
"""

import datetime
import functools
import heapq
import itertools
from zoneinfo import ZoneInfo

from registry.choices import (
    DecisionKind,
    Evaluation,
    Kind,
    Level,
    RegistrationStatus,
    StandardField,
    UnitType,
)
from registry.models import Decision, Initiative, Registration
from registry.text import fold

from . import country_data as data
from .data import MEN, PHRASES, SURNAMES, WOMEN

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@functools.lru_cache(maxsize=200_000)
def folded(text):
    return fold(text)


def search_text(*parts):
    """Return ``Initiative.save()``'s search key, folding each (often repeated) part once."""
    # fold() of joined parts equals the folded parts joined: fold ends words at spaces.
    return " ".join(filter(None, map(folded, parts)))


def at(day, hour=8):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


class Pool:
    """Units to draw from, by their registration weights."""

    def __init__(self, units):
        self.units = units
        self.cum = list(itertools.accumulate(data.REGISTRATION_WEIGHT[u.role] for u in units))

    def draw(self, rng, k):
        return rng.choices(self.units, cum_weights=self.cum, k=k) if self.units else []


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
