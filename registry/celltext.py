"""Text written into a spreadsheet stays text: never a live formula, link or error code.

Every workbook and csv the application writes (the import template, the registration list's
downloads, the report workbook, the reorganisation template) puts user text through here. A
name such as ``=HYPERLINK("http://…")`` typed into a unit or a field must reach the person
who opens the file as the text it is, and stay text when they edit the cell and press Enter.

- openpyxl (``set_text``, ``append``): a string starting with ``=`` would become a formula
  cell and ``#N/A`` an error cell; they are stored as strings, and risky ones get Excel's
  quote prefix (the hidden apostrophe), so that editing the cell does not turn them into one.
- xlsxwriter (``WORKBOOK_OPTIONS``, ``Formats``): the workbook never converts strings to
  formulas, links or numbers, and ``Formats`` gives the quote-prefixed twin of a format for
  risky text.
- csv (``csv_text``): a csv has no types, so risky text is written after an apostrophe.

Risky means starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, what Excel,
LibreOffice and Google Sheets read as the start of a formula (OWASP's list for csv injection),
or being one of Excel's error codes (``#N/A``...).
"""

import re

RISKY = re.compile(r"^[=+\-@\t\r]")
# Typed into a cell, these become error values instead of text.
ERROR_CODES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"}

# xlsxwriter.Workbook(output, {**WORKBOOK_OPTIONS, ...}): write what is stored, as it is.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def is_risky(value) -> bool:
    """Tell whether ``value`` is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and (RISKY.match(value) is not None or value.upper() in ERROR_CODES)


def csv_text(value):
    """Return ``value`` for a csv cell: risky text after an apostrophe, anything else unchanged."""
    return "'" + value if is_risky(value) else value


def set_text(cell, value):
    """Put ``value`` into an openpyxl cell (also a write-only cell); text always stays text."""
    cell.value = value
    if isinstance(value, str) and value:
        cell.data_type = "s"  # openpyxl makes "=…" a formula and "#N/A" an error otherwise
        if is_risky(value):
            cell.quotePrefix = True
    return cell


def append(sheet, values):
    """Append a row of ``values`` to an openpyxl worksheet, every text through ``set_text``."""
    values = list(values)
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            set_text(sheet.cell(row=row, column=column), value)
    return row


class Formats:
    """xlsxwriter formats made once each from named property sets, with a quote-prefixed twin.

    ``formats.get("date")`` is the format of that style; ``formats.get("td", value)`` the one to
    write ``value`` with: its quote-prefixed twin when the text is risky. ``None`` names the
    default format (no properties).
    """

    def __init__(self, workbook, styles=None):
        self.workbook = workbook
        self.styles = styles or {}
        self.made = {}

    def get(self, style=None, value=None):
        quoted = is_risky(value)
        key = (style, quoted)
        if key not in self.made:
            properties = dict(self.styles[style]) if style else {}
            if quoted:
                properties["quote_prefix"] = True
            self.made[key] = self.workbook.add_format(properties) if properties else None
        return self.made[key]

    def write_text(self, worksheet, row, col, value, style=None):
        """Write ``value`` as a string cell, quote-prefixed when risky."""
        worksheet.write_string(row, col, value, self.get(style, value))
