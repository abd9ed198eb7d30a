"""Who carries on whom: the lineage of units across reorganisations, and the rules it obeys.

A unit closed by a reorganisation is carried on by the successors its ``Lineage`` rows name:
one for a merge, a rename or a move, several for a split (the model's assigned part, else the
main one), none for a dissolution (then, like a unit closed together with its parent, by
whatever carries on its parent). ``carrier_of`` follows these steps to the unit open today;
registrations keep it in ``Registration.carrier``, which the reports "in today's structure"
count by. Every lineage question of the application is answered here.
"""

import copy
import datetime
import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReorganisationStatus

APPLIED = ReorganisationStatus.APPLIED


def today():
    return timezone.localdate()


def is_open(unit, day):
    """Whether ``unit`` (an instance or a dict with valid_from/valid_to) existed on ``day``."""
    valid_from, valid_to = (
        (unit["valid_from"], unit["valid_to"]) if isinstance(unit, dict) else (unit.valid_from, unit.valid_to)
    )
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to >= day)


class LineageError(ValidationError):
    """A lineage that cannot be: a loop, a unit succeeding itself, dates that contradict."""


class Lineages:
    """Every applied lineage row and model transfer, with the units, read once for many questions.

    For the writes that recompute many carriers at once (a reorganisation, a rebuild): one
    query each for the units, the lineage and the transfers; everything else is in memory.
    """

    def __init__(self, day=None):
        from .models import Lineage, Transfer, Unit

        self.day = day or today()
        self.units = {
            row["pk"]: row for row in Unit.objects.order_by().values("pk", "path", "valid_from", "valid_to")
        }
        self.by_path = {row["path"]: pk for pk, row in self.units.items()}
        self.links = {}
        for link in (
            Lineage.objects.filter(reorganisation__status=APPLIED, effective_on__lte=self.day)
            .order_by("pk")
            .values("predecessor_id", "successor_id", "is_main", "reorganisation_id", "effective_on")
        ):
            self.links.setdefault(link["predecessor_id"], []).append(link)
        self.transfers = {
            (row["reorganisation_id"], row["initiative_id"]): row["to_unit_id"]
            for row in Transfer.objects.filter(reorganisation__status=APPLIED).values(
                "reorganisation_id", "initiative_id", "to_unit_id"
            )
        }

    def on(self, day):
        """Return the same lineage as it stood on ``day`` (before ``self.day``): the later steps left out."""
        found = copy.copy(self)
        found.day = day
        found.links = {}
        for pk, links in self.links.items():
            kept = [link for link in links if link["effective_on"] <= day]
            if kept:
                found.links[pk] = kept
        return found

    def parent(self, pk):
        path = self.units[pk]["path"]
        from .models import Unit

        return self.by_path.get(path[: -Unit.steplen]) if len(path) > Unit.steplen else None

    def carrier(self, pk, initiative_id=None):
        """Return the id of the unit that carries ``pk`` on (for ``initiative_id``), or None."""
        seen = set()
        while pk is not None and not is_open(self.units[pk], self.day):
            if pk in seen:
                raise LineageError(_("Lịch sử kế thừa của đơn vị tạo thành vòng lặp."))
            seen.add(pk)
            pk = self.step(pk, initiative_id)
        return pk

    def step(self, pk, initiative_id=None):
        """Return the unit one step after the closed unit ``pk``."""
        links = self.links.get(pk)
        if not links:
            return self.parent(pk)  # closed with its parent: carried on with it
        chosen = _choose(links, lambda reorganisation: self.transfers.get((reorganisation, initiative_id)))
        return chosen if chosen is not None else self.parent(pk)

    def splits_on_the_way(self, pk):
        """Whether the walk from ``pk`` passes a split (then the carrier depends on the model)."""
        seen = set()
        while pk is not None and not is_open(self.units[pk], self.day) and pk not in seen:
            seen.add(pk)
            if len(self.links.get(pk, ())) > 1:
                return True
            pk = self.step(pk)
        return False


def _choose(links, transfer_of):
    """The successor among ``links`` (rows of one closed unit): the model's part, else the main one."""
    if len(links) == 1:
        return links[0]["successor_id"]
    successors = {link["successor_id"] for link in links}
    assigned = transfer_of(links[0]["reorganisation_id"])
    if assigned in successors:
        return assigned
    main = [link for link in links if link["is_main"]] or links
    return main[0]["successor_id"]


