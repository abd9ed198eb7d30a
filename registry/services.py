"""Writes that touch several rows or change a state. Each takes the acting user.

Every function validates with ``full_clean()`` before saving and runs in one transaction,
so bad input never leaves a half-saved record. The acting user is written to the history.
Every write that can change a report's count runs inside ``tally.tracking()``, which keeps
the counts kept ready for the reports equal to the live ones.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import lineage, recognition, rules, tally
from .choices import RegistrationStatus
from .models import Decision, Field, Initiative, Registration, SoftDeletable, Unit, initiative_search_text


def lock_rows(model, pks):
    """Lock rows of ``model`` until the end of the transaction, in ascending order. One query.

    The record a write starts from (an initiative, a decision) is locked before the tally's
    unit locks, always in this order, so that its registrations cannot change while the
    write counts them, and no two writers wait for each other in a circle.
    """
    pks = sorted({pk for pk in pks if pk is not None})
    if pks:
        list(model._base_manager.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))


def _save(obj, *, user):
    obj._history_user = user
    obj.full_clean()
    obj.save()
    return obj


def registrations_sync():
    """Recompute the columns registrations keep from their decisions and initiatives.

    For bulk loads that write around these services (the generators).
    """
    recognition.refresh(Registration.objects.all())
    for deleted in (True, False):
        Registration.objects.filter(initiative__is_deleted=deleted).exclude(
            initiative_deleted=deleted
        ).update(initiative_deleted=deleted)


def _registered_in(*, initiative_id, year, exclude=None) -> bool:
    """Tell whether the initiative has a live registration for ``year`` (other than ``exclude``)."""
    if initiative_id is None:
        return False
    found = Registration.objects.filter(initiative_id=initiative_id, year=year, is_deleted=False)
    return found.exclude(pk=exclude).exists() if exclude else found.exists()


def registration_default_status(*, initiative, year):
    """Return the status a registration of ``year`` takes when none is chosen (``rules.default_status``)."""
    last_year = _registered_in(initiative_id=initiative.pk, year=year - 1)
    return rules.default_status(registered_last_year=last_year)


def registration_validate(*, registration: Registration) -> None:
    """Raise ``ValidationError``, keyed by field, when ``registration`` breaks a rule of ``registry.rules``.

    Its year; its date, within the year's window, not in the future, and not after a decision
    that covers it; its unit, open on that date and in that year; its status, "maintained" only
    after a registration of the year before unless entered late. A blank status stands for the
    default. Forms call it to show the errors on their fields; every write of a registration
    calls it.
    """
    status = registration.status
    last_year = False
    if not status or (status == RegistrationStatus.MAINTAINED and not registration.entered_late):
        last_year = _registered_in(
            initiative_id=registration.initiative_id, year=registration.year - 1, exclude=registration.pk
        )
    decisions = []
    if registration.pk:
        decisions = registration.decisions.alive().only("signed_on", "number", "symbol")
    rules.check_registration(
        year=registration.year,
        registered_on=registration.registered_on,
        unit=registration.unit if registration.unit_id else None,
        status=status or rules.default_status(registered_last_year=last_year),
        entered_late=registration.entered_late,
        registered_last_year=last_year,
        decisions=decisions,
    )


@transaction.atomic
def initiative_create(
    *,
    user,
    initiative: Initiative,
    year: int,
    registered_on: datetime.date,
    level: str,
    status: str = "",
    entered_late: bool = False,
    unit=None,
) -> Initiative:
    """Create an initiative together with its first registration for ``year``."""
    registration = Registration(
        year=year,
        unit=unit or initiative.unit,
        registered_on=registered_on,
        level=level,
        status=status,
        entered_late=entered_late,
    )
    # Checked before the initiative is saved, so that a refused registration leaves nothing behind.
    registration_validate(registration=registration)
    initiative.created_by = user
    _save(initiative, user=user)
    registration_create(user=user, initiative=initiative, registration=registration)
    return initiative


@transaction.atomic
def registration_create(*, user, initiative: Initiative, registration: Registration) -> Registration:
    """Register ``initiative`` for the registration's year; status defaults from the year before."""
    lock_rows(Initiative, [initiative.pk])
    registration.initiative = initiative
    registration.initiative_deleted = initiative.is_deleted
    if not registration.status:
        registration.status = registration_default_status(initiative=initiative, year=registration.year)
    registration_validate(registration=registration)
    registration.created_by = user
    registration.carrier = lineage.carrier_of(registration.unit, initiative.pk)
    with tally.tracking({(registration.unit_id, registration.year)}):
        return _save(registration, user=user)


