"""Writes of the reports app: asking for a summary workbook, and the tables of the builder saved by name.

A table is saved for a unit the user may see, private to its author or shared with the unit's
users (everyone whose scope covers the unit); sharing needs the right to change the unit, as
for the list's saved filters. Only its author renames, updates or deletes a table.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry import services
from registry.models import Unit
from registry.querysets import CHANGE
from registry.scope import scope_of
from worker import languages

from . import tasks
from .models import SavedTable, Workbook

# The builder's GET parameters a saved table keeps (the unit is the table's own).
TABLE_PARAMS = (
    *("rows", "rows2", "columns", "measure"),
    *("period", "year", "half", "quarter", "date_from", "date_to", "year_from", "year_to"),
    *("structure", "drafts"),
)
PARAM_MAX = 40


def workbook_request(*, user, root, period) -> Workbook:
    """Ask the task worker for the summary workbook of ``root`` for ``period``.

    The workbooks whose day has passed are deleted first, with their files.
    """
    Workbook.objects.purge_expired()
    workbook = Workbook.objects.create(
        user=user,
        unit=root,
        params=period.form_params(),
        title=f"{root.name}, {period.label} ({period.structure_label.lower()})",
    )
    languages.enqueue(tasks.build_workbook, workbook.pk)
    return workbook


def table_params(params) -> dict:
    """Return the builder's parameters a saved table keeps: known names, short plain values."""
    kept = {}
    for name in TABLE_PARAMS:
        value = params.get(name)
        if value not in (None, ""):
            kept[name] = str(value)[:PARAM_MAX]
    return kept


def _check(table, user):
    if not Unit.objects.restrict(user).filter(pk=table.unit_id).exists():
        raise ValidationError({"unit": _("Bạn chỉ lưu được bảng cho đơn vị mình được xem.")})
    if table.shared and not scope_of(user).covers(table.unit, CHANGE):
        raise ValidationError(
            {
                "shared": _(
                    "Chỉ người có quyền cập nhật đơn vị mới chia sẻ được bảng với người dùng của đơn vị."
                )
            }
        )
    table.full_clean(exclude=["created_by"])


def saved_table_create(*, user, unit, name: str, params, shared=False, token: str = "") -> SavedTable:
    """Save the built table ``params`` under ``name`` for ``unit``, private or shared with its users.

    ``token``, the form's, makes the same form sent twice one table.
    """
    table = SavedTable(
        created_by=user, unit=unit, name=name.strip(), params=table_params(params), shared=bool(shared)
    )
    table._history_user = user
    _check(table, user)

    def create():
        table.save()
        return table

    return services._created_once(table, services.valid_token(token), create)


@transaction.atomic
def saved_table_update(*, user, table: SavedTable, version: str | None = None, params=None) -> SavedTable:
    """Save a renamed (or re-shared) table of ``user``'s, with the builder's new ``params`` if given.

    Refused when it changed since ``version`` (``services.EditConflict``).
    """
    if table.created_by_id != user.pk:
        raise ValidationError(_("Chỉ người lưu bảng mới sửa được bảng này."))
    services.lock_rows(SavedTable, [table.pk])
    services.check_version(table, version)
    table.name = table.name.strip()
    if params is not None:
        table.params = table_params(params)
    table._history_user = user
    _check(table, user)
    table.save()
    return table


@transaction.atomic
def saved_table_delete(*, user, table: SavedTable) -> None:
    """Delete a table of ``user``'s."""
    if table.created_by_id != user.pk:
        raise ValidationError(_("Chỉ người lưu bảng mới xóa được bảng này."))
    table._history_user = user
    table.delete()
