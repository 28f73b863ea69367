"""`jixiao extract`: a draft case from published reports, each value with the words it came from."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from jixiao.cli.common import emit, fail
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _


@click.command("extract")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(), metavar="CASE.yaml|DIR",
              help="写入此文件（给出多份报告时为文件夹）；默认为标准输出")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("--score", "then_score", is_flag=True, help="提取后立即评分（快速查看）")
@click.option("--patterns", type=click.Path(dir_okay=False), metavar="PATTERNS.yaml",
              help="改用此短语模式文件（格式与随附的相同）")
def extract_command(reports: tuple[str, ...], output: str | None, fmt: str, then_score: bool,
                    patterns: str | None) -> None:
    """把报告文件（.docx、.pdf、.txt、.md、.html）读成案例文件草稿，每个数值注明出处。"""
    from jixiao.extract.draft import extract_report
    from jixiao.extract.writers import draft_to_json, draft_to_yaml, summary_lines

    several = len(reports) > 1
    if several and output and not Path(output).is_dir():
        raise click.UsageError(_("给出多份报告时，-o 应为一个已存在的文件夹"))
    status, drafts = 0, []
    for report in reports:
        try:
            draft = extract_report(report, patterns)
        except JixiaoError as exc:
            fail(exc)
            status = max(status, exc.exit_code)
            continue
        text = draft_to_json(draft) if fmt == "json" else draft_to_yaml(draft)
        target = str(Path(output) / f"{Path(report).stem}.{fmt}") if several and output else output
        emit(text, target)
        for line in summary_lines(draft):
            click.echo(f"{Path(report).name}: {line}", err=True)
        drafts.append(draft)
    if then_score and drafts:
        status = max(status, _score(drafts))
    sys.exit(status)


def _score(drafts) -> int:
    from jixiao.outputs.render import to_text
    from jixiao.rulesets.loader import pick_rulesets
    from jixiao.scoring.evaluate import evaluate_case

    try:
        department_rs, project_rs = pick_rulesets(())
        results = [evaluate_case(draft.case, department_rs, project_rs, "auto") for draft in drafts]
    except JixiaoError as exc:
        fail(exc)
        return exc.exit_code
    click.echo(to_text(results, "table"), nl=False)
    return 0