def successor_on(unit, day, initiative_id=None):
    """Return the unit one lineage step after the closed ``unit`` (as of ``day``), or None.

    None when no reorganisation named a successor (dissolved, or closed with its parent).
    """
    from .models import Lineage, Transfer, Unit

    links = list(
        Lineage.objects.filter(predecessor=unit, reorganisation__status=APPLIED, effective_on__lte=day)
        .order_by("pk")
        .values("predecessor_id", "successor_id", "is_main", "reorganisation_id")
    )
    if not links:
        return None

    def transfer_of(reorganisation):
        assigned = Transfer.objects.filter(reorganisation_id=reorganisation, initiative_id=initiative_id)
        return assigned.values_list("to_unit_id", flat=True).first()

    chosen = _choose(links, transfer_of)
    return Unit.objects.get(pk=chosen) if chosen is not None else None


def carrier_of(unit, initiative_id=None, day=None):
    """Return the unit that carries ``unit`` on today (itself while it is open), or None.

    The common case, an open unit, costs no query; a closed one a few per step.
    """
    from .models import Unit

    day = day or today()
    seen = set()
    while unit is not None and not is_open(unit, day):
        if unit.pk in seen:
            raise LineageError(_("Lịch sử kế thừa của đơn vị tạo thành vòng lặp."))
        seen.add(unit.pk)
        successor = successor_on(unit, day, initiative_id)
        if successor is None:  # dissolved, or closed with its parent: carried on with the parent
            successor = (
                Unit.objects.filter(path=unit.path[: -Unit.steplen]).first() if unit.depth > 1 else None
            )
        unit = successor
    return unit


def changed_since(day):
    """Whether the structure on ``day`` differs from today's: a unit open on ``day`` has closed
    since (by a reorganisation, or entered closed for history). One small query."""
    from .models import Unit

    return Unit.objects.filter(valid_to__gte=day, valid_to__lt=today()).exists()


class Placement:
    """Where registrations stand in the structure on ``day``: under the unit that carried their unit
    on that day, as today's structure would place them had no later reorganisation happened.

    A unit opened after ``day`` places its own registrations. Held as the exceptions to a base
    column, the registering unit ("unit") or today's carrier ("carrier"), whichever leaves fewer
    units out: ``moved`` maps each unit left out to where its registrations stand, as
    ``(default, {initiative_id: place})`` with each place a (unit id, path) pair, or None when
    nothing carries it on. The initiative matters only after a split. Lineage, units and transfers
    are read once (three queries); the filters it writes name the units left out by id.
    """

    def __init__(self, day):
        self.day = day
        today_found = Lineages()
        day_found = today_found.on(day)
        closed = [pk for pk, row in today_found.units.items() if not is_open(row, today_found.day)]
        candidates = self._initiatives_apart(today_found, closed)
        from_unit, from_carrier = {}, {}
        for pk in closed:
            then = self._places(day_found, pk, candidates.get(pk, ()))
            now = self._places(today_found, pk, candidates.get(pk, ()))
            if then != ((pk, today_found.units[pk]["path"]), {}):
                from_unit[pk] = then
            if then != now:
                from_carrier[pk] = then
        # Units open today are open on the day or opened after it: each in its own place.
        if len(from_carrier) <= len(from_unit):
            self.base, self.moved = "carrier", from_carrier
        else:
            self.base, self.moved = "unit", from_unit

    @staticmethod
    def _splits_on_walks(found, pk):
        """Return the split units on any walk from ``pk`` to the units open today."""
        splits, seen, frontier = set(), set(), [pk]
        while frontier:
            current = frontier.pop()
            if current is None or current in seen or is_open(found.units[current], found.day):
                continue
            seen.add(current)
            links = found.links.get(current, ())
            if len(links) > 1:
                splits.add(current)
            frontier.extend(link["successor_id"] for link in links)
            if not links or any(link["successor_id"] is None for link in links):
                frontier.append(found.parent(current))
        return splits

    @classmethod
    def _initiatives_apart(cls, found, closed):
        """Return {unit: initiatives}: the models a split on the closed unit's way may send apart
        from its other registrations, those the split assigned to one of its parts (the walk
        takes a model's part only from such a transfer). From the lineage alone: no query."""
        by_part = {}
        for (reorganisation, initiative), to_unit in found.transfers.items():
            by_part.setdefault((reorganisation, to_unit), set()).add(initiative)
        assigned_at = {}
        candidates = {}
        for pk in closed:
            found_splits = cls._splits_on_walks(found, pk)
            if not found_splits:
                continue
            models = set()
            for split in found_splits:
                if split not in assigned_at:
                    links = found.links[split]
                    reorganisation = links[0]["reorganisation_id"]
                    assigned_at[split] = set().union(
                        *(by_part.get((reorganisation, link["successor_id"]), ()) for link in links)
                    )
                models |= assigned_at[split]
            if models:
                candidates[pk] = models
        return candidates

    def _places(self, found, pk, candidates):
        """Return (default place, {initiative: place}) of ``pk``'s registrations as of ``found.day``."""

        def place(initiative):
            row = found.units[pk]
            if row["valid_from"] is not None and row["valid_from"] > found.day:
                carrier = pk  # not yet opened on the day: its registrations stand in their own place
            else:
                carrier = found.carrier(pk, initiative)
            return (carrier, found.units[carrier]["path"]) if carrier is not None else None

        default = place(None)
        apart = {initiative: where for initiative in candidates if (where := place(initiative)) != default}
        return default, apart

    def _matching(self, keep):
        """Return the Q of the moved units' registrations whose place satisfies ``keep``."""
        whole, found = [], Q(pk__in=[])
        for unit_id, (default, apart) in self.moved.items():
            if not apart:
                if keep(default):
                    whole.append(unit_id)
                continue
            inside = [initiative for initiative, where in apart.items() if keep(where)]
            outside = [initiative for initiative, where in apart.items() if not keep(where)]
            if keep(default):
                found |= Q(unit_id=unit_id) & ~Q(initiative_id__in=outside)
            elif inside:
                found |= Q(unit_id=unit_id, initiative_id__in=inside)
        if whole:
            found |= Q(unit_id__in=whole)
        return found

    def q(self, paths, path_q):
        """Return the Q of the registrations standing under one of ``paths`` on the day.

        ``path_q`` is ``registry.querysets.path_q`` (passed in: the querysets import this module).
        """
        if paths is None:
            return Q()
        kept = path_q(f"{self.base}__path", paths)
        if self.moved:
            kept &= ~Q(unit_id__in=list(self.moved))
        return kept | self._matching(lambda where: where is not None and where[1].startswith(tuple(paths)))

    def own_q(self, unit_id):
        """Return the Q of the registrations standing under ``unit_id`` itself on the day."""
        kept = Q(**{f"{self.base}_id": unit_id})
        if self.moved:
            kept &= ~Q(unit_id__in=list(self.moved))
        return kept | self._matching(lambda where: where is not None and where[0] == unit_id)

    def path(self):
        """Return the expression of the path of the unit each registration stands under on the day."""
        whens = []
        by_path = {}
        for unit_id, (default, apart) in self.moved.items():
            for initiative, where in apart.items():
                whens.append(
                    When(unit_id=unit_id, initiative_id=initiative, then=Value(where[1] if where else None))
                )
            by_path.setdefault(default[1] if default else None, []).append(unit_id)
        whens.extend(When(unit_id__in=ids, then=Value(path)) for path, ids in by_path.items())
        base = F(f"{self.base}__path")
        return Case(*whens, default=base, output_field=CharField()) if whens else base


