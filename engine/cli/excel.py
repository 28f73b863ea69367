"""`jixiao template` and `jixiao import`: the 自评表 or 绩效目标申报表 workbook out (blank or
filled) and back in."""
from __future__ import annotations

from pathlib import Path

import click

from jixiao.records.cases import load_case
from jixiao.cli.common import RULESETS, abort
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _


@click.command("template")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(["project", "department", "target"]), default="project", show_default=True,
              help="project：项目支出绩效自评表；department：部门整体支出绩效自评表；target：项目支出绩效目标申报表")
@click.option("--from", "from_case", type=click.Path(dir_okay=False), metavar="CASE.yaml",
              help="用案例文件填好表格（部门表：整个案例；项目表：其中各项目；目标申报表：目标申报文件的各项目）")
@click.option("--force", is_flag=True, help="覆盖已有的文件")
@RULESETS
def template_command(output: str, kind: str, from_case: str | None, force: bool, rulesets: tuple[str, ...]) -> None:
    """按官方表样写出自评表或绩效目标申报表工作簿（.xlsx），空白或已填；自评表中所用规则集声明的数据项各占一行。"""
    from jixiao.forms.template import write_template
    from jixiao.records.inputs import merge_declarations
    from jixiao.rulesets.loader import pick_rulesets

    if Path(output).suffix.lower() != ".xlsx":
        raise click.UsageError(_("自评表工作簿的文件名须以 .xlsx 结尾：{path}").format(path=output))
    if Path(output).exists() and not force:
        raise click.UsageError(_("{path} 已存在，可能是已填好的自评表：不覆盖（确要覆盖请加 --force）").format(path=output))

    try:
        if kind == "target":
            case, declared = (_target_file(from_case) if from_case else None), {}
        else:
            case = load_case(from_case) if from_case else None
            declared, _conflicts = merge_declarations([rs.inputs for rs in pick_rulesets(rulesets)])
    except JixiaoError as exc:
        abort(exc)
    write_template(output, kind, case, declared)


def _target_file(path: str):
    from jixiao.core.errors import CaseError, Location, Problem
    from jixiao.records.cycle import TargetFile, load_cycle_file
    file = load_cycle_file(path)
    if not isinstance(file, TargetFile):
        raise CaseError([Problem(_("不是目标申报文件（须有 `targets:`）"), Location(path))])
    return file


@click.command("import")
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="要写出的案例文件（.yaml）")
def import_command(workbooks: tuple[str, ...], output: str) -> None:
    """把填好的自评表（或绩效目标申报表）工作簿读成一个案例文件（或目标申报文件）；每个读不出的单元格都会指出。"""
    from jixiao.forms.case_yaml import case_to_yaml
    from jixiao.forms.reader import import_forms

    try:
        case = import_forms(list(workbooks), warn=lambda message: click.echo(_("注意：{message}").format(message=message), err=True))
    except JixiaoError as exc:
        abort(exc)
    header = _("由 `jixiao import` 读自 {files}").format(files="、".join(Path(w).name for w in workbooks))
    Path(output).write_text(case_to_yaml(case, header), encoding="utf-8")
