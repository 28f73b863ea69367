"""The 自评表 in Excel: a blank or filled form workbook out, filled forms in, results out.

`layout` says where every field sits on the official forms; `template` writes them, `reader`
reads them back (every unreadable cell reported as `FILE:SHEET!CELL`), `results` writes scores.
"""
from .reader import import_workbooks
from .results import write_results
from .template import write_template

__all__ = ["import_workbooks", "write_results", "write_template"]
