"""The draft of a recognition or commendation decision (.docx) and its annex of the models it covers.

Header, number and symbol, place-date line, title, the grounds, the articles, recipients and
signature, then the annex (a new page): the covered models grouped by unit, with kind and field.
Only the covered registrations the user may see are listed, as on the decision's page.
"""

from itertools import groupby

from django.utils.translation import gettext as _

from registry.choices import DecisionKind, Kind
from registry.models import Registration

from . import docx, headers


def roman(number):
    """Write 1..3999 in Roman numerals (the annex numbers its unit groups I, II, III...)."""
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip
    text = ""
    for value, letters in values:
        while number >= value:
            text += letters
            number -= value
    return text


def covered_rows(user, decision):
    """Return the covered registrations the user may see, in tree order, as plain rows. One query."""
    return list(
        Registration.objects.restrict(user)
        .alive()
        .filter(decisions=decision)
        .order_by("unit__path", "initiative__name", "pk")
        .values(
            "pk",
            "year",
            "unit__name",
            "initiative__name",
            "initiative__kind",
            "initiative__person_name",
            "initiative__person_position",
            "initiative__field__name",
            "initiative__field__standard",
        )
    )


def by_unit(rows):
    """Group the rows by their unit, in tree order: [(unit name, [rows])]."""
    return [(unit, list(items)) for unit, items in groupby(rows, key=lambda row: row["unit__name"])]


def model_name(row):
    """A model's name as the annex and the certificates write it, with the person of an individual model."""
    if row["initiative__kind"] == Kind.INDIVIDUAL and row["initiative__person_name"]:
        person = row["initiative__person_name"]
        if row["initiative__person_position"]:
            person = f"{person}, {row['initiative__person_position']}"
        return f"{row['initiative__name']} ({person})"
    return row["initiative__name"]


def counts_text(rows):
    """Say how many models, how many collective and individual: "05 mô hình (03 tập thể, 02 cá nhân)"."""
    collective = sum(1 for row in rows if row["initiative__kind"] == Kind.COLLECTIVE)
    return _("%(n)s mô hình (%(collective)s tập thể, %(individual)s cá nhân)") % {
        "n": f"{len(rows):02d}",
        "collective": f"{collective:02d}",
        "individual": f"{len(rows) - collective:02d}",
    }


def decision_document(user, decision):
    """Return the draft of ``decision`` as .docx bytes."""
    rows = covered_rows(user, decision)
    party = headers.decision_is_party(decision)
    issuer = decision.issuer_name or decision.issuing_unit.name
    document = docx.new_document()
    docx.header_table(document, headers.decision_header(decision))
    docx.paragraph(document, "")
    docx.paragraph(document, _("QUYẾT ĐỊNH"), bold=True, size=15, align="center", space_after=0)
    docx.paragraph(document, decision.title, bold=True, align="center", space_after=0)
    docx.paragraph(document, "-----", align="center")
    if party:
        docx.paragraph(document, issuer.upper(), bold=True, align="center")
    else:
        docx.paragraph(
            document, _("CHỦ TỊCH %(issuer)s") % {"issuer": issuer.upper()}, bold=True, align="center"
        )
    for ground in grounds(decision, issuer, party):
        docx.paragraph(document, ground, italic=True, indent=True, space_after=3)
    docx.paragraph(document, _("QUYẾT ĐỊNH:"), bold=True, align="center")
    for number, text in enumerate(articles(decision, rows), start=1):
        par = docx.paragraph(document, "", indent=True)
        run = par.add_run(_("Điều %(n)s. ") % {"n": number})
        run.bold = True
        par.add_run(text)
    docx.signature_table(
        document,
        [
            _("Nơi nhận:"),
            _("- Như Điều 3,"),
            _("- Các tập thể, cá nhân có tên tại Điều 1,"),
            _("- Lưu văn phòng."),
        ],
        [_("T/M BAN THƯỜNG VỤ")] if party else [_("TM. ỦY BAN NHÂN DÂN"), _("CHỦ TỊCH")],
        decision.signer_name,
    )
    annex(document, decision, rows, issuer)
    return docx.to_bytes(document)


