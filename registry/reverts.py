"""Put a field back to the value it had before one change of its history.

The history page offers "Khôi phục giá trị này" beside each field a change set, to the users
who may edit the record. The old value goes through the record's own update service, as an
edit form's would: the same validation, the review's locks, the lost-update guard (the version
the confirmation page showed), the counts kept ready; its history row says it was a revert.

Only the fields an edit form sets can be put back. A unit's end and successors change through
a reorganisation, a registration's review state through the review, the counts with the
registrations: none is offered.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import services
from .choices import Evaluation
from .history import REVERT_REASON
from .models import Campaign, Decision, Field, Initiative, Registration, Unit
from .querysets import CHANGE, MANAGE, VIEW

# The fields each model's edit form sets, in form order (files and link lists left out).
REVERTIBLE = {
    Initiative: (
        "name", "unit", "kind", "person_name", "person_position", "field", "grade", "start_date",
        "address", "situation", "objectives", "content", "scope", "forces", "resources", "outputs",
        "sustainability", "replicates",
    ),
    Registration: (
        "year", "unit", "registered_on", "status", "entered_late", "level", "evaluation",
        "evaluated_on", "evaluation_note", "results", "people_reached", "money_mobilised", "workdays",
    ),
    Decision: (
        "kind", "number", "symbol", "signed_on", "issuing_unit", "issuer_name", "signer_name", "level",
        "award_form", "title",
    ),
    Unit: ("name", "short_name", "unit_type", "code", "valid_from"),
    Campaign: (
        "year", "unit", "title", "reference", "launched_on", "registration_deadline",
        "evaluation_deadline", "unit_types", "review_unit_types", "note",
    ),
}  # fmt: skip

# Who may revert a record: whoever may open its edit form.
ACTION = {Unit: MANAGE}

# Each model's update service, and the keyword it takes the record by.
UPDATE = {
    Initiative: (services.initiative_update, "initiative"),
    Registration: (services.registration_update, "registration"),
    Decision: (services.decision_update, "decision"),
    Unit: (services.unit_update, "unit"),
    Campaign: (services.campaign_update, "campaign"),
}


class NotRevertible(LookupError):
    """The change or the field asked for is not one this record's history can put back."""


def may_revert(model, name):
    """Whether ``name`` is a field of ``model`` that a revert may set."""
    return name in REVERTIBLE.get(model, ())


def editable(user, model):
    """The records of ``model`` that ``user`` may revert (those whose edit form they may open)."""
    queryset = model.objects.restrict(user, ACTION.get(model, CHANGE))
    return queryset.alive() if hasattr(queryset, "alive") else queryset


def find_change(obj, history_id, name):
    """Return (field, old value, the history row) of the change ``history_id`` of ``obj`` to ``name``.

    Raise ``NotRevertible`` when the row is not one of ``obj``'s, the field is not revertible,
    or that row did not change it (a creation, or another field's change).
    """
    model = type(obj)
    if not may_revert(model, name) or not str(history_id).isdigit():
        raise NotRevertible(name)
    f = model._meta.get_field(name)
    rows = model.history.filter(id=obj.pk)
    record = rows.filter(history_id=int(history_id), history_type="~").first()
    if record is None:
        raise NotRevertible(history_id)
    older = (
        rows.filter(history_date__lte=record.history_date)
        .exclude(history_id=record.history_id)
        .exclude(history_date=record.history_date, history_id__gt=record.history_id)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if older is None or getattr(older, f.attname) == getattr(record, f.attname):
        raise NotRevertible(name)
    return f, getattr(older, f.attname), record


def _check_target(user, f, value):
    """Refuse a link to a record the user may no longer choose in the edit form."""
    if not f.is_relation or value is None:
        return
    related = f.related_model
    if related is Unit:
        allowed = Unit.objects.restrict(user, CHANGE)
    elif related is Initiative:
        allowed = Initiative.objects.restrict(user, VIEW).alive()
    elif related is Field:
        allowed = Field.objects.active()
    else:
        allowed = related._default_manager.filter(is_active=True)
    if not allowed.filter(pk=value).exists():
        raise ValidationError(
            {
                f.name: _(
                    "Không thể khôi phục “%(field)s”: giá trị cũ là một mục đã ngừng dùng hoặc nằm ngoài "
                    "phạm vi của bạn."
                )
                % {"field": f.verbose_name}
            }
        )


@transaction.atomic
def history_revert(*, user, obj, history_id, field: str, version: str | None):
    """Set ``field`` of ``obj`` back to its value before the change ``history_id``, through its service.

    ``version``, the one the confirmation page showed, refuses the write over a later change
    (``services.EditConflict``); the service's own refusals (``ValidationError``) save nothing.
    Raise ``NotRevertible`` for a change that is not ``obj``'s or a field that cannot be reverted.
    """
    model = type(obj)
    f, old, _record = find_change(obj, history_id, field)
    _check_target(user, f, old)
    obj = model._base_manager.get(pk=obj.pk)
    setattr(obj, f.attname, old)
    if model is Registration and field == "evaluation" and old == Evaluation.PENDING:
        obj.evaluated_on = None  # as the form does: a registration not evaluated has no evaluation day
    obj._change_reason = REVERT_REASON
    update, keyword = UPDATE[model]
    return update(user=user, version=version, **{keyword: obj})