@transaction.atomic
def registration_update(*, user, registration: Registration) -> Registration:
    """Save an edited registration (its year or unit may have changed)."""
    registration_validate(registration=registration)
    stored = Registration.objects.filter(pk=registration.pk)
    registration.carrier = lineage.carrier_of(registration.unit, registration.initiative_id)
    with tally.tracking({(registration.unit_id, registration.year)}, stored=lambda: tally.pairs_of(stored)):
        return _save(registration, user=user)


@transaction.atomic
def initiative_update(*, user, initiative: Initiative) -> Initiative:
    """Save an edited initiative; its kind, field or grade count in every year it was registered."""
    lock_rows(Initiative, [initiative.pk])
    with tally.tracking((), stored=lambda: tally.pairs_of(initiative.registrations.all())):
        return _save(initiative, user=user)


def _affected_pairs(obj):
    """Lock ``obj`` and return a function giving the (unit, year) pairs whose counts change with its state."""
    if isinstance(obj, Registration):
        return lambda: tally.pairs_of(Registration.objects.filter(pk=obj.pk))
    if isinstance(obj, Initiative | Decision):
        lock_rows(type(obj), [obj.pk])
        return lambda: tally.pairs_of(obj.registrations.all())
    return set


def decision_validate(*, decision: Decision, registrations=None) -> None:
    """Raise ``ValidationError``, keyed by field, when ``decision`` breaks a rule of ``registry.rules``.

    Signed not in the future, by a unit open on that day, and on or after the registration date
    of each live registration it covers: ``registrations``, or else those it covers now.
    """
    if registrations is None:
        registrations = decision.registrations.all() if decision.pk else []
    if isinstance(registrations, models.QuerySet):
        live = registrations.alive().select_related("initiative")
        registrations = live.only("registered_on", "initiative__name")
    else:
        registrations = [r for r in registrations if not r.is_deleted]
    rules.check_decision(
        signed_on=decision.signed_on,
        issuing_unit=decision.issuing_unit if decision.issuing_unit_id else None,
        registrations=registrations,
    )


@transaction.atomic
def decision_create(*, user, decision: Decision, registrations=()) -> Decision:
    """Record a decision and the registrations it covers."""
    decision.created_by = user
    registrations = list(registrations)
    decision_validate(decision=decision, registrations=registrations)
    with tally.tracking((), stored=lambda: tally.pairs_of(registrations)):
        _save(decision, user=user)
        if registrations:
            decision.registrations.add(*registrations)
            recognition.refresh([item.pk for item in registrations])
    return decision


@transaction.atomic
def decision_update(*, user, decision: Decision) -> Decision:
    """Save an edited decision; its kind and level decide how its registrations count."""
    lock_rows(Decision, [decision.pk])
    decision_validate(decision=decision)
    with tally.tracking((), stored=lambda: tally.pairs_of(decision.registrations.all())):
        _save(decision, user=user)
        recognition.refresh(decision.registrations.all())
    return decision


@transaction.atomic
def decision_set_registrations(*, user, decision: Decision, add=(), remove=()) -> Decision:
    """Add and remove covered registrations, recording the change in the decision's history."""
    add, remove = list(add), list(remove)
    lock_rows(Decision, [decision.pk])
    rules.check_decided_after(decision.signed_on, add)
    with tally.tracking((), stored=lambda: tally.pairs_of(add + remove)):
        if add:
            decision.registrations.add(*add)
        if remove:
            decision.registrations.remove(*remove)
        recognition.refresh([item.pk for item in add + remove])
    decision._history_user = user
    decision.save(update_fields=["updated_at"])
    return decision


