"""`jixiao batch`: score case files, folders and JSON Lines into one JSON line per record."""
from __future__ import annotations

import sys
import time

import click

from jixiao.cli.common import ENGINE, RULESETS, abort
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _


def steady_eta(bar):
    """`bar.update`, with the bar's clock restarted at the first records done. click's ETA divides
    the time since the bar appeared by the records done so far, so the start-up (worker processes,
    compiled rulesets, the first chunk) once showed 15 minutes for a 12-second run."""
    first = True

    def update(n: int) -> None:
        nonlocal first
        if first:
            first = False
            bar.start = time.time() - 1e-3  # the first records' own time is what start-up hid
            bar.avg = []
        bar.update(n)
    return update


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="写出的 JSON Lines 文件，每条记录一行（- 为标准输出）")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="用 N 个进程评分")
@click.option("--chunk-size", type=click.IntRange(1), default=64, show_default=True,
              help="每次交给一个进程的记录数")
@RULESETS
@click.option("--public", is_flag=True, help="公开版：不得公开的记录（涉密）只保留名称和理由")
@ENGINE
@click.option("--progress/--no-progress", default=None, help="显示进度条（默认：标准错误输出为终端时显示）")
@click.option("--resume", is_flag=True, help="保留 OUTPUT 中已写出的结果，只为其余记录评分（用于中断或不完整的运行之后）")
def batch_command(inputs: tuple[str, ...], output: str, workers: int, chunk_size: int, rulesets: tuple[str, ...],
                  public: bool, engine: str, progress: bool | None, resume: bool = False) -> None:
    """批量评分：结果按输入顺序逐条写出，最后打印汇总表。

    INPUTS 为案例文件（.yaml）、JSON Lines（.jsonl：每行一个完整案例或 {"case": …, "project": …}）
    及其所在文件夹。出错的记录写成 {"source", "error"}，其余照常评分；此时退出状态为 2（规则引擎
    出错为 3）。"""
    from jixiao.batch.runner import Scorer, already_done, count_units, grade_names, iter_units, resume_point, run_batch

    scorer = Scorer(rulesets, engine, public)
    try:
        grades = grade_names(scorer)  # compiles the rulesets here first: a bad --ruleset stops at once
    except JixiaoError as exc:
        abort(exc)
    show = sys.stderr.isatty() if progress is None else progress
    done = resume_point(output) if resume and output != "-" else set()
    units = iter_units(inputs) if not done else (u for u in iter_units(inputs) if not already_done(u, done))
    with click.open_file(output, "a" if done else "w", encoding="utf-8") as out:
        if show:
            with click.progressbar(length=count_units(inputs), label=_("评分"), file=sys.stderr,
                                   show_pos=True, show_eta=True) as bar:
                summary = run_batch(units, out, scorer, workers, chunk_size, steady_eta(bar))
        else:
            summary = run_batch(units, out, scorer, workers, chunk_size)
    click.echo(summary.table(grades), err=True)
    if summary.incomplete:
        click.echo(_("输出不完整：{lost}条输入未能评分（评分进程中止），已在 {output} 中标明；用 --resume 重新运行可补评").format(
            lost=summary.lost, output=output), err=True)
    if summary.failed:
        click.echo(_("{failed} 条记录失败：见 {output} 中含 \"error\" 的行").format(failed=summary.failed, output=output), err=True)
    sys.exit(summary.exit_code)
