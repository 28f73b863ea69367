"""The `jixiao` command. Each subcommand is a small function over the library; no global state."""
from __future__ import annotations

import sys

import click

from jixiao.records.cases import load_case
from jixiao.cli.batch import batch_command
from jixiao.cli.common import ENGINE, RULESETS, abort, emit, fail
from jixiao.cli.excel import import_command, template_command
from jixiao.cli.report import explain, report
from jixiao.cli.rulesets import rulesets
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _
from jixiao.scoring.evaluate import evaluate_case
from jixiao.outputs.publication import public_view
from jixiao.outputs.render import to_json, to_text
from jixiao.rulesets.loader import pick_rulesets


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jixiao")
def main() -> None:
    """jixiao（绩效）：预算绩效自评的规则化评分。Score budget-performance self-evaluations."""


@main.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(dir_okay=False))
@RULESETS
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "xlsx"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write to this file (required for --format xlsx)")
@click.option("--public", is_flag=True, help="leave out every detail of records that may not be published (涉密)")
@ENGINE
def score(cases: tuple[str, ...], rulesets: tuple[str, ...], fmt: str, output: str | None, public: bool,
          engine: str) -> None:
    """Score CASE files: department and projects, with checks and findings."""
    if fmt == "xlsx" and not output:
        raise click.UsageError(_("--format xlsx 写出工作簿，须用 -o 指定文件，如 -o RESULTS.xlsx"))
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
    except JixiaoError as exc:
        abort(exc)
    results, status = [], 0
    for path in cases:
        try:
            result = evaluate_case(load_case(path), department_rs, project_rs, engine)
        except JixiaoError as exc:
            fail(exc)
            status = max(status, exc.exit_code)
            continue
        results.append(public_view(result) if public else result)
    if results and fmt == "xlsx":
        from jixiao.outputs.workbook import write_results
        write_results(results, output)
    elif results:
        emit(to_json(results) if fmt == "json" else to_text(results, fmt), output)
    sys.exit(status)


# ---- subcommands defined in their own modules ------------------------------------------------
for command in (template_command, import_command, batch_command, rulesets, explain, report):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
