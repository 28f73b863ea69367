"""`jixiao explain` and `jixiao report`: the trace behind a score, and a self-evaluation draft.

Both score the case as `jixiao score` does (same `--ruleset` and `--engine` options) and run the
review (复核) rulesets `review-fuhe` / `review-fuhe-project` alongside (`--no-review` leaves them
out).
"""
from __future__ import annotations

import sys

import click

from jixiao.core.i18n import _

from jixiao.records.cases import load_case
from jixiao.cli.common import ENGINE, RULESETS, abort, emit, report_problem
from jixiao.core.errors import JixiaoError
from jixiao.scoring.evaluate import evaluate_case
from jixiao.scoring.explain import render_trace, trace_record
from jixiao.outputs.report import Rulesets, build_report, render_markdown
from jixiao.rulesets.loader import load_ruleset, pick_rulesets

REVIEW = ("review-fuhe", "review-fuhe-project")

REVIEW_OPTION = click.option("--review/--no-review", default=True, show_default=True,
                             help="also run the review (复核) rulesets")


def _review_rulesets():
    department, project = (load_ruleset(ref) for ref in REVIEW)
    return department, project


@click.command()
@click.argument("case_path", metavar="CASE", type=click.Path(dir_okay=False))
@click.option("--project", "project_id", metavar="ID", help="only this project")
@click.option("--public", is_flag=True, help="leave out the trace of records that may not be published (涉密)")
@RULESETS
@REVIEW_OPTION
@ENGINE
def explain(case_path: str, project_id: str | None, rulesets: tuple[str, ...], review: bool, engine: str,
            public: bool = False) -> None:
    """Print the full trace of CASE: metrics and their inputs, indicators, rules fired, what was missing."""
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
        case = load_case(case_path)
        passes = [(department_rs, project_rs)] + ([_review_rulesets()] if review else [])
        if project_id is not None and project_id not in {p.id for p in case.projects}:
            known = ", ".join(p.id for p in case.projects)
            report_problem(f"no project `{project_id}` in {case_path} (projects: {known})")
            sys.exit(2)
        out = []
        for dept_rs, proj_rs in passes:
            result = evaluate_case(case, dept_rs, proj_rs, engine)
            if project_id is None:
                out.append(render_trace(trace_record(dept_rs, case.department, result.department, case, engine)))
            for project, record in zip(case.projects, result.projects):
                if project_id in (None, project.id):
                    if public and not record.published:  # a 涉密 project: named, nothing else of it
                        out.append(_("项目 {id}（{name}）：不予公开，不列明细。").format(id=project.id, name=project.name) + "\n")
                        continue
                    out.append(render_trace(trace_record(proj_rs, project, record, case, engine)))
    except JixiaoError as exc:
        abort(exc)
    click.echo("\n".join(out), nl=False)


@click.command()
@click.argument("case_path", metavar="CASE", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "docx"]), default="markdown", show_default=True,
              help="markdown, the document model as JSON (for other renderers), or Word (docx, needs -o)")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write to this file (required for docx)")
@click.option("--public", is_flag=True, help="leave out every detail of records that may not be published (涉密), "
                                              "and the review notes")
@RULESETS
@REVIEW_OPTION
@ENGINE
def report(case_path: str, fmt: str, output: str | None, public: bool, rulesets: tuple[str, ...], review: bool,
           engine: str) -> None:
    """Write a self-evaluation draft for CASE: 基本情况, 预算执行, 项目绩效, 问题, 改进措施, 得分."""
    if fmt == "docx" and not output:
        raise click.UsageError("--format docx writes a Word file: give -o REPORT.docx")
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
        case = load_case(case_path)
        result = evaluate_case(case, department_rs, project_rs, engine)
        review_result, review_dept, review_proj = None, None, None
        if review:
            review_dept, review_proj = _review_rulesets()
            review_result = evaluate_case(case, review_dept, review_proj, engine)
        document = build_report(case, result, public, Rulesets(department_rs, project_rs, review_dept, review_proj),
                                review_result)
    except JixiaoError as exc:
        abort(exc)
    if fmt == "docx":
        from jixiao.outputs.word import write_docx
        write_docx(document, output)
    else:
        emit(document.model_dump_json(indent=2) + "\n" if fmt == "json" else render_markdown(document), output)
