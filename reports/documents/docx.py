"""The Word pieces both drafts share: the A4 page, Times New Roman, the header blocks, tables.

Margins and sizes follow Nghị định 30/2020 (and Hướng dẫn 36-HD/VPTW, which agrees on them):
top and bottom 2 cm, left 3 cm, right 1,5 cm; the body in 14-point Times New Roman.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Times New Roman"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def new_document():
    """Return an empty A4 portrait document in Times New Roman 14."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    # East Asian and complex-script runs fall back to these names: set them too.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs", "w:hAnsi"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(6)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    _margins(section)
    return document


def _margins(section):
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)


def landscape_section(document):
    """Start a new A4 landscape section (the annex tables) and return it."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.5)
    return section


def paragraph(container, text="", *, bold=False, italic=False, underline=False, size=None, align=None,
              indent=False, space_after=None):  # fmt: skip
    """Add a paragraph of one run; ``indent`` gives the body's first-line indent, justified."""
    par = container.add_paragraph()
    if text:
        run = par.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if indent:
        par.paragraph_format.first_line_indent = Cm(1.27)
        par.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if align == "center":
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if space_after is not None:
        par.paragraph_format.space_after = Pt(space_after)
    return par


def _cell_lines(cell, lines, size):
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for text, bold, italic, underline in lines:
        par = paragraph(cell, text, bold=bold, italic=italic, underline=underline, size=size, align="center")
        par.paragraph_format.space_after = Pt(0)


def set_widths(table, widths):
    """Give the table's columns their widths (cm): in the grid, that LibreOffice reads, and in every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def header_table(document, header, widths=(6.5, 10)):
    """Add the two header blocks side by side, in a borderless table."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths)
    # The state motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" holds on one line in 12 points.
    for cell, lines in zip(table.rows[0].cells, (header.left, header.right), strict=True):
        _cell_lines(cell, lines, 13 if header.party else 12)
    return table


def grid_table(document, rows, cols, widths=None):
    """Add a table with every border drawn, its columns ``widths`` (cm) wide."""
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths:
        set_widths(table, widths)
    return table


def set_cell(cell, text, *, bold=False, italic=False, align=None, size=11):
    """Write ``text`` into a table cell (one run), replacing what it held."""
    par = cell.paragraphs[0]
    for run in list(par.runs):
        run._r.getparent().remove(run._r)
    run = par.add_run(str(text))
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    par.paragraph_format.space_after = Pt(0)
    if align == "center":
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def repeat_header(row):
    """Repeat a table's header row at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def signature_table(document, recipients, sign_lines, signer=""):
    """Add the recipients (left, 12-point) and the signature block (right), side by side."""
    table = document.add_table(rows=1, cols=2)
    set_widths(table, (7.5, 9))
    left, right = table.rows[0].cells
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    par = paragraph(left, recipients[0], bold=True, italic=True, size=12, space_after=0)
    for line in recipients[1:]:
        paragraph(left, line, size=11, space_after=0)
    _cell_lines(right, [(line, True, False, False) for line in sign_lines], 14)
    paragraph(right, "", space_after=48)
    paragraph(right, signer or "", bold=True, align="center")
    return par


def to_bytes(document):
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
