"""Groups of units that compete together (cụm thi đua, khối thi đua): their rules and writes.

A group belongs to an owner unit, which a unit administrator (or a superuser) manages; its
members lie in the owner's subtree and in the administrator's scope, none inside another
(a registration is counted once), at least two of them. The reports count a group as the sum
of its members' subtrees (``reports.groups``). A group is removed for good: it is a definition
of a report, not a record of the movement; its history keeps what it was.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import formats, services
from .models import Unit, UnitGroup
from .models.groups import GROUP_HISTORY
from .querysets import MANAGE
from .scope import scope_of

MIN_MEMBERS = 2


def _name(unit):
    """A unit as the messages name it: a closed one with its last day, told from today's namesake."""
    return formats.until(unit.name, unit.valid_to) if unit.valid_to else unit.name


def group_validate(*, user, group: UnitGroup, members) -> list[Unit]:
    """Check ``group`` and its ``members`` against the rules; return the members in tree order.

    Raise a ``ValidationError`` naming the field of each refusal.
    """
    members = sorted({unit.pk: unit for unit in members}.values(), key=lambda unit: unit.path)
    errors = {}
    try:
        group.full_clean(exclude=["created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    owner = group.owner if group.owner_id else None
    scope = scope_of(user)
    if owner is not None and not scope.covers(owner, MANAGE):
        errors.setdefault("owner", []).append(
            _("Bạn chỉ lập được cụm, khối của đơn vị mình có quyền quản trị.")
        )
    member_errors = []
    if len(members) < MIN_MEMBERS:
        member_errors.append(_("Một cụm, khối phải có ít nhất hai đơn vị thành viên."))
    for unit in members:
        if owner is not None and not unit.path.startswith(owner.path):
            member_errors.append(
                _("“%(unit)s” không thuộc %(owner)s: đơn vị thành viên phải thuộc đơn vị quản lý.")
                % {"unit": _name(unit), "owner": _name(owner)}
            )
        elif not scope.covers(unit, MANAGE):
            member_errors.append(_("“%(unit)s” nằm ngoài phạm vi bạn quản trị.") % {"unit": _name(unit)})
    # In tree order, a unit inside another member comes right after one that holds it.
    for outer, inner in zip(members, members[1:], strict=False):
        if inner.path.startswith(outer.path):
            member_errors.append(
                _(
                    "“%(inner)s” trực thuộc “%(outer)s”: số liệu của đơn vị cấp trên đã gồm đơn vị cấp "
                    "dưới, hãy chỉ chọn một trong hai."
                )
                % {"inner": _name(inner), "outer": _name(outer)}
            )
    if member_errors:
        errors["members"] = member_errors
    if errors:
        raise ValidationError(errors)
    return members


def _save(group, members, *, user, created):
    """Save ``group`` with its members, writing one history row for both."""
    group._history_user = user
    group.skip_history_when_saving = True
    try:
        group.save()
        group.members.set(members)
    finally:
        del group.skip_history_when_saving
    GROUP_HISTORY.create_historical_record(group, "+" if created else "~")
    return group


def group_create(*, user, group: UnitGroup, members, token: str = "") -> UnitGroup:
    """Create a group with its members; the same form sent twice creates it once (``token``)."""
    members = group_validate(user=user, group=group, members=members)
    group.created_by = user

    def create():
        return _save(group, members, user=user, created=True)

    return services._created_once(group, services.valid_token(token), create)


@transaction.atomic
def group_update(*, user, group: UnitGroup, members, version: str | None = None) -> UnitGroup:
    """Save an edited group; refuse it when it changed since ``version`` (its form's)."""
    if not UnitGroup.objects.manageable_by(user).filter(pk=group.pk).exists():
        raise ValidationError(_("Bạn không có quyền sửa cụm, khối này."))
    services.lock_rows(UnitGroup, [group.pk])
    services.check_version(group, version)
    members = group_validate(user=user, group=group, members=members)
    return _save(group, members, user=user, created=False)


@transaction.atomic
def group_delete(*, user, group: UnitGroup) -> None:
    """Remove a group for good (its history keeps it); only its owner's administrators may."""
    if not UnitGroup.objects.manageable_by(user).filter(pk=group.pk).exists():
        raise ValidationError(_("Bạn không có quyền xóa cụm, khối này."))
    group._history_user = user
    group.delete()
