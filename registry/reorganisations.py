"""Reorganisations of the unit tree: check, preview, apply and undo a plan.

A plan (``Reorganisation.plan``) lists steps, each closing old units on the day before the
plan's effective date and naming the units that carry them on, existing or new:

    {"steps": [{"kind": "merge", "olds": [12, 13], "targets": [{"new": "a"}]},
               {"kind": "split", "olds": [14], "targets": [{"unit": 20}, {"new": "b"}],
                "assign": {"5301": 1}},
               {"kind": "dissolve", "olds": [15], "targets": []}],
     "new_units": {"a": {"name": "Đảng ủy xã Quang Thuận", "unit_type": "commune",
                         "code": "", "parent": {"unit": 3}}, ...}}

``targets[0]`` is the main successor; ``assign`` gives, for a split, the target index of an
open model (by id) that the main part does not carry. Applying a plan closes the old units and
their subtrees, opens the new units, records the lineage, hands the open models and the
memberships of the closed units to the units that carry them on, and recounts the figures "in
today's structure"; all in one transaction. Undoing it is possible while nothing was registered
or decided under its new units.
"""

import datetime
import hashlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import lineage, tally
from .choices import ChangeKind, ReorganisationStatus, Role, UnitType
from .chunks import batched
from .models import (
    Decision,
    Initiative,
    Lineage,
    Membership,
    Registration,
    Reorganisation,
    Transfer,
    Unit,
    initiative_search_text,
)
from .querysets import MANAGE
from .scope import scope_of
from .services import lock_rows
from .text import fold

# A model counts as open (carried on by the successor) when it was registered in the year of
# the reorganisation or the year before; older ones stay with the unit as it was.
OPEN_YEARS = 2
CHUNK = 5000  # ids per IN list, rows per bulk statement
TARGET_COUNT = {
    ChangeKind.MERGE: (1, 1),
    ChangeKind.RENAME: (1, 1),
    ChangeKind.MOVE: (1, 1),
    ChangeKind.SPLIT: (2, None),
    ChangeKind.DISSOLVE: (0, 1),
}


class PlanError(ValidationError):
    """A plan that cannot be applied; ``messages`` says what is wrong, step by step."""


# ---------------------------------------------------------------------------------------------
# Checking


def check(reorganisation: Reorganisation) -> list[str]:
    """Return what is wrong with the plan, one message per problem (an empty list when it can be applied)."""
    plan, day = reorganisation.plan or {}, reorganisation.effective_on
    errors = []
    steps = plan.get("steps") or []
    new_units = plan.get("new_units") or {}
    if not steps:
        return [_("Kế hoạch chưa có bước sắp xếp nào.")]
    if reorganisation.status != ReorganisationStatus.DRAFT:
        errors.append(_("Kế hoạch này đã được thực hiện hoặc hoàn tác: không thực hiện lại được."))
    if day > lineage.today():
        errors.append(
            _("Ngày có hiệu lực %(day)s chưa đến: chỉ thực hiện kế hoạch từ ngày đó trở đi.")
            % {"day": f"{day:%d/%m/%Y}"}
        )
    units = Unit.objects.in_bulk(plan_unit_ids(plan))
    before = lineage.predecessors(
        {ref["unit"] for step in steps for ref in step.get("targets", []) if "unit" in ref}
    )
    closing = defaultdict(list)
    for number, step in enumerate(steps, start=1):
        errors += _check_step(number, step, units, new_units, day, before)
        for pk in step.get("olds", []):
            closing[pk].append(number)
    for pk, numbers in closing.items():
        if len(numbers) > 1 and pk in units:
            errors.append(
                _("“%(unit)s” có ở nhiều bước (%(steps)s): mỗi đơn vị chỉ được sắp xếp một lần.")
                % {"unit": units[pk].name, "steps": ", ".join(map(str, numbers))}
            )
    for number, step in enumerate(steps, start=1):
        for ref in step.get("targets", []):
            if ref.get("unit") in closing:
                errors.append(
                    _("Bước %(step)s: “%(unit)s” vừa được kế thừa vừa bị sắp xếp trong cùng kế hoạch.")
                    % {"step": number, "unit": units[ref["unit"]].name}
                )
    errors += _check_new_units(new_units, units, closing, day)
    errors += _check_records_after(units, closing, day)
    return errors


def plan_unit_ids(plan) -> set[int]:
    """Return the ids of the existing units a plan names: old units, successors, new units' parents."""
    steps = plan.get("steps") or []
    ids = {pk for step in steps for pk in step.get("olds", [])}
    ids |= {ref["unit"] for step in steps for ref in step.get("targets", []) if "unit" in ref}
    for spec in (plan.get("new_units") or {}).values():
        if "unit" in (spec.get("parent") or {}):
            ids.add(spec["parent"]["unit"])
    return ids


def scope_errors(plan, user) -> list[str]:
    """Return a message for each unit of the plan outside the user's MANAGE scope (empty when none is)."""
    scope = scope_of(user)
    ids = plan_unit_ids(plan)
    units = Unit.objects.in_bulk(ids)
    errors = []
    for pk in sorted(ids):
        unit = units.get(pk)
        if unit is None:
            errors.append(_("Không có đơn vị mã số %(pk)s.") % {"pk": pk})
        elif not scope.covers(unit, MANAGE):
            errors.append(_("“%(unit)s” không thuộc phạm vi bạn quản trị.") % {"unit": unit.name})
    return errors


