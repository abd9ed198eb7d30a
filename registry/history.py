"""The history of the records in words a person would write: what was done, to which field, from what to what.

django-simple-history keeps a row per save. This module names what a row did (created,
changed, deleted to the trash, restored, removed for good), labels each field by its
``verbose_name`` and writes each value as the pages do: the names of users and units, choice
labels, Có/Không, dd/mm/yyyy, 129.000.000 đ. The history page of one record and the change log
across records both read their entries from here.
"""

import datetime
import functools
from dataclasses import dataclass, field
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from . import formats
from .choices import UnitType
from .filters import RegistrationFilterSet
from .lists import COLUMNS_BY_KEY
from .models import (
    Campaign,
    Decision,
    Initiative,
    ListColumns,
    Proposal,
    Registration,
    ReviewStep,
    SavedFilter,
    Unit,
    UnitGroup,
)

# The URL slug of each model with a history page, and the order of the models in the change log.
HISTORY_MODELS = {
    "don-vi": Unit,
    "mo-hinh": Initiative,
    "dang-ky": Registration,
    "quyet-dinh": Decision,
    "dot-thi-dua": Campaign,
    "de-nghi": Proposal,
    "nhom-don-vi": UnitGroup,
    "bo-loc": SavedFilter,
    "cot-danh-sach": ListColumns,
}
SLUG_OF = {model: slug for slug, model in HISTORY_MODELS.items()}

CREATED, CHANGED, DELETED, RESTORED, REMOVED = "created", "changed", "deleted", "restored", "removed"
REVERTED = "reverted"
ACTION_LABELS = {
    CREATED: gettext_lazy("Tạo mới"),
    CHANGED: pgettext_lazy("history", "Sửa"),
    REVERTED: gettext_lazy("Khôi phục giá trị cũ từ lịch sử"),
    DELETED: gettext_lazy("Xóa (chuyển vào mục đã xóa)"),
    RESTORED: pgettext_lazy("history", "Khôi phục"),
    REMOVED: gettext_lazy("Xóa hẳn"),
}
# The trash's own columns: the action says it all (deleted or restored, by whom, when).
TRASH_FIELDS = {"is_deleted", "deleted_at", "deleted_by"}
# Kept by the software, and said by the entry itself (who made the record is who created it).
RECORDED_FIELDS = {"created_by"}
MONEY_FIELDS = {"money_mobilised"}
YEAR_FIELDS = {"year", "first_year", "last_year"}
SAME_WRITE = datetime.timedelta(seconds=5)
# The change reason of a history row that put a field back to an earlier value (``reverts``).
REVERT_REASON = "revert"


def tracked_fields(model):
    """The fields of ``model`` a user sets, in form order, that its history keeps."""
    history = model.history.model
    kept = {f.name for f in history._meta.concrete_fields}
    many = {f.name for f in history._history_m2m_fields}
    return [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.editable
        and not f.primary_key
        and (f.name in kept or f.name in many)
        and f.name not in TRASH_FIELDS
        and f.name not in RECORDED_FIELDS
    ]


def action_of(record, older):
    """Name what the history row ``record`` did, ``older`` being the row before it (or None)."""
    if record.history_type == "+":
        return CREATED
    if record.history_type == "-":
        return REMOVED
    before = getattr(older, "is_deleted", None)
    now = getattr(record, "is_deleted", None)
    deleted_at = getattr(record, "deleted_at", None)
    if older is None and now and deleted_at and abs(deleted_at - record.history_date) < SAME_WRITE:
        return DELETED  # the oldest row kept is the deletion itself (a record entered in bulk)
    if before is False and now is True:
        return DELETED
    if before is True and now is False:
        return RESTORED
    if getattr(record, "history_change_reason", None) == REVERT_REASON:
        return REVERTED
    return CHANGED


@dataclass
class Change:
    name: str
    label: str
    old: str
    new: str
    # The value before the change, as stored; the history page may offer to put it back.
    old_value: object = None
    revert_url: str = ""


@dataclass
class Entry:
    """One history row: who did what, when, and the fields it set."""

    record: object
    model: type
    action: str
    changes: list = field(default_factory=list)
    # The row before it is unknown (beyond what was read, or entered before history was kept).
    first_known: bool = False
    # What the record is: the change log names it, its own history page needs not.
    label: str = ""

    @property
    def action_label(self):
        return ACTION_LABELS[self.action]

    @property
    def moment(self):
        return self.record.history_date

    @property
    def lists_values(self):
        """Whether the entry lists the values it set (a creation) rather than old → new."""
        return self.action == CREATED or self.first_known

    @property
    def kind_label(self):
        return capfirst(self.model._meta.verbose_name)

    @property
    def slug(self):
        return SLUG_OF[self.model]

    @property
    def user_label(self):
        return user_label(self.record.history_user)


