"""The `jixiao` command. Each subcommand is a small function over the library; no global state."""
from __future__ import annotations

import atexit
import os
import sys
from functools import partial
from typing import Iterator

import click

from jixiao.records.cases import case_from_file, each_project, load_case
from jixiao.cli.batch import batch_command
from jixiao.cli.cycle import cycle as cycle_commands
from jixiao.cli.common import ENGINE, RULESETS, abort, emit, emit_bytes, fail, replaced_on_success, unwritable
from jixiao.cli.excel import import_command, template_command
from jixiao.cli.extract import extract_command
from jixiao.cli.report import explain, report
from jixiao.cli.rulesets import rulesets
from jixiao.cli.schema import schema_command
from jixiao.cli.serve import serve as serve_command
from jixiao.core.errors import CaseError, JixiaoError
from jixiao.core.yamlsource import YamlFile
from jixiao.core.i18n import _
from jixiao.cli.language import LANG, LocalizedGroup
from jixiao.core.collector import paused_collector
from jixiao.core.forked import TwoCPUs
from jixiao.scoring.evaluate import case_head, evaluate_case, evaluate_record
from jixiao.outputs.publication import public_view, visible
from jixiao.outputs.render import case_json_of, json_document, project_json, to_text
from jixiao.rulesets.loader import pick_rulesets


@click.group(cls=LocalizedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jixiao", message="%(prog)s %(version)s", help="显示版本并退出")
@LANG
def main() -> None:
    """jixiao（绩效）：预算绩效自评的规则化评分。"""


@main.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(dir_okay=False))
@RULESETS
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "xlsx"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（--format xlsx 时必填）")
@click.option("--public", is_flag=True, help="公开版：不得公开的记录（涉密）只保留名称和理由")
@ENGINE
def score(cases: tuple[str, ...], rulesets: tuple[str, ...], fmt: str, output: str | None, public: bool,
          engine: str) -> None:
    """对案例文件评分：部门与项目的得分、等级、核对与问题建议。"""
    if fmt == "xlsx" and not output:
        raise click.UsageError(_("--format xlsx 输出工作簿：请用 -o 指定 RESULTS.xlsx"))
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
    except JixiaoError as exc:
        abort(exc)
    if fmt == "json":
        sys.exit(_score_json(cases, department_rs, project_rs, engine, public, output))
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
        emit(to_text(results, fmt), output)
    sys.exit(status)


@paused_collector
def _score_json(paths: tuple[str, ...], department_rs, project_rs, engine: str, public: bool, output: str | None) -> int:
    """`score --format json`, each project's result written out (or kept as its bytes) as soon as it
    is scored, never all held as models: 10,000 projects' results are 340 MB as models, 80 MB as
    JSON. One case into a file is written as it goes, the file replaced only once the case is done."""
    if len(paths) == 1 and output:
        try:
            with replaced_on_success(output) as handle:
                for chunk in _case_json(paths[0], department_rs, project_rs, engine, public):
                    handle.write(chunk)
                handle.write(b"\n")
        except JixiaoError as exc:
            fail(exc)
            return exc.exit_code
        except OSError as exc:
            abort(unwritable(output, exc))
        return 0
    cases, status = [], 0
    for path in paths:
        try:
            cases.append(b"".join(_case_json(path, department_rs, project_rs, engine, public)))
        except JixiaoError as exc:
            fail(exc)
            status = max(status, exc.exit_code)
    if cases:
        emit_bytes(json_document(cases), output)
    return status


def _case_json(path: str, department_rs, project_rs, engine: str, public: bool) -> Iterator[bytes]:
    """A case's JSON; a large case's projects are scored on two CPUs (core/forked.py): a child
    forked as soon as the file is read scores the first projects as it reads them itself, while
    the parent reads and validates the whole case and scores the department; then the parent
    scores the projects from where it tells the child to stop."""
    file = YamlFile.read(path, CaseError)

    def project_bytes(case, project) -> bytes:
        result = evaluate_record(project_rs, project, case, engine)
        return project_json(visible(result) if public else result)

    def child(emit) -> None:
        each_project(file, lambda case, project: emit(project_bytes(case, project)))

    with TwoCPUs(child if project_rs is not None else None, file.size) as helper:
        case = case_from_file(file)
        head = case_head(case, department_rs, project_rs, engine)
        projects = helper.share(case.projects if project_rs is not None else [], partial(project_bytes, case))
        yield from case_json_of(public_view(head) if public else head, projects)


# ---- subcommands defined in their own modules ------------------------------------------------
for command in (template_command, import_command, batch_command, rulesets, explain, report, schema_command,
                extract_command):
    main.add_command(command)
main.add_command(serve_command)
main.add_command(cycle_commands)  # jixiao cycle …: 复核, 抽评, 目标审核, 运行监控, 跨年度 (cli/cycle.py)


def run() -> None:
    """The `jixiao` process (its console script and `python -m jixiao`): `main`, and then out at once.
    Once every output is written and flushed, the interpreter's teardown (every module, every object
    still held) is 0.1–0.15 s of a large case's ~4.5 that no one waits for; atexit callbacks still run."""
    try:
        main(prog_name="jixiao")
        status = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            raise  # Python prints it and exits 1 (click gives numbers)
        status = exc.code or 0
    atexit._run_exitfuncs()  # before the flush: what they write is flushed with the rest
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python's own exit reports it as usual
        sys.exit(status)
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
