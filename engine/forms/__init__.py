"""The 自评表 in Excel: a blank or filled form workbook out, filled forms read back into a case.

`layout` says where every field sits on the official forms; `template` writes them, `reader`
reads them back (every unreadable cell reported as `FILE:SHEET!CELL`). The results workbook is an
output (`jixiao.outputs.workbook`).
"""
from jixiao.forms.reader import import_workbooks
from jixiao.forms.template import write_template

__all__ = ["import_workbooks", "write_template"]