PLACEMENT_TIMEOUT = 24 * 3600


def placement_on(day, user=None):
    """Return the ``Placement`` of ``day``: kept on ``user`` for the request, and in the cache
    under what it depends on besides the day (``_placement_key``)."""
    kept = user.__dict__.setdefault("_danvan_placements", {}) if user is not None else {}
    if day not in kept:
        key = f"placement:{day.isoformat()}:{_placement_key()}"
        placement = cache.get(key)
        if placement is None:
            placement = Placement(day)
            cache.set(key, placement, PLACEMENT_TIMEOUT)
        kept[day] = placement
    return kept[day]


def _placement_key():
    """Say everything a placement depends on besides its day: the applied plans, the units and the
    transfers, which only reorganisations change. Three small queries."""
    from .models import Reorganisation, Transfer, Unit

    plans = list(Reorganisation.objects.filter(status=APPLIED).order_by("pk").values_list("pk", "applied_at"))
    # A unit's opening or end edited by hand (``services.unit_update``) changes its latest update.
    units = Unit.objects.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
    # Transfers are only added by a plan applied (a new plan, or a new split assignment) and only
    # removed by an undo, which takes the plan out of ``plans``.
    transfers = Transfer.objects.aggregate(last=Max("pk"))
    return hashlib.sha1(repr((plans, units, transfers)).encode()).hexdigest()


def predecessors(unit_ids):
    """Return {pk: ids of every unit ``pk`` carries on, through any number of reorganisations}.

    One query for every lineage row, then in memory: a plan of thousands of steps asks this
    of each of its successors.
    """
    from .models import Lineage

    before = {}
    for predecessor, successor in Lineage.objects.exclude(successor=None).values_list(
        "predecessor_id", "successor_id"
    ):
        before.setdefault(successor, set()).add(predecessor)
    found_of = {}
    for pk in unit_ids:
        found, frontier = set(), {pk}
        while frontier:
            frontier = set().union(*(before.get(each, ()) for each in frontier)) - found
            found |= frontier
        found_of[pk] = found
    return found_of


