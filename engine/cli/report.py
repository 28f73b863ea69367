"""`jixiao explain` and `jixiao report`: the trace behind a score, and a self-evaluation draft.

Both score the case as `jixiao score` does (same `--ruleset` and `--engine` options) and run the
review (复核) rulesets beside the scoring ones: `review-fuhe` / `review-fuhe-project` unless
`--review ID|PATH` names others; `--no-review` leaves them out. A review ruleset only flags: it is
never given to `--ruleset`, and a scoring ruleset never to `--review`.
"""
from __future__ import annotations

import sys

import click

from jixiao.core.i18n import _

from jixiao.records.cases import load_case
from jixiao.cli.common import ENGINE, NO_REVIEW, REVIEWS, RULESETS, abort, emit, report_problem
from jixiao.core.errors import JixiaoError
from jixiao.scoring.evaluate import evaluate_case
from jixiao.scoring.explain import render_trace, trace_record
from jixiao.outputs.report import Rulesets, build_report, render_markdown
from jixiao.rulesets.loader import pick_review_rulesets, pick_rulesets


@click.command()
@click.argument("case_path", metavar="CASE", type=click.Path(dir_okay=False))
@click.option("--project", "project_id", metavar="ID", help="只看此项目")
@click.option("--public", is_flag=True, help="公开版：不输出不得公开的记录（涉密）的计算过程")
@RULESETS
@REVIEWS
@NO_REVIEW
@ENGINE
def explain(case_path: str, project_id: str | None, rulesets: tuple[str, ...], reviews: tuple[str, ...],
            no_review: bool, engine: str, public: bool = False) -> None:
    """打印案例的完整计算过程：指标值及其来源、各指标得分、触发的规则、缺少的数据。"""
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
        case = load_case(case_path)
        passes = [(department_rs, project_rs)] + ([] if no_review else [pick_review_rulesets(reviews)])
        if project_id is not None and project_id not in {p.id for p in case.projects}:
            known = ", ".join(p.id for p in case.projects)
            report_problem(_("{path} 中没有项目 `{id}`（项目：{known}）").format(path=case_path, id=project_id, known=known))
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
              help="markdown、文档模型 JSON（供其他渲染工具），或 Word（docx，须 -o）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（docx 时必填）")
@click.option("--public", is_flag=True, help="公开版：不得公开的记录（涉密）只保留名称和理由，并略去复核意见")
@RULESETS
@REVIEWS
@NO_REVIEW
@ENGINE
def report(case_path: str, fmt: str, output: str | None, public: bool, rulesets: tuple[str, ...],
           reviews: tuple[str, ...], no_review: bool, engine: str) -> None:
    """为案例写出自评报告初稿：基本情况、预算执行、项目绩效、存在的问题、改进措施、得分。"""
    if fmt == "docx" and not output:
        raise click.UsageError(_("--format docx 写出 Word 文件，须用 -o 指定文件，如 -o REPORT.docx"))
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
        case = load_case(case_path)
        result = evaluate_case(case, department_rs, project_rs, engine)
        review_result, review_dept, review_proj = None, None, None
        if not no_review:
            review_dept, review_proj = pick_review_rulesets(reviews)
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