@dataclass
class ReviewEntry:
    """A review step of one of an initiative's registrations, read on the initiative's history."""

    step: object
    changes: list
    action: str = "reviewed"
    lists_values = True
    first_known = False

    @property
    def action_label(self):
        return self.step.get_action_display()

    @property
    def moment(self):
        return self.step.at

    @property
    def user_label(self):
        return user_label(self.step.user)


def review_entries(initiative, user, limit=100):
    """The review steps of ``initiative``'s registrations in ``user``'s scope, newest first. One query.

    Each names the year, the unit that acted, the state after it, the unit it waits for or that
    accepted it, and the comment.
    """
    steps = (
        ReviewStep.objects.filter(
            registration__in=Registration.objects.restrict(user).filter(initiative=initiative)
        )
        .select_related("registration", "unit", "reviewer", "user")
        .order_by("-at", "-pk")[:limit]
    )
    labels = {f.name: capfirst(f.verbose_name) for f in ReviewStep._meta.fields}
    entries = []
    for step in steps:
        values = [
            ("year", _("Năm"), str(step.registration.year)),
            ("unit", labels["unit"], step.unit.name),
            ("state", labels["state"], step.get_state_display()),
            ("reviewer", labels["reviewer"], step.reviewer.name if step.reviewer else ""),
            ("comment", labels["comment"], step.comment),
        ]
        changes = [Change(name, label, "", new) for name, label, new in values if new]
        entries.append(ReviewEntry(step, changes))
    return entries


def with_review_steps(entries, initiative, user, limit=100):
    """``entries`` of ``initiative``'s history and its registrations' review steps, newest first."""
    merged = [*entries, *review_entries(initiative, user, limit)]
    merged.sort(key=lambda entry: entry.moment, reverse=True)
    return merged[:limit]


def user_label(user):
    """A user as people know them: full name and login, or the login alone."""
    if user is None:
        return "—"
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def object_label(model, record, initiative_names=None):
    """Name the record a history row is about, from the row itself (the record may have changed since).

    A registration is named by its initiative (``initiative_names``: id to name, those in scope).
    """
    if model is Registration:
        name = (initiative_names or {}).get(record.initiative_id)
        if name:
            return f"{name} ({record.year})"
        return _("Đăng ký năm %(year)s") % {"year": record.year}
    if model is Decision:
        separator = "-" if "/" in record.symbol else "/"
        return _("%(reference)s ngày %(day)s") % {
            "reference": f"{record.number}{separator}{record.symbol}",
            "day": formats.day(record.signed_on),
        }
    if model is Campaign:
        return f"{record.title} ({record.year})"
    if model is Proposal:
        what = record.get_kind_display().lower()
        return _("Đề nghị %(what)s %(reference)s") % {
            "what": what,
            "reference": record.reference or record.year,
        }
    if model is ListColumns:
        return _("Các cột của danh sách mô hình")
    return record.name


def describe(model, pairs, user):
    """Return an Entry for each (record, older) pair, newest first; ``older`` None if unknown.

    Linked records are named in one query per linked model, and only those in ``user``'s scope.
    """
    pairs = list(pairs)
    fields = tracked_fields(model)
    raw = []
    for record, older in pairs:
        action = action_of(record, older)
        if action == CREATED or older is None:
            values = [(f, None, _value(record, f)) for f in fields]
            values = [(f, old, new) for f, old, new in values if new not in (None, "", False, [])]
            raw.append((record, action, values, older is None and action != CREATED))
            continue
        delta = record.diff_against(older, included_fields=[f.name for f in fields])
        by_name = {f.name: f for f in fields}
        values = [(by_name[c.field], c.old, c.new) for c in delta.changes if c.field in by_name]
        values.sort(key=lambda item: fields.index(item[0]))
        raw.append((record, action, values, False))
    names = LinkedNames(
        user, [(f, v) for _record, _action, values, _first in raw for f, *pair in values for v in pair]
    )
    entries = []
    for record, action, values, first_known in raw:
        changes = [
            Change(f.name, str(f.verbose_name), names.display(f, old), names.display(f, new), old)
            for f, old, new in values
        ]
        if action == CREATED or first_known:
            changes = [change for change in changes if change.new != "—"]
        entries.append(Entry(record, model, action, changes, first_known))
    return entries


def object_history(obj, user, limit=100):
    """The entries of ``obj``'s history, newest first, at most ``limit`` (one row more is read)."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    pairs = list(pairwise(records))[:limit]
    if len(records) <= limit and records:
        pairs.append((records[-1], None))
    return describe(type(obj), pairs, user)


def previous_records(model, records):
    """Map each history row's id to the row before it of the same record: two queries."""
    if not records:
        return {}
    history = model.history.model
    before = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    previous = dict(
        history.objects.filter(history_id__in=[r.history_id for r in records])
        .annotate(previous=Subquery(before.order_by("-history_date", "-history_id").values("history_id")[:1]))
        .values_list("history_id", "previous")
    )
    rows = history.objects.in_bulk([pk for pk in previous.values() if pk])
    return {pk: rows.get(previous_pk) for pk, previous_pk in previous.items()}


