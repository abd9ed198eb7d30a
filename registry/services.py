"""Writes that touch several rows or change a state. Each takes the acting user.

Every function validates with ``full_clean()`` before saving and runs in one transaction,
so bad input never leaves a half-saved record. The acting user is written to the history.
Every write that can change a report's count runs inside ``tally.tracking()``, which keeps
the counts kept ready for the reports equal to the live ones.
"""

import datetime
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import lineage, recognition, review, rules, tally
from .choices import RegistrationStatus, ReviewState
from .formats import inner
from .models import (
    Campaign,
    Decision,
    Field,
    Initiative,
    Registration,
    SoftDeletable,
    Unit,
    initiative_search_text,
)
from .querysets import MANAGE
from .scope import scope_of
from .text import fold


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


# Optimistic concurrency: an edit form carries the version of the record it showed (its
# ``updated_at``); the service compares it with the stored one under the record's row lock.


def version_of(obj) -> str:
    """Return the version of a stored record that an edit form carries back: its last change."""
    return obj.updated_at.isoformat() if getattr(obj, "updated_at", None) else ""


def last_editor(obj):
    """Return the user who last changed ``obj`` (from its history), or None when unknown."""
    if hasattr(obj, "updated_by"):
        return obj.updated_by
    history = getattr(obj, "history", None)
    if history is None:
        return None
    record = history.select_related("history_user").order_by("-history_date", "-history_id").first()
    return record.history_user if record else None


class EditConflict(ValidationError):
    """The record changed since its form was opened; nothing was saved.

    ``stored`` is the record as it is now, ``version`` its version: a form that carries it
    saves what the user typed over that change, once the user has seen both.
    """

    def __init__(self, stored):
        self.stored = stored
        self.version = version_of(stored)
        editor = last_editor(stored)
        who = (editor.get_full_name() or editor.get_username()) if editor else _("một người dùng khác")
        when = timezone.localtime(stored.updated_at)
        super().__init__(
            _(
                "%(what)s này đã được %(who)s sửa lúc %(time)s ngày %(day)s, sau khi bạn mở trang: "
                "thay đổi của bạn chưa được lưu. Bên dưới là bản đang lưu và bản bạn vừa nhập; hãy xem "
                "lại, rồi bấm “Lưu” để ghi bản của bạn."
            )
            % {
                "what": capfirst(stored._meta.verbose_name),
                "who": who,
                "time": f"{when:%H:%M}",
                "day": f"{when:%d/%m/%Y}",
            },
            code="edit_conflict",
        )


def check_version(obj, version) -> None:
    """Raise ``EditConflict`` when the stored ``obj`` is no longer at ``version``.

    Call it under the record's row lock (``lock_rows``), so that no other writer changes it
    between the check and the save. ``version`` None: the caller read the record itself.
    """
    if version is None or obj.pk is None:
        return
    stored = type(obj)._base_manager.get(pk=obj.pk)
    if version_of(stored) != version:
        raise EditConflict(stored)


# Idempotent creation: a create form carries a one-time token, stored with the record it
# creates (unique): a double click, or a form sent again, finds the record already made.

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    """Return a one-time token for a form that creates a record (or changes a draft)."""
    return secrets.token_urlsafe(24)


def valid_token(value) -> str:
    """Return ``value`` when it is a form token as ``new_token`` makes them, else ""."""
    value = str(value or "")
    return value if TOKEN.match(value) else ""


def _created_once(obj, token, create):
    """Run ``create()`` (which saves ``obj``) unless a record holds ``token``; return the record.

    The same form sent twice at once: the second insert waits for the first and fails on the
    token's unique constraint, and returns the first one's record. Another unique constraint
    that a concurrent writer won is a ``ValidationError`` saying which, not a server error.
    """
    model = type(obj)
    if token and (existing := model._base_manager.filter(form_token=token).first()):
        return existing
    if token:
        obj.form_token = token
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = model._base_manager.filter(form_token=token).first() if token else None
        if existing is not None:
            return existing
        obj.pk = None
        # The other writer's row is committed now: say which rule it breaks.
        obj.validate_unique()
        obj.validate_constraints()
        raise


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
    token: str = "",
) -> Initiative:
    """Create an initiative together with its first registration for ``year``.

    ``token``, the create form's, makes a form sent twice create one initiative (``_created_once``).
    """
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

    def create():
        _save(initiative, user=user)
        registration_create(user=user, initiative=initiative, registration=registration)
        return initiative

    return _created_once(initiative, token, create)


