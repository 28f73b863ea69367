"""Reading the workbooks jixiao writes, for the tests of its forms."""


def row_of(ws, label: str) -> int:
    """The row whose first cell is `label`."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 1).value == label:
            return row
    raise KeyError(label)


def validations(ws) -> dict[str, str]:
    """cell range → list formula."""
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
