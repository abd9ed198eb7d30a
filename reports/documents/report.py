"""The report draft of a period (.docx): header, title, the figures in sentences, the outstanding
models, the signature place, and the summary tables as an annex (landscape).

The figures come from ``selectors.summary``, ``selectors.unit_table`` and ``selectors.field_table``,
the functions of the report page and the workbook; the tables have the page's columns
(``tables.unit_groups`` / ``tables.field_groups``).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import Grade, Kind

from .. import selectors, tables
from ..exports import unit_name
from . import docx, headers, wording

OUTSTANDING_LIMIT = 300


def outstanding_rows(user, root, period, limit=OUTSTANDING_LIMIT):
    """Return the outstanding (tiêu biểu) models of the report and how many there are. Two queries."""
    qs = selectors.registrations(user, root, period).filter(initiative__grade=Grade.OUTSTANDING)
    rows = list(
        qs.order_by("unit__path", "initiative__name", "pk").values(
            "initiative__name",
            "initiative__kind",
            "initiative__person_name",
            "unit__name",
            "initiative__field__name",
        )[:limit]
    )
    return rows, qs.count()


def report_figures(user, root, period):
    """Return everything the report draft quotes, read from the report selectors."""
    fields = selectors.field_table(user, root, period)
    return {
        "summary": selectors.summary(user, root, period),
        "units": selectors.unit_table(user, root, period),
        "fields": fields,
        "awards": selectors.awards(user, root, period),
        "fields_apart": selectors.fields_apart(fields),
    }


def report_title(period):
    return _("Kết quả thực hiện phong trào thi đua “Dân vận khéo” %(period)s") % {"period": period.label}


def report_document(user, root, period, today=None):
    """Return the report draft of ``root`` for ``period`` as .docx bytes."""
    today = today or timezone.localdate()
    figures = report_figures(user, root, period)
    document = docx.new_document()
    docx.header_table(document, headers.report_header(root, today))
    docx.paragraph(document, "")
    docx.paragraph(document, _("BÁO CÁO"), bold=True, size=15, align="center", space_after=0)
    docx.paragraph(document, report_title(period), bold=True, align="center", space_after=0)
    docx.paragraph(
        document,
        _("(Số liệu %(structure)s, trích xuất từ phần mềm ngày %(day)s)")
        % {"structure": period.structure_label.lower(), "day": today.strftime("%d/%m/%Y")},
        italic=True,
        size=13,
        align="center",
    )
    docx.paragraph(document, "-----", align="center")

    docx.paragraph(document, _("I. KẾT QUẢ THỰC HIỆN"), bold=True)
    for sentence in wording.report_sentences(
        root, period, figures["summary"], figures["fields"], figures["awards"], figures["fields_apart"]
    ):
        docx.paragraph(document, sentence, indent=True)
    docx.paragraph(document, tables.participation_text(figures["units"], period), indent=True)
    docx.paragraph(
        document,
        _("Số liệu chi tiết theo đơn vị và theo lĩnh vực tại Phụ lục kèm theo."),
        indent=True,
        italic=True,
    )

    docx.paragraph(document, _("II. MÔ HÌNH, ĐIỂN HÌNH TIÊU BIỂU"), bold=True)
    outstanding, count = outstanding_rows(user, root, period)
    if outstanding:
        outstanding_table(document, outstanding)
        if count > len(outstanding):
            docx.paragraph(
                document,
                _("(Và %(n)s mô hình tiêu biểu khác, xem danh sách trong phần mềm.)")
                % {"n": wording.number(count - len(outstanding))},
                italic=True,
                size=12,
            )
    else:
        docx.paragraph(document, _("Chưa có mô hình, điển hình tiêu biểu trong kỳ."), indent=True)
    docx.paragraph(document, "", space_after=0)
    docx.paragraph(document, _("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"), bold=True)
    docx.paragraph(document, "............................................................", indent=True)
    docx.paragraph(document, "")
    docx.signature_table(
        document,
        [_("Nơi nhận:"), _("- Như trên,"), _("- Lưu văn phòng.")],
        [_("T/M BAN THƯỜNG VỤ") if headers.is_party(root.unit_type) else _("THỦ TRƯỞNG ĐƠN VỊ")],
    )
    annex(document, root, period, figures)
    return docx.to_bytes(document)


def outstanding_table(document, rows):
    labels = [_("STT"), _("Tên mô hình"), _("Đơn vị"), _("Loại"), _("Lĩnh vực")]
    table = docx.grid_table(document, len(rows) + 1, 5, widths=(1.2, 6.3, 4.5, 1.8, 2.7))
    docx.repeat_header(table.rows[0])
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        docx.set_cell(cell, label, bold=True, align="center")
    kinds = dict(_kind_labels())
    for index, (row, values) in enumerate(zip(table.rows[1:], rows, strict=True), start=1):
        name = values["initiative__name"]
        if values["initiative__person_name"]:
            name = f"{name} ({values['initiative__person_name']})"
        texts = [
            index,
            name,
            values["unit__name"],
            kinds[values["initiative__kind"]],
            values["initiative__field__name"],
        ]
        for column, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            docx.set_cell(cell, text, align="center" if column in (0, 3) else None)


def _kind_labels():
    return [(kind.value, str(kind.label)) for kind in Kind]


def annex(document, root, period, figures):
    """The annex: the table by subordinate unit and the table by field, as on the report page."""
    docx.landscape_section(document)
    docx.paragraph(document, _("PHỤ LỤC"), bold=True, align="center", space_after=0)
    docx.paragraph(
        document,
        _("Biểu 1. Tổng hợp mô hình, điển hình “Dân vận khéo” %(period)s theo đơn vị")
        % {"period": period.label},
        bold=True,
        size=13,
        align="center",
        space_after=0,
    )
    docx.paragraph(document, root.name, italic=True, size=12, align="center")
    units = figures["units"]
    groups = tables.unit_groups(tables.levels_present(units["total"]["current"]))
    rows = [(unit_name(row["unit"]), row) for row in units["rows"]]
    figure_table(document, groups, _("Đơn vị"), rows, units["total"])

    docx.paragraph(document, "")
    docx.paragraph(
        document,
        _("Biểu 2. Tổng hợp theo lĩnh vực %(period)s") % {"period": period.label},
        bold=True,
        size=13,
        align="center",
    )
    fields = figures["fields"]
    field_rows = []
    for standard in fields["standards"]:
        field_rows.append((standard["name"], standard["counts"], True))
        field_rows.extend(("- " + field["name"], field["counts"], False) for field in standard["fields"])
    figure_table(document, tables.field_groups(), _("Lĩnh vực"), field_rows, fields["total"])


def figure_table(document, groups, first_label, rows, total):
    """Add a figures table with the page's two-row headers: STT, the name, then the groups' columns.

    ``rows`` are (name, figures) or (name, figures, bold) tuples; ``tables.value_of`` reads the figures.
    """
    columns = tables.columns_of(groups)
    n_cols = 2 + len(columns)
    width = (26.7 - 1 - 6) / len(columns)
    table = docx.grid_table(document, len(rows) + 4, n_cols, widths=(1, 6, *([width] * len(columns))))
    top, bottom, numbers = table.rows[0], table.rows[1], table.rows[2]
    for row in (top, bottom, numbers):
        docx.repeat_header(row)
    for index, label in enumerate((_("STT"), first_label)):
        docx.set_cell(top.cells[index], label, bold=True, align="center", size=10)
        top.cells[index].merge(bottom.cells[index])
    col = 2
    for group in groups:
        span = len(group.columns)
        docx.set_cell(top.cells[col], group.label, bold=True, align="center", size=10)
        if group.single:
            top.cells[col].merge(bottom.cells[col])
        else:
            for offset, column in enumerate(group.columns):
                docx.set_cell(bottom.cells[col + offset], column.label, bold=True, align="center", size=10)
            top.cells[col].merge(top.cells[col + span - 1])
        col += span
    for index, cell in enumerate(numbers.cells, start=1):
        docx.set_cell(cell, f"({index})", italic=True, align="center", size=9)
    number = 0
    for row, item in zip(table.rows[3:-1], rows, strict=True):
        name, figures, bold = (*item, False)[:3]
        if not name.startswith("- "):
            number += 1
        docx.set_cell(row.cells[0], number if not name.startswith("- ") else "", align="center", size=10)
        docx.set_cell(row.cells[1], name, bold=bold, size=10)
        for cell, column in zip(row.cells[2:], columns, strict=True):
            docx.set_cell(cell, _number_text(figures, column), bold=bold, align="right", size=10)
    last = table.rows[-1]
    docx.set_cell(last.cells[0], _("Tổng cộng"), bold=True, align="center", size=10)
    last.cells[0].merge(last.cells[1])
    for cell, column in zip(last.cells[2:], columns, strict=True):
        docx.set_cell(cell, _number_text(total, column), bold=True, align="right", size=10)
    return table


def _number_text(figures, column):
    value = tables.value_of(figures, column.key)
    text = wording.number(abs(value))
    if column.key == tables.CHANGE:
        return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "0")
    return text