@transaction.atomic
def registration_create(
    *, user, initiative: Initiative, registration: Registration, token: str = ""
) -> Registration:
    """Register ``initiative`` for the registration's year; status defaults from the year before.

    ``token``, the form's, makes a form sent twice register once: the second gets the first's record.
    """
    lock_rows(Initiative, [initiative.pk])
    if token and (existing := Registration.objects.filter(form_token=token).first()):
        return existing
    registration.initiative = initiative
    registration.initiative_deleted = initiative.is_deleted
    if not registration.status:
        registration.status = registration_default_status(initiative=initiative, year=registration.year)
    registration_validate(registration=registration)
    registration.created_by = user
    registration.carrier = lineage.carrier_of(registration.unit, initiative.pk)
    if not registration.campaign_id:
        review.initial_state(registration)

    def create():
        with tally.tracking({(registration.unit_id, registration.year)}):
            return _save(registration, user=user)

    return _created_once(registration, token, create)


@transaction.atomic
def registration_update(*, user, registration: Registration, version: str | None = None) -> Registration:
    """Save an edited registration (its year or unit may have changed).

    ``version``, the one its form showed, refuses the save when the registration changed since
    (``EditConflict``).
    """
    lock_rows(Registration, [registration.pk])
    check_version(registration, version)
    stored = Registration.objects.filter(pk=registration.pk)
    review.check_editable(user, stored)
    before = stored.get()
    review.check_evaluation(registration, before.evaluation)
    registration_validate(registration=registration)
    if registration.review_state == ReviewState.DRAFT and (
        (before.unit_id, before.year) != (registration.unit_id, registration.year)
    ):
        review.initial_state(registration)  # another unit or year: perhaps another campaign
    registration.carrier = lineage.carrier_of(registration.unit, registration.initiative_id)
    with tally.tracking({(registration.unit_id, registration.year)}, stored=lambda: tally.pairs_of(stored)):
        return _save(registration, user=user)


@transaction.atomic
def initiative_update(*, user, initiative: Initiative, version: str | None = None) -> Initiative:
    """Save an edited initiative; its kind, field or grade count in every year it was registered.

    ``version``, the one its form showed, refuses the save when the initiative changed since
    (``EditConflict``).
    """
    lock_rows(Initiative, [initiative.pk])
    check_version(initiative, version)
    review.check_editable(user, initiative.registrations.all())
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
def decision_create(*, user, decision: Decision, registrations=(), token: str = "") -> Decision:
    """Record a decision and the registrations it covers; a form sent twice records it once (``token``)."""
    decision.created_by = user
    registrations = list(registrations)
    decision_validate(decision=decision, registrations=registrations)

    def create():
        with tally.tracking((), stored=lambda: tally.pairs_of(registrations)):
            _save(decision, user=user)
            if registrations:
                decision.registrations.add(*registrations)
                recognition.refresh([item.pk for item in registrations])
        return decision

    return _created_once(decision, token, create)


@transaction.atomic
def decision_update(*, user, decision: Decision, version: str | None = None) -> Decision:
    """Save an edited decision; its kind and level decide how its registrations count.

    ``version``, the one its form showed, refuses the save when the decision changed since
    (``EditConflict``).
    """
    lock_rows(Decision, [decision.pk])
    check_version(decision, version)
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
        # The history keeps the covered registrations once, at the save below: a copy at each
        # add and remove too would copy every covered row two or three times (10.000 rows each).
        decision.skip_history_when_saving = True
        try:
            if add:
                decision.registrations.add(*add)
            if remove:
                decision.registrations.remove(*remove)
        finally:
            del decision.skip_history_when_saving
        recognition.refresh([item.pk for item in add + remove])
    decision._history_user = user
    decision.save(update_fields=["updated_at"])
    return decision


