"""The blank workbook the board downloads and fills in."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from blocs.importer.sheets import ACCOUNTS, BLOCS, GUIDE_TITLE, MAX_ROWS, MEMBERS, SHEETS

_GUIDE = [
    "Mẫu nhập dữ liệu: đơn vị, khối thi đua, thành viên theo năm và tài khoản người dùng.",
    "Dòng 1 của mỗi trang là tiêu đề cột: giữ nguyên. Mỗi dòng sau là một bản ghi; dòng trống được bỏ qua.",
    "Đơn vị: mã (duy nhất trong tỉnh), tên đầy đủ, tên viết tắt (có thể để trống), chức danh thủ trưởng.",
    "Khối: mã (duy nhất trong tỉnh), tên, loại: khối hoặc cụm (để trống là khối).",
    "Thành viên: mỗi dòng là một đơn vị của một khối trong một năm. Năm mới cần đúng một Khối trưởng và "
    "một Khối phó (đánh dấu x). Mã khối và mã đơn vị là mã trong tệp này hoặc đã có trong hệ thống.",
    "Tài khoản: tên đăng nhập, họ và tên, email (nhận thư mời đặt mật khẩu), mã đơn vị (để trống là cán bộ "
    "Ban Thi đua - Khen thưởng tỉnh), chức vụ, quyền ký: có hoặc không, văn thư (người ký số của cơ quan sau "
    "thủ trưởng, cần mã đơn vị): có hoặc không (để trống là không; có thể bỏ cột này), tư cách ký: Cấp trưởng "
    "(ký trực tiếp, để trống cũng là cấp trưởng), Cấp phó (KT.) (ký thay thủ trưởng, cần ghi chức vụ, ví dụ "
    "Phó Giám đốc) hoặc Quyền (Q.) (quyền thủ trưởng); có thể bỏ cột này.",
    "Hãy “Kiểm tra thử” trước: nếu có một dòng lỗi thì không dòng nào được nhập.",
    f"Tệp .xlsx, tối đa 5 MB và {MAX_ROWS:,} dòng mỗi trang; không nhận tệp có macro (.xlsm).".replace(",", "."),
]


def template_workbook() -> bytes:
    """Return the blank import workbook: the four sheets with their headers, and a short guide."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        worksheet = book.create_sheet(sheet.title)
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F3")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            worksheet.column_dimensions[cell.column_letter].width = column.width
        worksheet.freeze_panes = "A2"
    _choices(book[BLOCS.title], "C", '"khối,cụm"')
    _choices(book[MEMBERS.title], "D", '"x"')
    _choices(book[MEMBERS.title], "E", '"x"')
    _choices(book[ACCOUNTS.title], "F", '"có,không"')
    _choices(book[ACCOUNTS.title], "G", '"có,không"')
    _choices(book[ACCOUNTS.title], "H", '"Cấp trưởng,Cấp phó (KT.),Quyền (Q.)"')
    guide = book.create_sheet(GUIDE_TITLE)
    guide.column_dimensions["A"].width = 120
    for number, line in enumerate(_GUIDE, start=1):
        guide.cell(row=number, column=1, value=line).alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _choices(worksheet, column: str, formula: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    worksheet.add_data_validation(validation)
