"""The Excel template a lower unit fills in: instructions, the data sheet, the units, the lists."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from registry import celltext, rules
from registry.choices import Evaluation, Grade, Kind, Level, RegistrationStatus
from registry.exports import COLUMNS, FLAG_NO, FLAG_YES, SHEET_NAME
from registry.models import Field, Unit
from registry.querysets import CHANGE
from registry.scope import scope_of

INSTRUCTIONS = "Hướng dẫn"
UNITS = "Đơn vị"
LISTS = "Danh mục"
EXAMPLE_PREFIX = "Ví dụ:"
DATA_ROWS = 5000
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

GUIDE = [
    "MẪU NHẬP DANH SÁCH MÔ HÌNH “DÂN VẬN KHÉO”",
    "",
    f"1. Ghi mỗi mô hình của mỗi năm trên một dòng ở trang “{SHEET_NAME}”.",
    "2. Không đổi tên, không xóa dòng tiêu đề. Có thể đổi thứ tự cột hoặc bỏ cột không dùng.",
    "3. Cột bắt buộc: Đơn vị (hoặc Mã đơn vị), Tên mô hình, Năm. "
    "Mô hình mới cần thêm Lĩnh vực và Ngày đăng ký.",
    "4. Đơn vị: ghi mã ở cột “Mã đơn vị” hoặc ghi tên ở cột “Đơn vị”. "
    "Tên được so không phân biệt hoa thường, hiểu các chữ viết tắt",
    "   P. (Phường), X. (Xã), TT. (Thị trấn), ĐU (Đảng ủy), CB (Chi bộ). Tên ghi đúng dấu được tìm trước;",
    "   tên không dấu vẫn được hiểu khi chỉ khớp một đơn vị (Đông Thạnh và Đông Thành: hãy ghi đúng dấu).",
    f"   Danh sách đơn vị bạn được nhập, kèm mã, ở trang “{UNITS}”.",
    "5. Ngày ghi dạng dd/mm/yyyy, ví dụ 15/03/2024 (gõ như chữ cũng được). Ngày đăng ký thuộc năm đăng ký "
    "(hoặc từ {:02d}/{:02d} năm trước),".format(*reversed(rules.WINDOW_OPENS)),
    "   trong thời gian đơn vị còn hoạt động (đơn vị đã sáp nhập: ghi đơn vị kế thừa).",
    "6. Số ghi bằng chữ số: 1759 hoặc 1.759 đều được hiểu là một nghìn bảy trăm năm mươi chín.",
    "7. Các cột Loại, Lĩnh vực, Xếp loại, Hình thức đăng ký, Cấp đăng ký, Kết quả đánh giá: "
    "chọn trong danh sách thả xuống.",
    "   Để trống Hình thức đăng ký: phần mềm ghi “Duy trì” nếu mô hình đã đăng ký năm liền trước, "
    "nếu không thì “Đăng ký mới”.",
    "   “Duy trì” chỉ ghi được khi mô hình có đăng ký năm liền trước (trên phần mềm hoặc trong tệp); "
    "nếu năm đó có đăng ký",
    "   nhưng hồ sơ chưa được nhập, ghi “Có” ở cột “Nhập bổ sung hồ sơ cũ”.",
    "   Để trống Cấp đăng ký: phần mềm ghi “Cấp cơ sở”. Cấp cơ sở: mô hình của chi bộ, đảng bộ cơ sở, thôn,",
    "   tổ dân phố, cơ quan ở cơ sở; Cấp xã: mô hình do đảng ủy xã, phường, thị trấn đăng ký ở cấp xã.",
    "8. Mô hình cá nhân phải ghi Họ và tên cá nhân (và Chức vụ nếu có); "
    "mô hình tập thể để trống hai cột này.",
    "9. Chỉ ghi giá trị: không dùng công thức, không gộp ô.",
    f"10. Dòng ví dụ (tên bắt đầu bằng “{EXAMPLE_PREFIX}”) không được nhập; có thể xóa hoặc để nguyên.",
    "11. Nhập lại một tệp đã nhập không tạo bản trùng: mô hình cùng đơn vị, cùng tên, cùng năm được cập nhật",
    "    (mô hình cá nhân: cùng cả họ và tên người thực hiện; hai người cùng tên mô hình là hai mô hình).",
    "    Ô để trống không xóa thông tin đã có trên phần mềm.",
    "    Chỉ nhập được vào các đơn vị và mô hình bạn được cập nhật.",
    "",
    "Trước khi nhập, phần mềm kiểm tra toàn bộ tệp và cho xem trước: dòng thêm mới, dòng cập nhật,",
    "dòng không đổi và dòng có lỗi (kèm số dòng, cột và cách sửa). Chỉ khi không còn lỗi mới xác nhận được.",
    "Khi xác nhận, mọi dòng được so lại với dữ liệu trên phần mềm trước khi ghi. Tệp lớn được ghi từng phần;",
    "nếu dữ liệu thay đổi giữa chừng, phần đã ghi được giữ và trang báo rõ: tải tệp lên lại để nhập nốt",
    "(các dòng đã nhập sẽ hiện là “Không thay đổi”).",
]


def template_sheets(*, guide, guide_title, width, data_title, units_title, lists_title):
    """Start a template workbook: its guide sheet written (``guide``, a line a row), then the data
    sheet, the sheet of the user's units and the hidden sheet of lists. Returns them all."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = guide_title
    sheet.column_dimensions["A"].width = width
    for text in guide:
        celltext.append(sheet, [text])
    sheet["A1"].font = Font(bold=True, size=14)
    data = workbook.create_sheet(data_title)
    units = workbook.create_sheet(units_title)
    lists = workbook.create_sheet(lists_title)
    lists.sheet_state = "hidden"
    return workbook, data, units, lists