@transaction.atomic
def soft_delete(*, user, obj: SoftDeletable) -> SoftDeletable:
    """Hide a record; ``restore`` brings it back."""
    if isinstance(obj, Registration):
        review.check_editable(user, Registration.objects.filter(pk=obj.pk))
    elif isinstance(obj, Initiative):
        review.check_editable(user, obj.registrations.all())
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
    """Undo ``soft_delete``; refused when a live record now holds its unique keys (a decision's reference)."""
    if isinstance(obj, Decision):
        obj.is_deleted = False
        obj.validate_constraints()
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
def unit_create(*, user, parent, unit, token: str = "", replacing: bool = False):
    """Add ``unit`` as the last child of ``parent``, or as a top-level unit when ``parent`` is None.

    Only a unit administrator of ``parent`` adds under it, and only a superuser adds a top-level
    unit (``user`` None is the system itself). The unit must fit its parent's time and not take
    the name of a sibling open at the same time (``rules.check_unit_place``); a reorganisation
    passes ``replacing``, since a new unit often takes the name of one it replaces, which closes
    in the same step. The parent is locked: two units added under it at once get two paths.
    ``token``, the form's, makes a form sent twice add one unit.
    """
    if user is not None and parent is None and not user.is_superuser:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thêm đơn vị cấp cao nhất."))
    if user is not None and parent is not None and not scope_of(user).covers(parent, MANAGE):
        raise PermissionDenied(
            _("Bạn không quản trị đơn vị “%(unit)s” nên không thêm đơn vị trực thuộc được.")
            % {"unit": inner(parent.name)}
        )
    rules.check_unit_dates(valid_to=unit.valid_to, successor=unit.successor_id)
    if parent is not None:
        lock_rows(Unit, [parent.pk])
        parent.refresh_from_db()
    if replacing:
        siblings = []
    else:
        siblings = Unit.objects.get_children(parent) if parent is not None else Unit.objects.get_root_nodes()
        # Only those whose name folds alike can share it (``rules.unit_name_key`` then decides).
        siblings = siblings.filter(search_name=fold(unit.name)).only("name", "valid_from", "valid_to")
    rules.check_unit_place(
        parent=parent, name=unit.name, valid_from=unit.valid_from, valid_to=unit.valid_to, siblings=siblings
    )
    unit._history_user = user
    unit.full_clean(exclude=["path", "depth", "numchild"])

    def create():
        if parent is None:
            created = Unit.objects.add_root(instance=unit)
        else:
            parent.refresh_from_db()
            created = Unit.objects.add_child(parent, instance=unit)
        if not replacing:  # a reorganisation renews once, after all its units
            tally.renew_above([created.pk])
        return created

    return _created_once(unit, token, create)


@transaction.atomic
def unit_update(*, user, unit, version: str | None = None):
    """Save an edited unit; a new name is written into the search keys of its initiatives.

    ``version``, the one its form showed, refuses the save when the unit changed since
    (``EditConflict``).
    """
    lock_rows(Unit, [unit.pk])
    check_version(unit, version)
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
    tally.renew_above([unit.pk])  # the cached figures above show its name and type
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
def attachment_create(*, user, initiative: Initiative, attachment, token: str = ""):
    """Attach an uploaded file to ``initiative``; a form sent twice attaches it once (``token``)."""
    attachment.initiative = initiative
    attachment.size = attachment.file.size
    attachment.uploaded_by = user
    return _created_once(attachment, token, lambda: _save(attachment, user=user))


@transaction.atomic
def field_save(*, user, field: Field, version: str | None = None) -> Field:
    """Add a field to the national list or save an edited one (refused if it changed since ``version``).

    Only a superuser may (``registry.views.fields`` says why); ``user`` None is the system itself
    (migrations, the demo loader).
    """
    if user is not None and not user.is_superuser:
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống được thêm, sửa lĩnh vực (danh mục dùng chung toàn quốc).")
        )
    if field.pk is None:
        return _created_once(field, "", lambda: _save(field, user=user))
    lock_rows(Field, [field.pk])
    check_version(field, version)
    return _save(field, user=user)


@transaction.atomic
def award_form_save(*, user, award_form):
    """Add an award form to the national list or save an edited one: superusers only, as fields."""
    if user is not None and not user.is_superuser:
        raise PermissionDenied(
            _("Chỉ quản trị hệ thống được thêm, sửa hình thức khen thưởng (danh mục dùng chung toàn quốc).")
        )
    if award_form.pk is not None:
        lock_rows(type(award_form), [award_form.pk])
    award_form.save()
    return award_form


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
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            # The same account created by another request at the same moment: use it.
            member = User.objects.get(username=username)
    membership = Membership(user=member, unit=unit, role=role)
    return _created_once(membership, "", lambda: _save(membership, user=user))


# Campaigns --------------------------------------------------------------------------------


def campaign_validate(*, campaign: Campaign) -> None:
    """Raise ``ValidationError``, keyed by field, when ``campaign`` breaks ``rules.check_campaign``."""
    rules.check_campaign(
        year=campaign.year,
        unit=campaign.unit if campaign.unit_id else None,
        launched_on=campaign.launched_on,
        registration_deadline=campaign.registration_deadline,
        evaluation_deadline=campaign.evaluation_deadline,
        unit_types=campaign.unit_types or (),
    )


@transaction.atomic
def campaign_create(*, user, campaign: Campaign, token: str = "") -> Campaign:
    """Launch a campaign; a form sent twice launches it once (``token``)."""
    campaign_validate(campaign=campaign)
    campaign.created_by = user
    return _created_once(campaign, token, lambda: _save(campaign, user=user))


@transaction.atomic
def campaign_update(*, user, campaign: Campaign, version: str | None = None) -> Campaign:
    """Save an edited campaign; ``version``, its form's, refuses the save over a later change."""
    lock_rows(Campaign, [campaign.pk])
    check_version(campaign, version)
    campaign_validate(campaign=campaign)
    return _save(campaign, user=user)
