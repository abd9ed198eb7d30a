"""The workbook of a group of units: its summary and its table by member, from ``reports.groups``.

Written with the summary workbook's helpers (``reports.exports``): the same styles, header and
column groups, so that it prints like the unit's workbook.
"""

import tempfile

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import groups, selectors, tables
from .exports import Book, Sheet, party_header, unit_name, unit_rows


def group_workbook(user, group, period, today=None):
    """Return an open temporary file holding the group's workbook for ``period``."""
    today = today or timezone.localdate()
    table = groups.group_unit_table(user, group, period)
    summary = groups.group_summary(user, group, period)
    header = selectors.issuing_header(group.owner)
    # Returned open: the caller streams it and closes it, which deletes it.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    book = Book(output)
    summary_sheet(book, group, period, summary, table, header, today)
    member_sheet(book, group, period, table)
    book.close()
    output.seek(0)
    return output


def _subtitle(group, period, today):
    return _(
        "%(kind)s: %(name)s (%(owner)s). Số liệu như đã báo cáo, trích xuất từ phần mềm ngày %(day)s."
    ) % {
        "kind": group.get_kind_display(),
        "name": group.name,
        "owner": group.owner.name,
        "day": today.strftime("%d/%m/%Y"),
    }


def summary_sheet(book, group, period, summary, table, header, today):
    """Sheet "Tổng hợp": every line of the group's summary, this period against the same period last year."""
    sheet = Sheet(book, _("Tổng hợp"), [6, 44, 14, 14, 14, 12], title_rows="9:9", freeze="C10")
    party_header(sheet, header, today, group.owner.short_name or "......")
    sheet.append()
    title = _("SỐ LIỆU MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” CỦA %(name)s %(period)s") % {
        "name": group.name.upper(),
        "period": period.label.upper(),
    }
    sheet.line(title, "title", height=36)
    sheet.line(_subtitle(group, period, today), "subtitle", height=30)
    sheet.append()
    labels = [
        _("STT"),
        _("Chỉ tiêu"),
        capfirst(period.label),
        _("Cùng kỳ %(period)s") % {"period": period.previous().label},
        _("Tăng, giảm"),
        _("Tỷ lệ tăng, giảm"),
    ]
    sheet.append([sheet.cell(str(label), "th") for label in labels], height=32)
    number = 0
    for line in groups.summary_lines(summary):
        if not line["indented"]:
            number += 1
        label = f"– {line['label']}" if line["indented"] else line["label"]
        sheet.append(
            [
                sheet.cell(number if not line["indented"] else None, "td_center"),
                sheet.cell(label, "td" if line["indented"] else "td_bold"),
                sheet.cell(line["current"], "td_number"),
                sheet.cell(line["previous"], "td_number"),
                sheet.cell(line["change"], "td_signed"),
                sheet.cell(line["percent"] or None, "td_center"),
            ]
        )
    sheet.append()
    sheet.line(groups.participation_text(table, period), "line", height=34)


def member_sheet(book, group, period, table):
    """Sheet "Theo đơn vị thành viên": one row per member (its whole subtree), the total."""
    unit_groups = tables.unit_groups(tables.levels_present(table["total"]["current"]))
    columns = tables.columns_of(unit_groups)
    names = [unit_name(row["unit"]) for row in table["rows"]]
    name_width = min(max([len(name) for name in names] + [28]) * 1.1, 48)
    sheet = Sheet(
        book,
        _("Theo đơn vị thành viên"),
        [6, name_width] + [10] * len(columns),
        title_rows="4:6",
        freeze="C7",
    )
    sheet.line(
        _("MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” THEO ĐƠN VỊ THÀNH VIÊN %(period)s")
        % {"period": period.label.upper()},
        "title",
        height=24,
    )
    sheet.line(group.name, "subtitle")
    sheet.append()
    unit_rows(sheet, unit_groups, columns, table, names)
    sheet.append()
    sheet.line(groups.participation_text(table, period), "line", height=34)
