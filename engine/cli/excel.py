"""`jixiao template` and `jixiao import`: the 自评表 workbook out (blank or filled) and back in."""
from __future__ import annotations

from pathlib import Path

import click

from jixiao.records.cases import load_case
from jixiao.cli.common import abort
from jixiao.core.errors import JixiaoError


@click.command("template")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["project", "department"]), default="project", show_default=True,
              help="项目支出绩效自评表 or 部门整体支出绩效自评表")
@click.option("--from", "from_case", type=click.Path(dir_okay=False), metavar="CASE.yaml",
              help="fill the forms from a case file (department: the whole case; project: its projects)")
def template_command(output: str, kind: str, from_case: str | None) -> None:
    """Write a 自评表 workbook (.xlsx) laid out as the official form."""
    from jixiao.forms.template import write_template

    try:
        case = load_case(from_case) if from_case else None
    except JixiaoError as exc:
        abort(exc)
    write_template(output, kind, case)


@click.command("import")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="case file to write (.yaml)")
def import_command(workbooks: tuple[str, ...], output: str) -> None:
    """Read filled 自评表 workbooks into one case file; every unreadable cell is reported."""
    from jixiao.forms.case_yaml import case_to_yaml
    from jixiao.forms.reader import import_workbooks

    try:
        case = import_workbooks(list(workbooks), warn=lambda message: click.echo(f"注意 note: {message}", err=True))
    except JixiaoError as exc:
        abort(exc)
    header = "imported by `jixiao import` from " + ", ".join(Path(w).name for w in workbooks)
    Path(output).write_text(case_to_yaml(case, header), encoding="utf-8")
