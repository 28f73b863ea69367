"""Broken workbooks for the malformed-input corpus (issue 12), made at test time into a temporary
folder (no binaries in git; the bombs are small to write but would be large to store). Each maker
takes the path to write; BOOKS maps a name to (maker, its expected first line of `jixiao import`,
where {book} is the workbook's path and {total} the 年度资金总额 row)."""
from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from jixiao.forms import write_template
from test_excel import fill_project_workbook, row_of


def _filled(path: Path, edit=None) -> None:
    write_template(path, "project")
    fill_project_workbook(path)
    if edit is not None:
        wb = load_workbook(path)
        edit(wb["项目A"], row_of(wb["项目A"], "年度资金总额"), wb)
        wb.save(path)


def _cell(value):
    return lambda path: _filled(path, lambda ws, total, wb: ws.cell(total, 5, value))


def merged_value_cells(path: Path) -> None:
    _filled(path, lambda ws, total, wb: ws.merge_cells(f"C{total}:E{total}"))


def missing_header(path: Path) -> None:
    # the 全年执行数 header renamed: its column can no longer be found by its label
    def edit(ws, total, wb):
        for row in ws.iter_rows(min_row=1, max_row=total):
            for cell in row:
                if cell.value == "全年执行数":
                    cell.value = "执行"
    _filled(path, edit)


def missing_info_sheet(path: Path) -> None:
    _filled(path, lambda ws, total, wb: wb.remove(wb["基本信息"]))


def empty_workbook(path: Path) -> None:
    Workbook().save(path)


def not_a_zip(path: Path) -> None:
    path.write_text("项目名称,全年执行数\n雪亮工程,56.18\n", encoding="utf-8")


def zip_bomb(path: Path) -> None:
    """400 MB of zeros in one sheet: about 400 KB on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * (1 << 20)
            for _ in range(400):
                sheet.write(block)


def too_many_cells(path: Path) -> None:
    """250,000 cells in 5.5 MB of XML: under the size cap, over the cell cap."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData><row>")
            for _ in range(250_000):
                sheet.write(b'<c r="A1"><v>1</v></c>')
            sheet.write(b"</row></sheetData></worksheet>")


BOOKS = {
    "merged_value_cells": (merged_value_cells, "{book}:项目A!D{total}: 单元格D{total}与其他单元格合并（C{total}:E{total}），其值无法单独读取：请取消合并，分别填写各栏"),
    "text_in_number_cell": (_cell("完成"), "{book}:项目A!E{total}: “完成”不是数值"),
    "huge_exponent_text": (_cell("1e999999999"), "{book}:项目A!E{total}: 项目 xueliang，字段 projects.actual：数值1E+999999999过大（绝对值应小于10的15次方）"),
    "full_width_digits": (_cell("５６．１８"), "{book}:项目A!E{total}: “５６．１８”不是数值"),
    "bom_in_cell": (_cell("\ufeff56.18"), "{book}:项目A!E{total}: “\ufeff56.18”不是数值"),
    "missing_header": (missing_header, "{book}:项目A!A11: 表头缺少“全年执行数”列"),
    "missing_info_sheet": (missing_info_sheet, "{book}: 没有基本信息工作表（案例编号、单位名称、年度、部门编号、部门名称）"),
    "empty_workbook": (empty_workbook, "{book}: 没有基本信息工作表（案例编号、单位名称、年度、部门编号、部门名称）"),
    "not_a_zip": (not_a_zip, "{book}: 无法作为Excel工作簿（.xlsx）读取：File is not a zip file"),
    "zip_bomb": (zip_bomb, "{book}: 工作簿解压后过大（419430408字节，上限20971520字节），拒绝读取"),
    "too_many_cells": (too_many_cells, "{book}: 工作簿单元格过多（超过200000个），拒绝读取"),
}
