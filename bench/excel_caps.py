"""Excel caps (issue 12): a 3M-cell workbook and a small file inflating to 400 MB are refused
before openpyxl parses them. Prints CPU seconds and peak RSS growth for each.

    python bench/excel_caps.py
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from jixiao.core.errors import CaseError
from jixiao.forms.reader import import_workbooks


def three_million_cells(path: Path) -> None:
    """A sheet of 3,000,000 numeric cells (1,000 columns × 3,000 rows), written as raw XML."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet><sheetData>')
            row = b"".join(b'<c r="A1"><v>1</v></c>' for _ in range(1000))
            for r in range(3000):
                sheet.write(b'<row>' + row + b'</row>')
            sheet.write(b'</sheetData></worksheet>')


def bomb(path: Path) -> None:
    """400 MB of zeros in one member: about 400 KB compressed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * (1 << 20)
            for _ in range(400):
                sheet.write(block)


def refuse(path: Path) -> tuple[float, float, str]:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    try:
        import_workbooks([path])
        message = "NOT REFUSED"
    except CaseError as exc:
        message = str(exc.problems[0])
    return time.process_time() - start, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024, message


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for name, make in (("3M cells", three_million_cells), ("zip bomb", bomb)):
            path = Path(folder) / (name.replace(" ", "_") + ".xlsx")
            make(path)
            cpu, mib, message = refuse(path)
            print(f"{name}: {path.stat().st_size / 1024:.0f} KB on disk, refused in {cpu:.3f} s CPU, "
                  f"peak RSS +{mib:.1f} MiB: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