def grounds(decision, issuer, party):
    """The "Căn cứ" lines: the issuer's rules, and the proposal the decision answers."""
    if party:
        lines = [
            _("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"),
            _("- Căn cứ Quy chế làm việc của %(issuer)s;") % {"issuer": issuer},
        ]
    else:
        lines = [
            _("- Căn cứ Luật Tổ chức chính quyền địa phương;"),
            _("- Căn cứ Luật Thi đua, khen thưởng;"),
        ]
    lines.append(_("- Xét đề nghị của ..............................."))
    return lines


def articles(decision, rows):
    """The articles of the decision: what it recognises or awards, its effect, who carries it out."""
    level = decision.get_level_display().lower()
    year = ", ".join(str(y) for y in sorted({row["year"] for row in rows})) or str(decision.signed_on.year)
    if decision.kind == DecisionKind.RECOGNITION:
        first = _(
            "Công nhận %(counts)s đạt mô hình, điển hình “Dân vận khéo” %(level)s năm %(year)s "
            "(có danh sách kèm theo)."
        ) % {"counts": counts_text(rows), "level": level, "year": year}
        second = _(
            "Các tập thể, cá nhân có mô hình được công nhận tiếp tục duy trì, nâng cao chất lượng "
            "và nhân rộng mô hình."
        )
    else:
        first = _(
            "Tặng %(award)s cho các tập thể, cá nhân có %(counts)s “Dân vận khéo” tiêu biểu năm %(year)s "
            "(có danh sách kèm theo)."
        ) % {"award": decision.award_form.name, "counts": counts_text(rows), "year": year}
        second = _("Tập thể, cá nhân được khen thưởng được hưởng chế độ theo quy định của pháp luật.")
    third = _(
        "Quyết định có hiệu lực kể từ ngày ký. Văn phòng, các cơ quan, đơn vị liên quan và các tập thể, "
        "cá nhân có tên tại Điều 1 căn cứ Quyết định thi hành./."
    )
    return [first, second, third]


def annex_title(decision):
    if decision.kind == DecisionKind.RECOGNITION:
        return _("DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” ĐƯỢC CÔNG NHẬN")
    return _("DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG %(award)s") % {"award": decision.award_form.name.upper()}


def annex(document, decision, rows, issuer):
    """The annex: the covered models grouped by unit (I, II, ...), each with its kind and field."""
    docx.landscape_section(document)
    docx.paragraph(document, annex_title(decision), bold=True, align="center", space_after=0)
    docx.paragraph(
        document,
        _("(Kèm theo Quyết định số %(reference)s, ngày %(day)s của %(issuer)s)")
        % {"reference": decision.reference, "day": decision.signed_on.strftime("%d/%m/%Y"), "issuer": issuer},
        italic=True,
        size=13,
        align="center",
    )
    if not rows:
        docx.paragraph(document, _("Quyết định chưa có mô hình nào."), italic=True, align="center")
        return
    groups = by_unit(rows)
    labels = [_("STT"), _("Tên mô hình"), _("Loại"), _("Lĩnh vực"), _("Năm")]
    table = docx.grid_table(document, 1 + len(groups) + len(rows), 5, widths=(1.5, 14, 3, 6, 2.2))
    docx.repeat_header(table.rows[0])
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        docx.set_cell(cell, label, bold=True, align="center", size=12)
    kinds = {kind.value: str(kind.label) for kind in Kind}
    index, number = 1, 0
    for group_number, (unit, items) in enumerate(groups, start=1):
        row = table.rows[index]
        docx.set_cell(row.cells[0], roman(group_number), bold=True, align="center", size=12)
        docx.set_cell(row.cells[1], f"{unit} ({counts_text(items)})", bold=True, size=12)
        row.cells[1].merge(row.cells[4])
        index += 1
        for item in items:
            number += 1
            cells = table.rows[index].cells
            texts = [number, model_name(item), kinds[item["initiative__kind"]],
                     item["initiative__field__name"], item["year"]]  # fmt: skip
            for column, (cell, text) in enumerate(zip(cells, texts, strict=True)):
                docx.set_cell(cell, text, align="center" if column in (0, 2, 4) else None, size=12)
            index += 1
    docx.paragraph(
        document,
        _("Danh sách có %(counts)s.") % {"counts": counts_text(rows)},
        italic=True,
        size=12,
        align="right",
    )