@transaction.atomic
def soft_delete(*, user, obj: SoftDeletable) -> SoftDeletable:
    """Hide a record; ``restore`` brings it back."""
    obj.is_deleted = True
    obj.deleted_at = timezone.now()
    obj.deleted_by = user
    obj._history_user = user
    with tally.tracking((), stored=_affected_pairs(obj)):
        obj.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
        if isinstance(obj, Decision):
            recognition.refresh(obj.registrations.all())
        if isinstance(obj, Initiative):
            obj.registrations.update(initiative_deleted=obj.is_deleted)
    return obj


@transaction.atomic
def restore(*, user, obj: SoftDeletable) -> SoftDeletable:
    """Undo ``soft_delete``."""
    obj.is_deleted = False
    obj.deleted_at = None
    obj.deleted_by = None
    obj._history_user = user
    with tally.tracking((), stored=_affected_pairs(obj)):
        obj.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
        if isinstance(obj, Decision):
            recognition.refresh(obj.registrations.all())
        if isinstance(obj, Initiative):
            obj.registrations.update(initiative_deleted=obj.is_deleted)
    return obj


@transaction.atomic
def unit_create(*, user, parent, unit):
    """Add ``unit`` as the last child of ``parent`` (the tree computes its path)."""
    rules.check_unit_dates(valid_to=unit.valid_to, successor=unit.successor_id)
    unit._history_user = user
    unit.full_clean(exclude=["path", "depth", "numchild"])
    parent.refresh_from_db()
    return Unit.objects.add_child(parent, instance=unit)


@transaction.atomic
def unit_update(*, user, unit):
    """Save an edited unit; a new name is written into the search keys of its initiatives."""
    stored = Unit.objects.filter(pk=unit.pk).values("name", "valid_to", "successor_id").get()
    if (unit.valid_to, unit.successor_id) != (stored["valid_to"], stored["successor_id"]):
        raise ValidationError(
            _(
                "Ngày thôi hoạt động và đơn vị kế thừa chỉ thay đổi qua kế hoạch sắp xếp tổ chức, "
                "để lịch sử và số liệu theo tổ chức hiện nay đi theo."
            )
        )
    renamed = unit.name != stored["name"]
    unit._history_user = user
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save()
    if renamed:
        batch = []
        for initiative in Initiative.objects.filter(unit=unit).only("name", "person_name", "address"):
            initiative.search_text = initiative_search_text(
                initiative.name, initiative.person_name, initiative.address, unit.search_name
            )
            batch.append(initiative)
        Initiative.objects.bulk_update(batch, ["search_text"], batch_size=1000)
    return unit


@transaction.atomic
def membership_grant(*, user, unit, role, username, full_name="", password=""):
    """Give ``username`` a role in ``unit``, creating the account when it does not exist yet."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    from .models import Membership

    User = get_user_model()
    member = User.objects.filter(username=username).first()
    if member is None:
        if not password:
            raise ValidationError({"password": _("Tài khoản mới cần có mật khẩu.")})
        member = User(username=username, first_name=full_name)
        try:
            validate_password(password, member)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        member.set_password(password)
        member.full_clean()
        member.save()
    membership = Membership(user=member, unit=unit, role=role)
    return _save(membership, user=user)


@transaction.atomic
def field_save(*, user, field: Field) -> Field:
    """Save a field of the national list; only a superuser may (``registry.views.fields`` says why).

    ``user`` None is the system itself (migrations, the demo loader).
    """
    if user is not None and not user.is_superuser:
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống được thêm, sửa lĩnh vực (danh mục dùng chung toàn quốc).")
        )
    return _save(field, user=user)
