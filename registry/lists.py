"""The model list as each user keeps it: the columns shown, and the filters saved by name.

The columns are those the list can show from the rows it already reads (the registration with
its initiative, field and unit): choosing them never adds a query per row. The name of the
model is always the first column, the one a phone card is titled with; the others follow in
the order chosen, and become the card's lines in that order.

A saved filter is a query string of the list, saved by a user under a name, for them alone or
shared with a unit: the users whose scope covers that unit see it. Sharing with a unit needs
the right to change it. Only its owner renames or deletes it. It holds only a query string:
applied, the list still shows each user their own scope.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import formats, services
from .choices import Evaluation, Grade, Kind, Level, RegistrationStatus
from .models import ListColumns, SavedFilter
from .querysets import CHANGE
from .scope import scope_of


@dataclass(frozen=True)
class ListColumn:
    """A column of the model list: its key, header, sort key (if its header sorts) and card class."""

    key: str
    label: str
    sort: str = ""
    card: str = "card-meta"


LIST_COLUMNS = [
    ListColumn("unit", gettext_lazy("Đơn vị đăng ký"), sort="unit", card="card-line"),
    ListColumn("year", gettext_lazy("Năm"), sort="year"),
    ListColumn("kind", gettext_lazy("Loại")),
    ListColumn("status", gettext_lazy("Hình thức")),
    ListColumn("evaluation", gettext_lazy("Đánh giá")),
    ListColumn("recognition", gettext_lazy("Công nhận, khen thưởng")),
    ListColumn("field", gettext_lazy("Lĩnh vực"), card="card-hide"),
    ListColumn("level", gettext_lazy("Cấp đăng ký")),
    ListColumn("grade", gettext_lazy("Xếp loại")),
    ListColumn("registered_on", gettext_lazy("Ngày đăng ký")),
    ListColumn("unit_code", gettext_lazy("Mã đơn vị"), card="card-hide"),
]
COLUMNS_BY_KEY = {column.key: column for column in LIST_COLUMNS}
DEFAULT_COLUMNS = ("unit", "year", "kind", "status", "evaluation", "recognition", "field")
# What a saved filter leaves out of the query string: the page, and a download.
NOT_SAVED = ("page", "export")
NAME_MAX = SavedFilter._meta.get_field("name").max_length
QUERY_MAX = SavedFilter._meta.get_field("query").max_length


def _recognition(registration):
    badges = []
    if registration.recognition_rank:
        badges.append(format_html('<span class="badge text-bg-success">{}</span>', _("Công nhận")))
    if registration.is_commended:
        badges.append(format_html('<span class="badge text-bg-warning">{}</span>', _("Khen thưởng")))
    return mark_safe(" ".join(badges))  # noqa: S308 - each badge is format_html's


def _label(choices):
    """What a row shows for a value of ``choices``: its label (the list's download reads them so)."""

    def text(value):
        try:
            return str(choices(value).label)
        except ValueError:  # not one of the choices: shown as it is stored
            return value or ""

    return text


_kind, _grade, _status = _label(Kind), _label(Grade), _label(RegistrationStatus)
_evaluation, _level = _label(Evaluation), _label(Level)

# What each column shows of a row, from the row and the objects the list joins to it.
CELL_TEXT = {
    "unit": lambda r: r.unit.name,
    "unit_code": lambda r: r.unit.code,
    "year": lambda r: str(r.year),
    "kind": lambda r: _kind(r.initiative.kind),
    "status": lambda r: _status(r.status),
    "evaluation": lambda r: _evaluation(r.evaluation),
    "recognition": _recognition,
    "field": lambda r: r.initiative.field.name if r.initiative.field_id else "",
    "level": lambda r: _level(r.level),
    "grade": lambda r: _grade(r.initiative.grade),
    "registered_on": lambda r: formats.day(r.registered_on) if r.registered_on else "",
}


def cells_html(registration, columns):
    """The cells of ``columns`` for one row of the list, as HTML (one piece: no template per cell)."""
    cells = ((column.card, CELL_TEXT[column.key](registration)) for column in columns)
    return format_html_join("", '<td class="{}">{}</td>', cells)


def row_html(registration, columns, *, can_change, changeable):
    """One row of the model list, as HTML: a template for each of 50 to 100 rows took half the page.

    The box to select it and the phone's edit button only on a row the user may change
    (``changeable``), their cells whenever the list offers changes (``can_change``).
    """
    initiative = registration.initiative
    named = {"name": initiative.name, "year": str(registration.year)}
    mine = registration.pk in changeable
    parts = []
    if can_change:
        box = ""
        if mine:
            box = format_html(
                '<input class="form-check-input" type="checkbox" name="selected" value="{}" form="thao-tac"'
                ' aria-label="{}">',
                str(registration.pk),
                _("Chọn %(name)s (%(year)s)") % named,
            )
        parts.append(format_html('<td class="no-print card-select">{}</td>', box))
    person = ""
    if initiative.person_name:
        position = format_html(", {}", initiative.person_position) if initiative.person_position else ""
        person = format_html(
            '<div class="small text-body-secondary fw-normal">{}{}</div>', initiative.person_name, position
        )
    parts.append(
        format_html(
            '<td class="card-title-cell"><a href="{}">{}</a>{}</td>',
            registration.get_absolute_url(),
            initiative.name,
            person,
        )
    )
    parts.append(cells_html(registration, columns))
    if can_change:
        edit = ""
        if mine:
            edit = format_html(
                '<a class="btn btn-sm btn-outline-secondary" href="{}">{}'
                '<span class="visually-hidden"> {}</span></a>',
                reverse("registry:registration_update", args=[registration.pk]),
                _("Cập nhật, đánh giá"),
                _("%(name)s (%(year)s)") % named,
            )
        parts.append(format_html('<td class="no-print card-actions d-md-none">{}</td>', edit))
    return format_html("<tr>{}</tr>", mark_safe("".join(parts)))  # noqa: S308 - each part is format_html's


def columns_of(user) -> list[ListColumn]:
    """Return the columns ``user`` chose, in their order, or the default ones. One query."""
    chosen = ListColumns.objects.filter(user=user).values_list("columns", flat=True).first()
    keys = [key for key in (chosen or ()) if key in COLUMNS_BY_KEY] or DEFAULT_COLUMNS
    return [COLUMNS_BY_KEY[key] for key in keys]


@transaction.atomic
def list_columns_set(*, user, columns: list[str]) -> ListColumns:
    """Remember the columns ``user`` sees on the model list, in this order (at least one)."""
    keys = list(dict.fromkeys(columns))
    unknown = [key for key in keys if key not in COLUMNS_BY_KEY]
    if unknown:
        raise ValidationError({"columns": _("Không có cột “%(key)s”.") % {"key": unknown[0]}})
    if not keys:
        raise ValidationError({"columns": _("Hãy chọn ít nhất một cột.")})
    chosen = ListColumns.objects.select_for_update().filter(user=user).first()
    if chosen is None:
        try:
            with transaction.atomic():
                return _columns_save(ListColumns(user=user), keys, user)
        except IntegrityError:  # the same user's other request created them meanwhile
            chosen = ListColumns.objects.select_for_update().get(user=user)
    if chosen.columns == keys:
        return chosen  # nothing changed: no history row
    return _columns_save(chosen, keys, user)


def _columns_save(chosen, keys, user):
    chosen.columns = keys
    chosen._history_user = user  # saved through the services, the history says who chose them
    chosen.save()
    return chosen


@transaction.atomic
def list_columns_reset(*, user) -> None:
    """Go back to the default columns of the model list; the history keeps the choice removed."""
    for chosen in ListColumns.objects.select_for_update().filter(user=user):
        chosen._history_user = user
        chosen.delete()


def clean_query(query: str) -> str:
    """Return the list's query string without its page or download."""
    params = QueryDict(query, mutable=True)
    for key in NOT_SAVED:
        params.pop(key, None)
    return params.urlencode()


def _check(saved, user):
    if saved.unit_id is not None and not scope_of(user).covers(saved.unit, CHANGE):
        raise ValidationError({"unit": _("Bạn chỉ chia sẻ được bộ lọc với đơn vị mình có quyền cập nhật.")})
    saved.full_clean(exclude=["user"])


def saved_filter_create(*, user, name: str, query: str, unit=None, token: str = "") -> SavedFilter:
    """Save the list's ``query`` under ``name``, for ``user`` or shared with ``unit``.

    ``token``, the form's, makes the same form sent twice one filter.
    """
    saved = SavedFilter(user=user, name=name.strip(), query=clean_query(query), unit=unit)
    _check(saved, user)

    def create():
        saved._history_user = user
        saved.save()
        return saved

    return services._created_once(saved, services.valid_token(token), create)


@transaction.atomic
def saved_filter_update(*, user, saved: SavedFilter, version: str | None = None) -> SavedFilter:
    """Save a renamed (or re-shared) filter of ``user``'s; refuse it when it changed since ``version``."""
    if saved.user_id != user.pk:
        raise ValidationError(_("Chỉ người lưu bộ lọc mới sửa được bộ lọc này."))
    services.lock_rows(SavedFilter, [saved.pk])
    services.check_version(saved, version)
    saved.name = saved.name.strip()
    _check(saved, user)
    saved._history_user = user
    saved.save()
    return saved


@transaction.atomic
def saved_filter_delete(*, user, saved: SavedFilter) -> None:
    """Delete a filter of ``user``'s."""
    if saved.user_id != user.pk:
        raise ValidationError(_("Chỉ người lưu bộ lọc mới xóa được bộ lọc này."))
    # Deleted one by one (a filter has no trash), so that its history keeps the deletion and who made it.
    for stored in SavedFilter.objects.select_for_update().filter(pk=saved.pk):
        stored._history_user = user
        stored.delete()