def _check_step(number, step, units, new_units, day, before):
    errors = []
    kind = step.get("kind")
    prefix = _("Bước %(step)s") % {"step": number}
    if kind not in ChangeKind.values:
        return [_("%(prefix)s: hình thức sắp xếp “%(kind)s” không có.") % {"prefix": prefix, "kind": kind}]
    olds, targets = step.get("olds") or [], step.get("targets") or []
    if not olds:
        errors.append(_("%(prefix)s: chưa chọn đơn vị cũ.") % {"prefix": prefix})
    if kind != ChangeKind.MERGE and len(olds) > 1:
        errors.append(_("%(prefix)s: chỉ hợp nhất mới gộp nhiều đơn vị cũ.") % {"prefix": prefix})
    low, high = TARGET_COUNT[ChangeKind(kind)]
    if len(targets) < low or (high is not None and len(targets) > high):
        errors.append(
            {
                ChangeKind.SPLIT: _("%(prefix)s: chia tách phải có ít nhất hai đơn vị mới."),
                ChangeKind.DISSOLVE: _("%(prefix)s: giải thể chỉ chuyển mô hình cho nhiều nhất một đơn vị."),
            }.get(kind, _("%(prefix)s: phải có đúng một đơn vị kế thừa."))
            % {"prefix": prefix}
        )
    for ref in targets:
        if "new" in ref and ref["new"] not in new_units:
            errors.append(
                _("%(prefix)s: đơn vị mới “%(ref)s” chưa được khai báo.")
                % {"prefix": prefix, "ref": ref["new"]}
            )
    for pk in olds:
        unit = units.get(pk)
        if unit is None:
            errors.append(_("%(prefix)s: không có đơn vị mã số %(pk)s.") % {"prefix": prefix, "pk": pk})
            continue
        if not lineage.is_open(unit, lineage.day_before(day)):
            errors.append(
                _("%(prefix)s: “%(unit)s” không còn hoạt động ngày %(day)s, không sắp xếp được nữa.")
                % {"prefix": prefix, "unit": unit.name, "day": f"{lineage.day_before(day):%d/%m/%Y}"}
            )
        for ref in targets:
            target = units.get(ref.get("unit"))
            if target is None:
                continue
            if target.pk == unit.pk:
                errors.append(
                    _("%(prefix)s: “%(unit)s” không thể kế thừa chính nó.")
                    % {"prefix": prefix, "unit": unit.name}
                )
            elif target.path.startswith(unit.path):
                errors.append(
                    _("%(prefix)s: “%(target)s” trực thuộc “%(unit)s”, không kế thừa được đơn vị cấp trên.")
                    % {"prefix": prefix, "target": target.name, "unit": unit.name}
                )
            elif unit.pk in before.get(target.pk, ()):
                errors.append(
                    _("%(prefix)s: “%(target)s” đã kế thừa từ “%(unit)s”: lịch sử sẽ thành vòng lặp.")
                    % {"prefix": prefix, "target": target.name, "unit": unit.name}
                )
            elif not lineage.is_open(target, day):
                errors.append(
                    _("%(prefix)s: “%(target)s” không hoạt động ngày %(day)s nên không kế thừa được.")
                    % {"prefix": prefix, "target": target.name, "day": f"{day:%d/%m/%Y}"}
                )
    return errors


def _check_new_units(new_units, units, closing, day):
    errors = []
    codes = [spec.get("code") for spec in new_units.values() if spec.get("code")]
    taken = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    for ref, spec in new_units.items():
        name = (spec.get("name") or "").strip()
        label = name or ref
        if not name:
            errors.append(_("Đơn vị mới “%(ref)s”: chưa có tên.") % {"ref": ref})
        if spec.get("unit_type") not in UnitType.values:
            errors.append(_("Đơn vị mới “%(unit)s”: loại đơn vị không hợp lệ.") % {"unit": label})
        code = spec.get("code")
        if code and (code in taken or codes.count(code) > 1):
            errors.append(
                _("Đơn vị mới “%(unit)s”: mã “%(code)s” đã được dùng.") % {"unit": label, "code": code}
            )
        parent = spec.get("parent") or {}
        if "new" in parent:
            if parent["new"] not in new_units or parent["new"] == ref:
                errors.append(_("Đơn vị mới “%(unit)s”: đơn vị cấp trên không hợp lệ.") % {"unit": label})
        elif "unit" in parent:
            above = units.get(parent["unit"])
            if above is None or not lineage.is_open(above, day) or above.pk in closing:
                errors.append(
                    _("Đơn vị mới “%(unit)s”: đơn vị cấp trên phải còn hoạt động từ ngày %(day)s.")
                    % {"unit": label, "day": f"{day:%d/%m/%Y}"}
                )
        else:
            errors.append(_("Đơn vị mới “%(unit)s”: chưa chọn đơn vị cấp trên.") % {"unit": label})
    return errors


