"""`jixiao batch`: score case files, folders and JSON Lines into one JSON line per record."""
from __future__ import annotations

import sys

import click

from jixiao.cli.common import ENGINE, RULESETS, abort
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="JSON Lines to write, one line per record (- for stdout)")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True, help="score in N processes")
@click.option("--chunk-size", type=click.IntRange(1), default=64, show_default=True,
              help="records handed to a worker at a time")
@RULESETS
@click.option("--public", is_flag=True, help="leave out every detail of records that may not be published (涉密)")
@ENGINE
@click.option("--progress/--no-progress", default=None, help="progress bar (default: when stderr is a terminal)")
@click.option("--resume", is_flag=True, help="keep what OUTPUT already holds and score only the rest "
              "(after a killed or incomplete run)")
def batch_command(inputs: tuple[str, ...], output: str, workers: int, chunk_size: int, rulesets: tuple[str, ...],
                  public: bool, engine: str, progress: bool | None, resume: bool = False) -> None:
    """Score many records: results streamed in input order, a summary table at the end.

    INPUTS are case files (.yaml), JSON Lines (.jsonl: a whole case or {"case": …, "project": …}
    per line) and folders of them. A record that fails is written as {"source", "error"} and the
    others go on; the exit status is then 2 (3 if the rule engine failed)."""
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
            with click.progressbar(length=count_units(inputs), label="评分 scoring", file=sys.stderr,
                                   show_pos=True, show_eta=True) as bar:
                summary = run_batch(units, out, scorer, workers, chunk_size, bar.update)
        else:
            summary = run_batch(units, out, scorer, workers, chunk_size)
    click.echo(summary.table(grades), err=True)
    if summary.incomplete:
        click.echo(_("输出不完整：{lost}条输入未能评分（评分进程中止），已在 {output} 中标明；用 --resume 重新运行可补评").format(
            lost=summary.lost, output=output), err=True)
    if summary.failed:
        click.echo(f"{summary.failed} 条记录失败 record(s) failed: see the \"error\" lines in {output}", err=True)
    sys.exit(summary.exit_code)