def _value(record, f):
    if isinstance(f, models.ManyToManyField):
        through = getattr(record, f.name)
        target = f.m2m_reverse_field_name()
        return [{target: pk} for pk in through.values_list(target, flat=True)]
    return getattr(record, f.attname)


class LinkedNames:
    """The names of the records that history values link to, read in one query per model.

    Only the records in the user's scope are named; the others are counted.
    """

    def __init__(self, user, values):
        wanted = {}
        for f, value in values:
            if f.is_relation:
                wanted.setdefault(f.related_model, set()).update(self.linked_ids(f, value))
            elif is_saved_query(f):
                for related, pk in query_links(value):
                    wanted.setdefault(related, set()).add(pk)
        self.names = {}
        for related, ids in wanted.items():
            queryset = related._default_manager.all()
            if hasattr(queryset, "restrict"):
                queryset = queryset.restrict(user)
            if related is Registration:
                queryset = queryset.select_related("initiative")
            if related is get_user_model():
                self.names[related] = {item.pk: user_label(item) for item in queryset.filter(pk__in=ids)}
            else:
                self.names[related] = {item.pk: str(item) for item in queryset.filter(pk__in=ids)}

    @staticmethod
    def linked_ids(f, value):
        if value in (None, ""):
            return []
        if isinstance(f, models.ManyToManyField):
            # simple_history gives the rows of the link table: {"decision": 1, "registration": 7}.
            target = f.m2m_reverse_field_name()
            return [row[target] for row in value or []]
        return [value]

    def display(self, f, value):
        if is_saved_query(f):
            return self.display_query(value)
        if not f.is_relation:
            return display(f, value)
        ids = self.linked_ids(f, value)
        if not ids:
            return "—"
        known = self.names.get(f.related_model, {})
        shown = [known[pk] for pk in ids if pk in known]
        hidden = len(ids) - len(shown)
        if hidden:
            shown.append(
                ngettext("%(count)s mục ngoài phạm vi của bạn", "%(count)s mục ngoài phạm vi của bạn", hidden)
                % {"count": hidden}
            )
        return "; ".join(shown)

    def display_query(self, value):
        """Write a saved filter's query string as the list's filters read: “Năm: 2026; Đơn vị: …”."""
        filters = query_filters()
        shown = []
        for name, item in QueryDict(value or "").items():
            if name not in filters:
                shown.append(f"{name}={item}")
                continue
            label, choices, related = filters[name]
            if related is not None and item.isdigit():
                text = self.names.get(related, {}).get(int(item)) or (
                    ngettext("%(count)s mục ngoài phạm vi của bạn", "%(count)s mục ngoài phạm vi của bạn", 1)
                    % {"count": 1}
                )
            else:
                text = choices.get(item, item)
            shown.append(f"{label}: {text}")
        return "; ".join(shown) or "—"


def is_saved_query(f):
    return f.model is SavedFilter and f.name == "query"


@functools.cache
def query_filters():
    """Each filter of the model list by its name: (label, choices, the model its values are ids of).

    Labels and choices stay lazy: they are written in the reader's language.
    """
    found = {}
    for name, each in RegistrationFilterSet.base_filters.items():
        related = None
        queryset = each.extra.get("queryset")
        if queryset is not None:
            related = (queryset(None) if callable(queryset) else queryset).model
        choices = dict(each.extra.get("choices") or ())
        if each.extra.get("null_label"):
            choices["null"] = each.extra["null_label"]
        found[name] = (each.label or name, choices, related)
    return found


def query_links(value):
    """The (model, id) pairs a saved query string's filters name: its units, fields, groups."""
    filters = query_filters()
    for name, item in QueryDict(value or "").items():
        if name in filters and filters[name][2] is not None and item.isdigit():
            yield filters[name][2], int(item)


def display(f, value):
    """Write a plain field's value as the pages do."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list | tuple):  # a list kept as JSON: the unit types a campaign asks, columns
        if f.model is ListColumns:
            labels = {key: column.label for key, column in COLUMNS_BY_KEY.items()}
        else:
            labels = dict(UnitType.choices)
        return "; ".join(str(labels.get(item, item)) for item in value) or "—"
    choices = dict(getattr(f, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if f.name in MONEY_FIELDS:
        return formats.money(value)
    if f.name in YEAR_FIELDS:
        return str(value)
    if isinstance(f, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return formats.any_value(value)
