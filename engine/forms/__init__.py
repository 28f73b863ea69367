"""The 自评表 in Excel: a blank or filled form workbook out, filled forms in, results out.

`layout` says where every field sits on the official forms; `template` writes them, `reader`
reads them back (every unreadable cell reported as `FILE:SHEET!CELL`), `results` writes scores.
"""
from jixiao.forms.reader import import_workbooks
from jixiao.outputs.workbook import write_results
from jixiao.forms.template import write_template

__all__ = ["import_workbooks", "write_results", "write_template"]