def example_row(fields):
    field = fields[0].name if fields else ""
    year = datetime.date.today().year
    values = {
        "unit_code": "",
        "unit": "Đảng ủy xã ...",
        "name": f"{EXAMPLE_PREFIX} Mô hình “Tuyến đường hoa nông thôn mới”",
        "kind": str(Kind.COLLECTIVE.label),
        "field": field,
        "grade": str(Grade.MODEL.label),
        "year": year,
        "registered_on": f"15/03/{year}",
        "status": str(RegistrationStatus.NEW.label),
        "level": str(Level.GRASSROOTS.label),
        "address": "Thôn ...",
        "content": "Vận động nhân dân hiến đất, góp công trồng hoa hai bên đường.",
        "evaluation": str(Evaluation.PENDING.label),
        "people_reached": 350,
        "money_mobilised": 120000000,
        "workdays": 900,
    }
    return [values.get(column.key, "") for column in COLUMNS]


def build_template(user) -> bytes:
    """Return the template workbook for ``user``: the units listed are those the user may change.

    Names come from users (units, fields): every text goes in through ``registry.celltext``, so
    that a name such as ``=HYPERLINK(…)`` stays text in the file everyone downloads.
    """
    workbook = Workbook()
    guide = workbook.active
    guide.title = INSTRUCTIONS
    guide.column_dimensions["A"].width = 130
    for text in GUIDE:
        celltext.append(guide, [text])
    guide["A1"].font = Font(bold=True, size=14)

    data = workbook.create_sheet(SHEET_NAME)
    units = workbook.create_sheet(UNITS)
    lists = workbook.create_sheet(LISTS)
    lists.sheet_state = "hidden"

    # The closed lists, one per column of the hidden sheet.
    fields = list(Field.objects.active())
    closed = {
        "kind": [str(label) for label in Kind.labels],
        "grade": [str(label) for label in Grade.labels],
        "status": [str(label) for label in RegistrationStatus.labels],
        "entered_late": [FLAG_YES, FLAG_NO],
        "level": [str(label) for label in Level.labels],
        "evaluation": [str(label) for label in Evaluation.labels],
        "field": [field.name for field in fields],
    }
    ranges = {}
    headers = {column.key: column.header for column in COLUMNS}
    for index, (key, values) in enumerate(closed.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=headers[key])  # the data sheet's header, in words
        for row, value in enumerate(values, start=2):
            celltext.set_text(lists.cell(row=row, column=index), value)
        ranges[key] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(values) + 1}"

    # The units the user may register for, with their codes.
    unit_headers = [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại đơn vị",
        "Hoạt động từ",
        "Hoạt động đến",
        "Đơn vị kế thừa",
    ]
    units.append(unit_headers)
    count = 0
    scope = scope_of(user)
    for unit in Unit.objects.restrict(user, CHANGE).select_related("successor").order_by("path"):
        # A successor outside the user's scope stays unnamed, as everywhere else.
        successor = unit.successor if unit.successor and scope.covers(unit.successor) else None
        celltext.append(
            units,
            [
                unit.code,
                unit.name,
                unit.get_unit_type_display(),
                unit.valid_from,
                unit.valid_to,
                successor.name if successor else "",
            ],
        )
        count += 1
    for cell in units[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for letter, width in zip("ABCDEF", (14, 50, 34, 14, 14, 40), strict=True):
        units.column_dimensions[letter].width = width
    for row in units.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "dd/mm/yyyy"
    units.freeze_panes = "A2"

    # The data sheet: headers, one example row, formats and drop-down lists.
    data.append([column.header for column in COLUMNS])
    celltext.append(data, example_row(fields))
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = column.width
        header = data.cell(row=1, column=index)
        header.font, header.fill, header.alignment = BOLD, HEADER_FILL, WRAP
        area = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if column.key in ranges:
            validation = DataValidation(
                type="list",
                formula1=f"={ranges[column.key]}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Giá trị không có trong danh sách",
                error="Hãy chọn một giá trị trong danh sách thả xuống.",
            )
        elif column.key == "unit" and count:
            validation = DataValidation(
                type="list",
                formula1=f"={quote_sheetname(UNITS)}!$B$2:$B${count + 1}",
                allow_blank=True,
                # A unit may also be written the way people write it (P. Đức Xuân): warn only.
                showErrorMessage=False,
            )
        elif column.kind == "year":
            validation = DataValidation(
                type="whole",
                operator="between",
                formula1=str(rules.FIRST_YEAR),
                formula2=str(rules.LAST_YEAR),
                allow_blank=True,
                showErrorMessage=True,
                error=f"Năm đăng ký là số từ {rules.FIRST_YEAR} đến {rules.LAST_YEAR}.",
            )
        else:
            continue
        data.add_data_validation(validation)
        validation.add(area)
    for cell in data[2]:
        cell.font = Font(italic=True, color="595959")
    data.freeze_panes = "D2"
    workbook.active = 1

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