def former_units(unit):
    """Return the former units whose figures ``unit`` holds in today's structure, in tree order.

    The units its subtree carries on through the lineage, outside the subtree, each only when
    no other of them contains it (the old province, not its districts and communes).
    """
    from .models import Unit

    inside = Unit.objects.filter(path__startswith=unit.path)
    carried = set().union(*predecessors(inside.values_list("pk", flat=True)).values())
    formers = []
    for former in Unit.objects.filter(pk__in=carried).exclude(path__startswith=unit.path).order_by("path"):
        if not any(former.path.startswith(kept.path) for kept in formers):
            formers.append(former)
    return formers


def day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


def carriers_sync(unit_ids=None, found=None):
    """Set ``Registration.carrier`` from the lineage, for the registrations of ``unit_ids`` (or all).

    For bulk loads and reorganisations. Registrations of open units are carried by their own
    unit (one UPDATE); those of closed units by the unit the lineage leads to, one UPDATE per
    carrier, per model where a split makes it depend on the model. Returns the ids of every
    carrier before and after, whose counts in today's structure may have changed.
    """
    from .models import Registration

    found = found or Lineages()
    registrations = Registration.objects.all()
    if unit_ids is not None:
        registrations = registrations.filter(unit_id__in=set(unit_ids))
    touched = set(registrations.exclude(carrier=None).values_list("carrier_id", flat=True).distinct())
    closed = {pk for pk, row in found.units.items() if not is_open(row, found.day)}
    wanted = set(found.units) if unit_ids is None else set(unit_ids)
    open_units = wanted - closed
    if unit_ids is None:
        registrations.exclude(unit_id__in=closed).exclude(carrier_id=F("unit_id")).update(
            carrier_id=F("unit_id")
        )
    elif open_units:
        registrations.filter(unit_id__in=open_units).exclude(carrier_id=F("unit_id")).update(
            carrier_id=F("unit_id")
        )
    by_carrier, split = _by_carrier(found, wanted & closed)
    for carrier, pks in by_carrier.items():
        for chunk in _chunks(pks):
            Registration.objects.filter(unit_id__in=chunk).exclude(carrier_id=carrier).update(
                carrier_id=carrier
            )
    per_model = {}
    for pk, unit, initiative in Registration.objects.filter(unit_id__in=split).values_list(
        "pk", "unit_id", "initiative_id"
    ):
        per_model.setdefault(found.carrier(unit, initiative), []).append(pk)
    for carrier, pks in per_model.items():
        for chunk in _chunks(pks):
            Registration.objects.filter(pk__in=chunk).update(carrier_id=carrier)
    touched |= open_units | set(by_carrier) | set(per_model)
    return {pk for pk in touched if pk is not None}


def carriers_check(*, repair=False):
    """Return how many registrations are not carried by the unit their lineage leads to today.

    With ``repair``, carry them right (``carriers_sync``) and return the ids of the carriers
    before and after, whose counts in today's structure the caller recounts. A count query per
    carrier of closed units: the check of the whole country reads every registration once.
    """
    from .models import Registration

    found = Lineages()
    closed = {pk for pk, row in found.units.items() if not is_open(row, found.day)}
    wrong = Registration.objects.exclude(unit_id__in=closed).exclude(carrier_id=F("unit_id")).count()
    by_carrier, split = _by_carrier(found, closed)
    for carrier, pks in by_carrier.items():
        for chunk in _chunks(pks):
            wrong += Registration.objects.filter(unit_id__in=chunk).exclude(carrier_id=carrier).count()
    for chunk in _chunks(split):
        for unit, initiative, carrier in Registration.objects.filter(unit_id__in=chunk).values_list(
            "unit_id", "initiative_id", "carrier_id"
        ):
            wrong += found.carrier(unit, initiative) != carrier
    if repair and wrong:
        return wrong, carriers_sync(found=found)
    return wrong, set()


def _by_carrier(found, closed):
    """Group the closed units by the unit that carries them on: ({carrier: units}, the units whose
    carrier depends on the model, a split lying on their way)."""
    by_carrier, split = {}, []
    for pk in closed:
        if found.splits_on_the_way(pk):
            split.append(pk)
        else:
            by_carrier.setdefault(found.carrier(pk), []).append(pk)
    return by_carrier, split


def _chunks(items, size=5000):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