def _check_records_after(units, closing, day):
    """A unit cannot close before its last registration or decision (its subtree's included).

    Grouped by unit in a few queries, then summed up each old unit's subtree in memory: a
    reform closes thousands of units at once.
    """
    olds = {units[pk].path: pk for pk in closing if pk in units}
    under = _subtrees(olds)
    last_day, last_year, last_decision = {}, {}, {}

    def raise_to(latest, pk, value):
        for old in under[pk]:
            if value is not None and (old not in latest or latest[old] < value):
                latest[old] = value

    for chunk in batched(under, CHUNK):
        for row in (
            Registration.objects.alive()
            .filter(unit_id__in=chunk)
            .order_by()
            .values("unit_id")
            .annotate(day=Max("registered_on"), year=Max("year"))
        ):
            raise_to(last_day, row["unit_id"], row["day"])
            raise_to(last_year, row["unit_id"], row["year"])
        for row in (
            Decision.objects.alive()
            .filter(issuing_unit_id__in=chunk)
            .order_by()
            .values("issuing_unit_id")
            .annotate(day=Max("signed_on"))
        ):
            raise_to(last_decision, row["issuing_unit_id"], row["day"])
    errors = []
    for pk in closing:
        if pk not in units:
            continue
        name, last = units[pk].name, last_day.get(pk)
        if (last and last >= day) or last_year.get(pk, 0) > day.year:
            errors.append(
                _("“%(unit)s” còn đăng ký mô hình ngày %(last)s, sau ngày có hiệu lực %(day)s.")
                % {"unit": name, "last": f"{last:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
            )
        if last_decision.get(pk) and last_decision[pk] >= day:
            errors.append(
                _("“%(unit)s” còn quyết định ký ngày %(last)s, sau ngày có hiệu lực %(day)s.")
                % {"unit": name, "last": f"{last_decision[pk]:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
            )
    return errors


def _subtrees(olds):
    """Return {pk: [the ids of ``olds`` it is in]} for every unit under (or one of) ``olds`` ({path: pk}).

    The units' paths are read once and matched in memory, prefix by prefix: a filter with one
    ``LIKE`` per old unit would scan the tree once per old unit.
    """
    if not olds:
        return {}
    step = Unit.steplen
    shortest = min(map(len, olds))
    prefixes = {path[:shortest] for path in olds}
    inside = Q(pk__in=[])
    if len(prefixes) <= 100:
        for prefix in prefixes:
            inside |= Q(path__startswith=prefix)
    else:
        inside = Q()
    under = {}
    for pk, path in Unit.objects.filter(inside).order_by().values_list("pk", "path"):
        containing = [olds[path[:end]] for end in range(step, len(path) + 1, step) if path[:end] in olds]
        if containing:
            under[pk] = containing
    return under


# ---------------------------------------------------------------------------------------------
# Applying


def _closing_units(plan, day):
    """The old units of the plan and their subtrees still open the day before: {pk: unit}."""
    olds = Unit.objects.filter(pk__in=[pk for step in plan["steps"] for pk in step["olds"]])
    under = _subtrees(dict(olds.values_list("path", "pk")))
    closing = {}
    for chunk in batched(sorted(under), CHUNK):
        for unit in Unit.objects.filter(pk__in=chunk).open_on(lineage.day_before(day)):
            closing[unit.pk] = unit
    return closing


def _open_initiatives(unit_ids, day):
    """The alive models of ``unit_ids`` registered in the reorganisation's year or the year before."""
    recent = Registration.objects.filter(year__gte=day.year - OPEN_YEARS + 1, is_deleted=False)
    return Initiative.objects.alive().filter(unit_id__in=unit_ids, pk__in=recent.values("initiative_id"))


def _set_valid_to(user, units, reason):
    """Save the new ``valid_to`` of ``units`` (instances, already set) in bulk, with a history row each."""
    by_day = defaultdict(list)
    for unit in units:
        by_day[unit.valid_to].append(unit.pk)
    for valid_to, pks in by_day.items():
        for chunk in batched(pks, CHUNK):
            Unit.objects.filter(pk__in=chunk).update(valid_to=valid_to)
    Unit.history.bulk_history_create(
        units, update=True, default_user=user, default_change_reason=reason, batch_size=CHUNK
    )


@transaction.atomic
def apply(*, user, reorganisation: Reorganisation) -> Reorganisation:
    """Apply a checked plan in one transaction; raise PlanError (nothing written) when it cannot be."""
    started = time.perf_counter()
    lock_rows(Reorganisation, [reorganisation.pk])
    reorganisation.refresh_from_db()
    errors = check(reorganisation)
    if errors:
        raise PlanError(errors)
    plan, day = reorganisation.plan, reorganisation.effective_on
    closing = _closing_units(plan, day)
    new_ids = _create_units(user, plan.get("new_units") or {}, day)

    def target_id(ref):
        return ref["unit"] if "unit" in ref else new_ids[ref["new"]]

    closed_before = {}
    for unit in closing.values():
        closed_before[unit.pk] = unit.valid_to.isoformat() if unit.valid_to else None
        unit.valid_to = lineage.day_before(day)
    _set_valid_to(user, list(closing.values()), str(reorganisation))
    links, transfers = [], []
    for step in plan["steps"]:
        targets = [target_id(ref) for ref in step["targets"]]
        for pk in step["olds"]:
            links += [
                Lineage(
                    reorganisation=reorganisation,
                    kind=step["kind"],
                    predecessor_id=pk,
                    successor_id=successor,
                    effective_on=day,
                    is_main=index == 0,
                )
                for index, successor in enumerate(targets or [None])
            ]
        if targets:  # the main successor, shown on the unit's page and used by the import
            Unit.objects.filter(pk__in=step["olds"]).update(successor_id=targets[0])
        transfers += [
            Transfer(
                reorganisation=reorganisation,
                initiative_id=int(initiative),
                from_unit_id=step["olds"][0],
                to_unit_id=targets[int(index)],
            )
            for initiative, index in (step.get("assign") or {}).items()
        ]
    Lineage.objects.bulk_create(links, batch_size=CHUNK)
    Transfer.objects.bulk_create(transfers, batch_size=CHUNK)
    reorganisation.status = ReorganisationStatus.APPLIED
    reorganisation.applied_at, reorganisation.applied_by = timezone.now(), user
    reorganisation.plan = {
        **plan,
        "applied": {
            "new_units": new_ids,
            "closed_before": {str(pk): value for pk, value in closed_before.items()},
            "memberships": [],
        },
    }
    reorganisation.save()
    # Models and staff go to the units open on the effective date; the registrations' carriers
    # are those of today (the same units, unless a later reorganisation was recorded before).
    then = lineage.Lineages(day)
    _moved, renamed = _transfer_initiatives(user, reorganisation, closing, then, day)
    reorganisation.plan["applied"]["renamed"] = renamed
    carried = {pk for step in plan["steps"] if step["targets"] for pk in step["olds"]}
    reorganisation.plan["applied"]["memberships"] = _carry_memberships(user, carried, then)
    # With the units closed now, those they carried on from earlier reorganisations.
    recarry(set(closing) | _carried_by(closing))
    # The figures above every closed and new unit count them (their rows, "x/y").
    tally.renew_above(set(closing) | set(new_ids.values()))
    # How long it took, for the administrator (and the benchmark): a reform takes minutes.
    reorganisation.plan["applied"]["seconds"] = round(time.perf_counter() - started, 1)
    reorganisation.save(update_fields=["plan"])
    return reorganisation


def _create_units(user, specs, day):
    """Create the plan's new units, parents first. Returns {ref: pk}."""
    from .services import unit_create

    created, pending = {}, dict(specs)
    while pending:
        ready = {
            ref: spec
            for ref, spec in pending.items()
            if "unit" in spec["parent"] or spec["parent"]["new"] in created
        }
        if not ready:
            raise PlanError([_("Các đơn vị mới lấy nhau làm cấp trên thành vòng lặp.")])
        for ref, spec in ready.items():
            parent_ref = spec["parent"]
            parent = Unit.objects.get(
                pk=parent_ref["unit"] if "unit" in parent_ref else created[parent_ref["new"]]
            )
            unit = Unit(
                name=spec["name"].strip(),
                short_name=spec.get("short_name", ""),
                unit_type=spec["unit_type"],
                code=spec.get("code", ""),
                valid_from=day,
            )
            created[ref] = unit_create(user=user, parent=parent, unit=unit, replacing=True).pk
            del pending[ref]
    return created


def _transfer_initiatives(user, reorganisation, closing, found, day):
    """Hand each open model of a closed unit to the unit that carries it on."""
    assigned = dict(
        Transfer.objects.filter(reorganisation=reorganisation).values_list("initiative_id", "to_unit_id")
    )
    names = dict(Unit.objects.values_list("pk", "search_name").filter(pk__in=set(found.units)))
    moved, transfers = [], []
    for chunk in batched(sorted(closing), CHUNK):
        moved += _open_initiatives(chunk, day).select_for_update(of=("self",)).order_by("pk")
    moved.sort(key=lambda initiative: initiative.pk)
    destinations = {initiative.pk: found.carrier(initiative.unit_id, initiative.pk) for initiative in moved}
    taken = _names_in({to for to in destinations.values() if to is not None})
    carried, renamed = [], {}
    for initiative in moved:
        to_unit = destinations[initiative.pk]
        if to_unit is None or to_unit == initiative.unit_id:
            continue
        # Two merged units often ran models of the same name: the import tells models apart
        # by unit and name, so the one that arrives second says where it comes from.
        name = initiative.name
        if fold(name) in taken[to_unit]:
            name = _distinct_name(name, place_label(closing[initiative.unit_id].name), taken[to_unit])
            renamed[str(initiative.pk)] = initiative.name
            initiative.name = name
        taken[to_unit].add(fold(name))
        if initiative.pk not in assigned:
            transfers.append(
                Transfer(
                    reorganisation=reorganisation,
                    initiative=initiative,
                    from_unit_id=initiative.unit_id,
                    to_unit_id=to_unit,
                )
            )
        else:
            Transfer.objects.filter(reorganisation=reorganisation, initiative=initiative).update(
                from_unit_id=initiative.unit_id, to_unit_id=to_unit
            )
        initiative.unit_id = to_unit
        initiative.search_text = initiative_search_text(
            initiative.name, initiative.person_name, initiative.address, names.get(to_unit, "")
        )
        carried.append(initiative)
    Transfer.objects.bulk_create(transfers, batch_size=CHUNK)
    _save_moved(user, carried, str(reorganisation))
    return carried, renamed


def _names_in(unit_ids):
    """Return {unit: folded names of its alive models} for ``unit_ids``."""
    taken = defaultdict(set)
    for chunk in batched(sorted(unit_ids), CHUNK):
        for unit, name in Initiative.objects.alive().filter(unit_id__in=chunk).values_list("unit_id", "name"):
            taken[unit].add(fold(name))
    return taken


def _distinct_name(name, place, taken):
    """Return ``name`` with its former place added, “(xã Phương Linh cũ)”, unique among ``taken``."""
    limit = Initiative._meta.get_field("name").max_length
    for number in range(1, 1000):
        suffix = f" ({place} cũ)" if number == 1 else f" ({place} cũ, {number})"
        candidate = name[: limit - len(suffix)] + suffix
        if fold(candidate) not in taken:
            return candidate
    return name


def _save_moved(user, initiatives, reason):
    """Save the new units of ``initiatives`` in bulk, with one history row each (thousands in 2025)."""
    now = timezone.now()
    for initiative in initiatives:
        initiative.updated_at = now
    Initiative.objects.bulk_update(
        initiatives, ["unit", "name", "search_text", "updated_at"], batch_size=1000
    )
    Initiative.history.bulk_history_create(
        initiatives, update=True, default_user=user, default_change_reason=reason, batch_size=1000
    )


def _carry_memberships(user, closing, found):
    """Move the memberships of ``closing`` to the units that carry them on, with the same role.

    Only the old units the plan names with a successor: the staff of a cell closed with its
    commune, or of a district abolished without one, keep their unit as it was (and read its
    history) rather than being given a whole new commune or province.
    """
    from .choices import Role

    rank = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}
    carried = []
    for membership in Membership.objects.filter(unit_id__in=closing).order_by("pk"):
        target = found.carrier(membership.unit_id)
        if target is None:
            continue
        existing = Membership.objects.filter(user_id=membership.user_id, unit_id=target).first()
        record = {
            "user": membership.user_id,
            "from": membership.unit_id,
            "to": target,
            "role": membership.role,
            "created": None,
            "raised_from": None,
        }
        if existing is None:
            new = Membership(user_id=membership.user_id, unit_id=target, role=membership.role)
            new._history_user = user
            new.save()
            record["created"] = new.pk
        elif rank[Role(existing.role)] < rank[Role(membership.role)]:
            record["raised_from"] = existing.role
            existing.role = membership.role
            existing._history_user = user
            existing.save(update_fields=["role"])
        membership._history_user = user
        membership.delete()
        carried.append(record)
    return carried


def _carried_by(unit_ids):
    """Return the ids of the units whose registrations a unit of ``unit_ids`` carries on now."""
    found = set()
    for chunk in batched(sorted(unit_ids), CHUNK):
        found.update(
            Registration.objects.filter(carrier_id__in=chunk)
            .exclude(unit_id__in=chunk)
            .values_list("unit_id", flat=True)
            .distinct()
            .order_by()
        )
    return found


def recarry(unit_ids, found=None):
    """Recompute the carriers of the registrations of ``unit_ids``, and today's counts above them."""
    tally.current_refresh(lineage.carriers_sync(unit_ids, found))


# ---------------------------------------------------------------------------------------------
# Undoing


def undo_blockers(reorganisation: Reorganisation) -> list[str]:
    """Return why the reorganisation cannot be undone (empty when it can)."""
    if reorganisation.status != ReorganisationStatus.APPLIED:
        return [_("Chỉ hoàn tác được kế hoạch đã thực hiện.")]
    new_ids = list((reorganisation.plan.get("applied") or {}).get("new_units", {}).values())
    errors = []
    inside = Q(pk__in=[])
    for unit in Unit.objects.filter(pk__in=new_ids):
        inside |= Q(path__startswith=unit.path)
    subtree = Unit.objects.filter(inside)
    if Registration.objects.filter(unit__in=subtree).exists():
        errors.append(_("Đã có mô hình đăng ký tại đơn vị mới: không hoàn tác được."))
    if Decision.objects.filter(issuing_unit__in=subtree).exists():
        errors.append(_("Đơn vị mới đã ban hành quyết định: không hoàn tác được."))
    if subtree.exclude(pk__in=new_ids).exists():
        errors.append(_("Đơn vị mới đã có đơn vị trực thuộc được tạo sau: không hoàn tác được."))
    closed = [int(pk) for pk in (reorganisation.plan.get("applied") or {}).get("closed_before", {})]
    # A unit the plan closed, opened or merged into, closed again by a later plan: what the plan
    # carried on is carried on further, and only undoing the later plan first brings it back.
    if (
        Lineage.objects.filter(predecessor__in=[*closed, *new_ids, *_targets(reorganisation)])
        .exclude(reorganisation=reorganisation)
        .exists()
    ):
        errors.append(
            _("Đơn vị của kế hoạch này đã được sắp xếp tiếp ở kế hoạch sau: hãy hoàn tác kế hoạch sau trước.")
        )
    return errors


@transaction.atomic
def undo(*, user, reorganisation: Reorganisation) -> Reorganisation:
    """Undo an applied reorganisation: reopen the old units, take back the models and memberships."""
    lock_rows(Reorganisation, [reorganisation.pk])
    reorganisation.refresh_from_db()
    errors = undo_blockers(reorganisation)
    if errors:
        raise PlanError(errors)
    applied = reorganisation.plan["applied"]
    new_ids = set(applied["new_units"].values())
    names = dict(Unit.objects.values_list("pk", "search_name").filter(pk__in=set(applied["closed_before"])))
    back = []
    renamed = applied.get("renamed", {})
    for transfer in Transfer.objects.filter(reorganisation=reorganisation).select_related("initiative"):
        initiative = transfer.initiative
        if initiative.unit_id != transfer.to_unit_id:
            continue  # moved again since: leave it where it is now
        initiative.name = renamed.get(str(initiative.pk), initiative.name)
        initiative.unit_id = transfer.from_unit_id
        initiative.search_text = initiative_search_text(
            initiative.name, initiative.person_name, initiative.address, names.get(transfer.from_unit_id, "")
        )
        back.append(initiative)
    _save_moved(user, back, _("Hoàn tác: %(plan)s") % {"plan": reorganisation})
    for record in applied.get("memberships", []):
        if record["created"]:
            Membership.objects.filter(pk=record["created"]).delete()
        elif record["raised_from"]:
            Membership.objects.filter(user_id=record["user"], unit_id=record["to"]).update(
                role=record["raised_from"]
            )
        Membership.objects.get_or_create(
            user_id=record["user"], unit_id=record["from"], defaults={"role": record["role"]}
        )
    Transfer.objects.filter(reorganisation=reorganisation).delete()
    old_ids = {int(pk) for pk in applied["closed_before"]}
    Lineage.objects.filter(reorganisation=reorganisation).delete()
    Unit.objects.filter(pk__in=old_ids, successor_id__in=new_ids | _targets(reorganisation)).update(
        successor=None
    )
    reopened = []
    for chunk in batched(sorted(old_ids), CHUNK):
        for unit in Unit.objects.filter(pk__in=chunk):
            valid_to = applied["closed_before"][str(unit.pk)]
            unit.valid_to = datetime.date.fromisoformat(valid_to) if valid_to else None
            reopened.append(unit)
    _set_valid_to(user, reopened, _("Hoàn tác: %(plan)s") % {"plan": reorganisation})
    found = lineage.Lineages()
    touched = set(Registration.objects.filter(carrier_id__in=new_ids).values_list("carrier_id", flat=True))
    # With the reopened units, those whose registrations the plan's units carried on since.
    recarry(old_ids | _carried_by(new_ids | _targets(reorganisation)), found)
    tally.renew_above(old_ids | set(new_ids))
    for unit in Unit.objects.filter(pk__in=new_ids).order_by("-depth"):
        tally.current_refresh({unit.pk} | touched)
        unit._history_user = user
        unit.delete()
    reorganisation.status = ReorganisationStatus.UNDONE
    reorganisation.undone_at, reorganisation.undone_by = timezone.now(), user
    reorganisation.save(update_fields=["status", "undone_at", "undone_by"])
    return reorganisation


def _targets(reorganisation):
    return {
        ref["unit"]
        for step in reorganisation.plan.get("steps", [])
        for ref in step.get("targets", [])
        if "unit" in ref
    }


# ---------------------------------------------------------------------------------------------
# Splits: which part carries each model. The suggestion is the part whose place the model's
# address or name mentions ("thôn Khuổi Chủ" → "Đảng ủy xã Khuổi Chủ").

ORGAN_WORDS = (
    "dang uy",
    "dang bo co so",
    "dang bo",
    "chi bo co so",
    "chi bo",
    "ban dan van",
    "uy ban nhan dan",
)
PLACE_WORDS = (
    "thi tran",
    "thi xa",
    "thanh pho",
    "dac khu",
    "to dan pho",
    "khu pho",
    "xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "thon",
    "ban",
    "bon",
    "ap",
    "khu",
)


COMMITTEE_PLACES = {"huyen uy": "huyện", "tinh uy": "tỉnh", "thanh uy": "thành phố", "thi uy": "thị xã"}


def place_label(name: str) -> str:
    """Return the place a unit's name names, as written: “Đảng ủy xã Khuổi Chủ” → “xã Khuổi Chủ”."""
    key = fold(name)
    # The organ's words fold letter for letter: the original is cut at the same length.
    for word, place in {**COMMITTEE_PLACES, "quan uy": "quận"}.items():
        if key.startswith(word + " "):
            return f"{place} {name[len(word) + 1 :]}"
    for word in ORGAN_WORDS:
        if key.startswith(word + " "):
            return name[len(word) + 1 :]
    return name


def place_name(name: str) -> str:
    """Return the place a unit's name names, folded: “Đảng ủy xã Khuổi Chủ” → “khuoi chu”."""
    key = fold(name)
    for words in (ORGAN_WORDS, PLACE_WORDS):
        for word in words:
            if key.startswith(word + " "):
                key = key[len(word) + 1 :]
                break
    return key


def suggest_part(initiative: Initiative, names: list[str]) -> int:
    """Return the index of the part whose place the model's address or name names (else 0, the main part).

    The longest place named wins, so that “Phong Quang” beats “Quang” when both appear.
    """
    text = f" {fold(' '.join([initiative.address or '', initiative.name or '']))} "
    best, length = 0, 0
    for index, name in enumerate(names):
        place = place_name(name)
        if place and f" {place} " in text and len(place) > length:
            best, length = index, len(place)
    return best


def step_initiatives(step, day):
    """The open models of a step's old units and their subtrees."""
    closing = _closing_units({"steps": [{"olds": step.get("olds") or []}]}, day)
    return _open_initiatives(closing, day).select_related("unit").order_by("unit__path", "name", "pk")


def target_names(step, plan):
    """Return the names of a step's targets, existing or new, in order."""
    new_units = plan.get("new_units") or {}
    units = Unit.objects.in_bulk([ref["unit"] for ref in step.get("targets", []) if "unit" in ref])
    names = []
    for ref in step.get("targets", []):
        if "unit" in ref:
            names.append(units[ref["unit"]].name if ref["unit"] in units else "")
        else:
            names.append((new_units.get(ref.get("new")) or {}).get("name", ""))
    return names


def with_suggestions(step, plan, day):
    """Return a split step with its suggested parts when none were given (other steps as they are)."""
    if step.get("kind") != ChangeKind.SPLIT or "assign" in step:
        return step
    names = target_names(step, plan)
    assign = {}
    for initiative in step_initiatives(step, day):
        part = suggest_part(initiative, names)
        if part:
            assign[str(initiative.pk)] = part
    return {**step, "assign": assign}


def split_models(reorganisation: Reorganisation, number: int) -> list[dict]:
    """Return the open models of split step ``number``: initiative, part chosen, part suggested."""
    plan = reorganisation.plan or {}
    step = (plan.get("steps") or [])[number - 1]
    names = target_names(step, plan)
    assign = step.get("assign") or {}
    rows = []
    for initiative in step_initiatives(step, reorganisation.effective_on):
        rows.append(
            {
                "initiative": initiative,
                "part": int(assign.get(str(initiative.pk), 0)),
                "suggested": suggest_part(initiative, names),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Preview: what applying the plan does, computed in memory from the plan; nothing is written

MODELS_SHOWN = 500
PREVIEW = -1  # the reorganisation id of the simulated lineage rows


@dataclass
class Preview:
    """What a plan does (or, once applied, did), for its page.

    Places are dicts {"name", "unit" (a Unit, or None for a unit still to be created), "is_new"}.
    """

    year: int  # the last full year before the plan: its figures, in today's structure
    steps: list = field(default_factory=list)  # {"number", "kind", "label", "olds", "targets", "assigned"}
    closing: list = field(default_factory=list)  # {"unit", "subtree": [Unit]}
    opening: list = field(default_factory=list)  # {"place", "unit_type", "code", "parent"}
    models: list = field(default_factory=list)  # {"initiative", "from", "to", "assigned"}
    models_count: int = 0
    memberships: list = field(default_factory=list)  # {"user", "role", "from", "to"}
    figures: list = field(default_factory=list)  # {"place", "count"}


def preview(reorganisation: Reorganisation) -> Preview:
    """Return what applying the plan would do; for an applied plan, what it did. Read-only."""
    if reorganisation.status == ReorganisationStatus.APPLIED:
        return _preview_applied(reorganisation)
    return _preview_plan(reorganisation)


def _grouped(olds, closed):
    """[{"unit": old, "subtree": [closed units under it]}] for the old units, in their order."""
    by_path = {unit.path: {"unit": unit, "subtree": []} for unit in olds}
    for unit in sorted(closed, key=lambda unit: unit.path):
        for end in range(Unit.steplen, len(unit.path), Unit.steplen):
            if unit.path[:end] in by_path:
                by_path[unit.path[:end]]["subtree"].append(unit)
                break
    return list(by_path.values())


def step_fingerprint(step) -> str:
    """Return a short fingerprint of a step, for a form that must act on the step it showed."""
    return hashlib.sha256(json.dumps(step, sort_keys=True).encode()).hexdigest()[:16]


def _steps(plan, place_of_ref):
    rows = []
    for number, step in enumerate(plan.get("steps") or [], start=1):
        kind = step.get("kind")
        rows.append(
            {
                "number": number,
                "kind": kind,
                "label": ChangeKind(kind).label if kind in ChangeKind.values else kind,
                "olds": [place_of_ref({"unit": pk}) for pk in step.get("olds") or []],
                "targets": [place_of_ref(ref) for ref in step.get("targets") or []],
                "assigned": len(step.get("assign") or {}),
                "fingerprint": step_fingerprint(step),
            }
        )
    return rows


def _preview_plan(reorganisation):
    plan, day = reorganisation.plan or {}, reorganisation.effective_on
    steps, specs = plan.get("steps") or [], plan.get("new_units") or {}
    result = Preview(year=day.year - 1)
    closing = _closing_units({"steps": [{"olds": step.get("olds") or []} for step in steps]}, day)

    # The lineage as it would be: the old units closed the day before, the new units open,
    # the plan's lineage rows and assignments added to those already recorded.
    found = lineage.Lineages(day=max(lineage.today(), day))
    for pk in closing:
        found.units[pk] = {**found.units[pk], "valid_to": lineage.day_before(day)}
    for ref in specs:
        found.units[("new", ref)] = {"path": "", "valid_from": day, "valid_to": None}

    def key(ref):
        if ref.get("unit") in found.units:
            return ref["unit"]
        if ref.get("new") in specs:
            return ("new", ref["new"])
        return None

    assigned = set()
    for step in steps:
        targets = [key(ref) for ref in step.get("targets") or []]
        successors = [target for target in targets if target is not None] or [None]
        for pk in step.get("olds") or []:
            if pk in closing:
                found.links[pk] = [
                    {
                        "predecessor_id": pk,
                        "successor_id": successor,
                        "is_main": index == 0,
                        "reorganisation_id": PREVIEW,
                    }
                    for index, successor in enumerate(successors)
                ]
        for initiative, index in (step.get("assign") or {}).items():
            if 0 <= int(index) < len(targets) and targets[int(index)] is not None:
                found.transfers[(PREVIEW, int(initiative))] = targets[int(index)]
                assigned.add(int(initiative))

    def carrier(pk, initiative_id=None):
        try:
            return found.carrier(pk, initiative_id)
        except lineage.LineageError:  # a plan that loops; the check says so
            return None

    moves = [
        (initiative, carrier(initiative.unit_id, initiative.pk))
        for initiative in _open_initiatives(closing, day)
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    ]
    memberships = [
        (membership, carrier(membership.unit_id))
        for membership in Membership.objects.filter(unit_id__in=closing)
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    ]
    targets = list(dict.fromkeys(key(ref) for step in steps for ref in step.get("targets") or []))
    targets = [target for target in targets if target is not None]
    counts = Counter(
        carrier(unit_id, initiative_id)
        for unit_id, initiative_id in Registration.objects.alive()
        .filter(year=day.year - 1, carrier_id__in=set(closing) | {t for t in targets if isinstance(t, int)})
        .values_list("unit_id", "initiative_id")
    )

    ids = {k for k in targets if isinstance(k, int)} | {to for _i, to in moves if isinstance(to, int)}
    ids |= {to for _m, to in memberships if isinstance(to, int)} | plan_unit_ids(plan)
    units = Unit.objects.in_bulk(ids)

    def place(k):
        if k is None:
            return None
        if isinstance(k, tuple):
            return {"name": specs[k[1]].get("name") or k[1], "unit": None, "is_new": True}
        unit = units.get(k)
        return {"name": unit.name if unit else str(k), "unit": unit, "is_new": False}

    result.steps = _steps(
        plan, lambda ref: place(key(ref)) or {"name": _("(không có)"), "unit": None, "is_new": False}
    )
    olds = [units[pk] for step in steps for pk in step.get("olds") or [] if pk in units]
    result.closing = _grouped(
        olds, [unit for pk, unit in closing.items() if unit.path not in {o.path for o in olds}]
    )
    for ref, spec in specs.items():
        result.opening.append(
            {
                "place": place(("new", ref)),
                "unit_type": UnitType(spec["unit_type"]).label
                if spec.get("unit_type") in UnitType.values
                else "",
                "code": spec.get("code", ""),
                "parent": place(key(spec.get("parent") or {})),
            }
        )
    result.models_count = len(moves)
    result.models = [
        {
            "initiative": initiative,
            "from": {"name": initiative.unit.name, "unit": initiative.unit, "is_new": False},
            "to": place(to) if to != initiative.unit_id else None,
            "assigned": initiative.pk in assigned,
        }
        for initiative, to in moves[:MODELS_SHOWN]
    ]
    result.memberships = [
        {
            "user": membership.user,
            "role": membership.get_role_display(),
            "from": membership.unit,
            "to": place(to),
        }
        for membership, to in memberships
    ]
    result.figures = [{"place": place(target), "count": counts.get(target, 0)} for target in targets]
    return result


def _preview_applied(reorganisation):
    plan, day = reorganisation.plan or {}, reorganisation.effective_on
    applied = plan.get("applied") or {}
    result = Preview(year=day.year - 1)
    rows = list(
        Lineage.objects.filter(reorganisation=reorganisation)
        .select_related("predecessor", "successor")
        .order_by("pk")
    )
    new_ids = applied.get("new_units") or {}
    olds = list({row.predecessor_id: row.predecessor for row in rows}.values())
    closed = Unit.objects.in_bulk([int(pk) for pk in applied.get("closed_before") or {}])
    result.closing = _grouped(olds, [unit for unit in closed.values() if unit.pk not in {o.pk for o in olds}])
    new_units = Unit.objects.in_bulk(new_ids.values())
    parents = {
        unit.path: unit
        for unit in Unit.objects.filter(path__in=[unit.path[: -Unit.steplen] for unit in new_units.values()])
    }
    units = Unit.objects.in_bulk(plan_unit_ids(plan))
    units.update(new_units)

    def place(unit):
        return None if unit is None else {"name": unit.name, "unit": unit, "is_new": unit.pk in new_units}

    def place_of_ref(ref):
        pk = ref["unit"] if "unit" in ref else new_ids.get(ref.get("new"))
        return place(units.get(pk)) or {"name": str(ref.get("new") or pk), "unit": None, "is_new": False}

    result.steps = _steps(plan, place_of_ref)
    for unit in sorted(new_units.values(), key=lambda unit: unit.path):
        result.opening.append(
            {
                "place": place(unit),
                "unit_type": unit.get_unit_type_display(),
                "code": unit.code,
                "parent": place(parents.get(unit.path[: -Unit.steplen])),
            }
        )
    transfers = Transfer.objects.filter(reorganisation=reorganisation).select_related(
        "initiative", "from_unit", "to_unit"
    )
    transfers = list(transfers.order_by("from_unit__path", "initiative__name", "pk"))
    result.models_count = len(transfers)
    assigned = {int(pk) for step in plan.get("steps") or [] for pk in step.get("assign") or {}}
    result.models = [
        {
            "initiative": transfer.initiative,
            "from": place(transfer.from_unit),
            "to": place(transfer.to_unit),
            "assigned": transfer.initiative_id in assigned,
        }
        for transfer in transfers[:MODELS_SHOWN]
    ]
    records = applied.get("memberships") or []
    users = get_user_model().objects.in_bulk([record["user"] for record in records])
    places = Unit.objects.in_bulk([pk for record in records for pk in (record["from"], record["to"])])
    result.memberships = [
        {
            "user": users.get(record["user"]),
            "role": Role(record["role"]).label,
            "from": places.get(record["from"]),
            "to": place(places.get(record["to"])),
        }
        for record in records
    ]
    targets = list({row.successor_id: row.successor for row in rows if row.successor_id}.values())
    counts = dict(
        Registration.objects.alive()
        .filter(year=day.year - 1, carrier__in=targets)
        .values_list("carrier_id")
        .annotate(count=Count("pk"))
    )
    result.figures = [{"place": place(target), "count": counts.get(target.pk, 0)} for target in targets]
    return result
