"""The certificates of a decision's models (giấy chứng nhận, giấy khen, bằng khen): a PDF, one A4
landscape page per covered model, written with fpdf2 in a TrueType font that has the Vietnamese
letters (Noto Serif from Debian's fonts-noto-core, else DejaVu Serif).

When no such font is installed, ``FontMissing`` says which package to install: the view answers
with that message instead of failing.
"""

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from registry.choices import DecisionKind, Kind

from . import headers
from .decision import covered_rows

# (regular, bold, italic) of each font family tried, in order.
FONT_FAMILIES = [
    (
        "NotoSerif",
        "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
    ),
    (
        "DejaVuSerif",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
]
RED = (176, 28, 28)
DARK = (30, 30, 30)


class FontMissing(Exception):
    """No TrueType font with the Vietnamese letters is installed."""


def font_family():
    """Return (name, regular, bold, italic) of the first installed family (``DOCUMENT_FONTS`` first)."""
    for family in [*getattr(settings, "DOCUMENT_FONTS", []), *FONT_FAMILIES]:
        if all(Path(path).is_file() for path in family[1:]):
            return family
    raise FontMissing(
        _(
            "Máy chủ chưa cài phông chữ tiếng Việt để in giấy chứng nhận (cần gói fonts-noto-core "
            "hoặc fonts-dejavu-core). Đề nghị quản trị hệ thống cài đặt rồi thử lại."
        )
    )


def certificate_title(decision):
    if decision.kind == DecisionKind.RECOGNITION:
        return _("GIẤY CHỨNG NHẬN")
    return decision.award_form.name.upper()


def certificates_pdf(user, decision, rows=None):
    """Return the certificates of the models of ``decision`` the user may see, as PDF bytes.

    Raises ``FontMissing`` when no font with the Vietnamese letters is installed.
    """
    name, regular, bold, italic = font_family()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{certificate_title(decision)} - {decision.reference}")
    pdf.set_creator("Dân vận khéo")
    pdf.add_font(name, "", regular)
    pdf.add_font(name, "B", bold)
    pdf.add_font(name, "I", italic)
    header = headers.decision_header(decision)
    for row in covered_rows(user, decision) if rows is None else rows:
        page(pdf, name, decision, header, row)
    return bytes(pdf.output())


def page(pdf, font, decision, header, row):
    """Write one certificate: the border, the header blocks, the title, the model, the signature."""
    pdf.add_page()
    width = pdf.w
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, width - 16, pdf.h - 16)
    pdf.set_line_width(0.4)
    pdf.rect(11, 11, width - 22, pdf.h - 22)
    pdf.set_text_color(*DARK)
    _block(pdf, font, header.left[:-1], x=16, y=17, w=100)  # the decision's number is quoted below
    _block(pdf, font, header.right[:2] if not header.party else header.right[:1], x=width - 146, y=17, w=130)

    pdf.set_y(52)
    pdf.set_text_color(*RED)
    pdf.set_font(font, "B", 30)
    pdf.cell(0, 16, certificate_title(decision), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*DARK)
    pdf.set_font(font, "B", 15)
    pdf.set_x(30)
    pdf.multi_cell(width - 60, 9, decision.issuer_name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(font, "", 15)
    verb = _("Chứng nhận") if decision.kind == DecisionKind.RECOGNITION else _("Tặng")
    pdf.cell(0, 9, verb, align="C", new_x="LMARGIN", new_y="NEXT")
    main, lines = recipient(row, commended=decision.kind == DecisionKind.COMMENDATION)
    pdf.set_x(30)
    pdf.set_font(font, "B", 19)
    pdf.multi_cell(width - 60, 10, main, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 15)
    for line in lines:
        pdf.set_x(30)
        pdf.multi_cell(width - 60, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_x(30)
    pdf.set_font(font, "I", 14)
    if decision.kind == DecisionKind.RECOGNITION:
        reason = _("Đạt mô hình, điển hình “Dân vận khéo” %(level)s năm %(year)s") % {
            "level": decision.get_level_display().lower(),
            "year": row["year"],
        }
    else:
        reason = _("Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm %(year)s") % {
            "year": row["year"]
        }
    pdf.multi_cell(width - 60, 8, reason, align="C", new_x="LMARGIN", new_y="NEXT")

    bottom = pdf.h - 62
    pdf.set_font(font, "", 11)
    pdf.set_xy(22, bottom + 30)
    pdf.multi_cell(
        110,
        6,
        _("Quyết định số %(reference)s, ngày %(day)s")
        % {
            "reference": decision.reference,
            "day": decision.signed_on.strftime("%d/%m/%Y"),
        },
    )
    place_date = header.right[-1][0]
    sign = [_("T/M BAN THƯỜNG VỤ")] if header.party else [_("TM. ỦY BAN NHÂN DÂN"), _("CHỦ TỊCH")]
    lines = [(place_date, False, True, False)] + [(text, True, False, False) for text in sign]
    _block(pdf, font, lines, x=width - 146, y=bottom, w=130, size=13)
    if decision.signer_name:
        pdf.set_font(font, "B", 14)
        pdf.set_xy(width - 146, pdf.h - 28)
        pdf.cell(130, 7, decision.signer_name, align="C")


def recipient(row, *, commended=False):
    """Return who the certificate is for, and the lines under it.

    An award goes to a person or a collective: an individual model names its person first, with
    the position and unit, a commended collective its unit, each then the model. A recognition
    certifies the model: its name, then its unit.
    """
    model = _("Mô hình: “%(name)s”") % {"name": row["initiative__name"]}
    if row["initiative__kind"] == Kind.INDIVIDUAL and row["initiative__person_name"]:
        where = ", ".join(filter(None, [row["initiative__person_position"], row["unit__name"]]))
        return row["initiative__person_name"], [where, model]
    if commended:
        return row["unit__name"], [model]
    return f"“{row['initiative__name']}”", [row["unit__name"]]


def _block(pdf, font, lines, *, x, y, w, size=12):
    """Write centred lines (text, bold, italic, underline) from (x, y), ``w`` wide."""
    pdf.set_xy(x, y)
    for text, bold, italic, underline in lines:
        style = ("B" if bold else "") + ("I" if italic else "") + ("U" if underline else "")
        pdf.set_font(font, style.replace("BI", "B"), size)
        pdf.set_x(x)
        pdf.multi_cell(w, 6, text, align="C", new_x="LEFT", new_y="NEXT")
