"""Generate models and their registrations from specs: names, people, addresses, dates, figures.

``demo.loader`` says which models each place registers; this module makes them look real.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.core.management.base import CommandError

from registry.choices import Evaluation, Grade, Kind, Level, RegistrationStatus, StandardField, UnitType
from registry.models import Field, Initiative, Registration, initiative_search_text

from . import data
from .tree import DemoTree


def place(unit):
    """Return where a unit is, as an address reads it."""
    for prefix, replacement in data.PLACE_OF_PREFIX:
        if unit.name.startswith(prefix):
            return replacement + unit.name[len(prefix) :]
    return unit.name


def positions_for(unit):
    """Return the positions a person registering through ``unit`` may hold."""
    for words, positions in data.POSITIONS:
        if any(word in unit.name for word in words):
            return positions
    return data.OFFICE_POSITIONS


@dataclasses.dataclass
class Spec:
    """One model to generate, before it gets its unit: what it is and the years it is registered.

    The years follow each other; the first registration is "new", the later ones "maintained".
    ``window`` says when in its last year it is registered; ``tags`` names, per year, the
    decision that will cover the registration (and makes it evaluated "effective").
    """

    field: str
    kind: str = Kind.COLLECTIVE
    years: tuple = (2023,)
    grade: str = ""
    level: str = ""
    window: str = data.EARLY
    tags: dict = dataclasses.field(default_factory=dict)


class Generator:
    """Generate models and their registrations from specs, keep them in memory, write them in bulk."""

    def __init__(self, rng):
        self.rng = rng
        self.fields = {f.name: f for f in Field.objects.all()}
        missing = set(data.PHRASES) - set(self.fields)
        if missing:
            raise CommandError(f"Thiếu lĩnh vực {', '.join(sorted(missing))}: hãy chạy “manage.py migrate”.")
        self.tree = DemoTree()
        self.used_phrases = defaultdict(set)
        self.initiatives = []
        self.registrations = []
        self.tagged = defaultdict(list)

    def batch(self, count, fields, years, *, kind=None, individual_share=0.25, **fixed):
        """Return ``count`` specs, fields drawn from the ``fields`` weights, kinds at random unless given."""
        names, weights = zip(*fields.items(), strict=True)
        return [
            Spec(
                field=self.rng.choices(names, weights)[0],
                kind=kind or (Kind.INDIVIDUAL if self.rng.random() < individual_share else Kind.COLLECTIVE),
                years=years,
                **fixed,
            )
            for _ in range(count)
        ]

    def extend(self, specs, count, years):
        """Register ``count`` of ``specs``, at random, in ``years`` instead."""
        for spec in self.rng.sample(specs, count):
            spec.years = years

    def tag(self, specs, count, year, tag):
        """Have ``count`` of ``specs``, at random, covered in ``year`` by the decisions tagged ``tag``."""
        for spec in self.rng.sample(specs, count):
            spec.tags[year] = tag

    def weight(self, unit):
        return data.WEIGHT.get(unit.unit_type, 1)

    def assign(self, specs, parents, *, every=True, skip=frozenset()):
        """Pair each spec with a registering unit inside one of ``parents``' subtrees.

        With ``every``, each parent's subtree gets one spec at least (the "24/44" of a report);
        the rest go by the units' weights. Units in ``skip`` (primary keys) never register.
        """
        pools = [[u for u in self.tree.below[p.pk] if u.pk not in skip] for p in parents]
        indexes = list(range(len(parents))) if every else []
        weights = [sum(map(self.weight, pool)) for pool in pools]
        indexes += self.rng.choices(range(len(parents)), weights, k=len(specs) - len(indexes))
        self.rng.shuffle(indexes)
        return [
            (self.rng.choices(pools[i], [self.weight(u) for u in pools[i]])[0], spec)
            for i, spec in zip(indexes, specs, strict=True)
        ]

    def create_all(self, pairs):
        """Create a model for each (unit, spec) pair."""
        for unit, spec in pairs:
            self.create(unit, spec)

    def create(self, unit, spec, *, name="", results="", **texts):
        """Add a model of ``unit`` and its registrations, one for each year of ``spec``."""
        field_obj = self.fields[spec.field]
        person_name = person_position = ""
        if spec.kind == Kind.INDIVIDUAL:
            person_name, person_position = self.person(), self.rng.choice(positions_for(unit))
        name = name or self.model_name(unit, spec)
        address = self.address(unit)
        last = spec.years[-1]
        dates = [
            self.registration_date(year, spec.window if year == last else data.EARLY, unit)
            for year in spec.years
        ]
        initiative = Initiative(
            name=name,
            unit=unit,
            kind=spec.kind,
            person_name=person_name,
            person_position=person_position,
            field=field_obj,
            grade=spec.grade or self.rng.choices(Grade.values, [85, 12, 3])[0],
            start_date=dates[0],
            address=address,
            # save() is skipped by bulk_create: derive the search key as Initiative.save() does.
            search_text=initiative_search_text(name, person_name, address, unit.search_name),
            **texts,
        )
        self.initiatives.append(initiative)
        for year, registered_on in zip(spec.years, dates, strict=True):
            tag = spec.tags.get(year, "")
            evaluation, evaluated_on = self.evaluate(year, recognised=bool(tag))
            registration = Registration(
                initiative=initiative,
                year=year,
                unit=unit,
                registered_on=registered_on,
                status=RegistrationStatus.NEW if year == spec.years[0] else RegistrationStatus.MAINTAINED,
                level=spec.level or data.LEVEL_OF_TYPE.get(unit.unit_type, Level.GRASSROOTS),
                evaluation=evaluation,
                evaluated_on=evaluated_on,
                results=results if year == last else "",
                **self.figures(field_obj, evaluation),
            )
            self.registrations.append(registration)
            if tag:
                self.tagged[tag].append(registration)
        return initiative

    def model_name(self, unit, spec):
        """Name a model after what it does, avoiding names the unit already has."""
        phrases = data.PHRASES[spec.field]
        used = self.used_phrases[unit.pk]
        phrase = self.rng.choice([p for p in phrases if p not in used] or phrases)
        used.add(phrase)
        prefix = "Mô hình" if spec.kind == Kind.COLLECTIVE else "Mô hình cá nhân"
        return f"{prefix} “Dân vận khéo” trong {phrase}"

    def person(self):
        middles, givens = self.rng.choice([data.MEN, data.WOMEN])
        return f"{self.rng.choice(data.SURNAMES)} {self.rng.choice(middles)} {self.rng.choice(givens)}"

    def address(self, unit):
        """Return "thôn Nà Phải, xã Phương Linh, huyện Bạch Thông, tỉnh Bắc Kạn" for a cell."""
        parts = [place(unit)]
        ancestor = self.tree.parent[unit.pk]
        while ancestor is not None:
            if ancestor.unit_type in (UnitType.COMMUNE, UnitType.DISTRICT, UnitType.PROVINCE):
                parts.append(place(ancestor))
            ancestor = self.tree.parent[ancestor.pk]
        return ", ".join(parts)

    def registration_date(self, year, window, unit):
        """Return a day of ``year`` within ``window`` on which ``unit`` existed."""
        (first_month, first_day), (last_month, last_day) = data.WINDOWS[window]
        first = datetime.date(year, first_month, first_day)
        last = datetime.date(year, last_month, last_day)
        if unit.valid_from and unit.valid_from > first:
            # A unit founded during the year registers after its first day.
            first, last = unit.valid_from, datetime.date(year, 11, 30)
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def evaluate(self, year, *, recognised):
        """Return (evaluation, date): at the end of the year, before its recognition decisions."""
        if year >= data.CURRENT_YEAR:
            return Evaluation.PENDING, None
        if recognised:
            return Evaluation.EFFECTIVE, datetime.date(year, 12, self.rng.randint(1, 10))
        outcome = self.rng.choices([Evaluation.EFFECTIVE, Evaluation.NOT_EFFECTIVE], [87, 13])[0]
        return outcome, datetime.date(year, 12, self.rng.randint(1, 25))

    def figures(self, field_obj, evaluation):
        """Return the results an evaluated registration reports: people, workdays, money for the economy."""
        if evaluation == Evaluation.PENDING:
            return {}
        figures = {
            "people_reached": self.rng.randrange(30, 1500, 10),
            "workdays": self.rng.randrange(20, 900, 10),
        }
        if field_obj.standard == StandardField.ECONOMY:
            figures["money_mobilised"] = self.rng.randrange(5, 400) * 1_000_000
        return figures

    def save(self):
        """Write the generated models and registrations, a few hundred rows per query."""
        # Without history rows: writing them would double the load time, and a model's history
        # starts with its first real change.
        # Twice: before the reorganisations (the old units' models) and after (the new units').
        Initiative.objects.bulk_create([item for item in self.initiatives if item.pk is None], batch_size=500)
        Registration.objects.bulk_create(
            [item for item in self.registrations if item.pk is None], batch_size=500
        )
