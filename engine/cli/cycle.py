"""`jixiao cycle …`: the budget-performance cycle around the self-evaluation — 复核 and its
opinion, the district summary, 随机抽评, target review, monitoring, results across years."""
from __future__ import annotations

import json
import sys
from decimal import Decimal

import click

from jixiao.cli.common import ENGINE, RULESETS, abort, emit, fail
from jixiao.core.errors import CaseError, JixiaoError, Location, Problem
from jixiao.core.i18n import _
from jixiao.cycle.opinion import build_opinion
from jixiao.cycle.review import load_reviewed_case, review_case
from jixiao.cycle.sampling import draw_units
from jixiao.outputs.report import render_markdown


@click.group()
def cycle() -> None:
    """全过程预算绩效管理：复核、随机抽评、目标审核、运行监控、跨年度比较。"""


@cycle.command()
@click.argument("review_path", metavar="REVIEW", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["markdown", "docx", "json"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（--format docx 时必填）")
@ENGINE
def review(review_path: str, fmt: str, output: str | None, engine: str) -> None:
    """复核一个单位：自评得分与复核得分、差异、自评质量等级和复核意见。"""
    if fmt == "docx" and not output:
        raise click.UsageError(_("--format docx 输出 Word 文档：请用 -o 指定 OPINION.docx"))
    try:
        reviewed = _reviewed(review_path, engine)
    except JixiaoError as exc:
        abort(exc)
    if fmt == "json":
        emit(reviewed.model_dump_json(indent=2) + "\n", output)
    elif fmt == "docx":
        from jixiao.outputs.word import write_docx
        write_docx(build_opinion(reviewed), output)
    else:
        emit(render_markdown(build_opinion(reviewed)), output)


def _reviewed(path: str, engine: str):
    review_file, case, lines = load_reviewed_case(path)
    return review_case(review_file, case, engine, lines)


@cycle.command()
@click.argument("reviews", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="汇总工作簿 SUMMARY.xlsx")
@ENGINE
def summary(reviews: tuple[str, ...], output: str, engine: str) -> None:
    """各复核单位汇总表（xlsx）：自评得分、复核得分、差异、等级、自评质量、主要问题。"""
    from jixiao.cycle.summary import write_summary
    results, status = [], 0
    for path in reviews:
        try:
            results.append(_reviewed(path, engine))
        except JixiaoError as exc:
            fail(exc)
            status = max(status, exc.exit_code)
    if results:
        write_summary(results, output)
    sys.exit(status)


@cycle.command()
@click.argument("units", nargs=-1, required=True)
@click.option("--seed", type=int, required=True, help="随机种子（由财政部门记录，可复现）")
@click.option("--count", type=click.IntRange(min=0), help="抽取的单位数")
@click.option("--share", type=str, help="抽取比例，如 0.3（向上取整）")
def sample(units: tuple[str, ...], seed: int, count: int | None, share: str | None) -> None:
    """随机抽评：用记录的随机种子从单位（或案例文件）中抽取复核对象。"""
    if (count is None) == (share is None):
        raise click.UsageError(_("请给出 --count 或 --share 之一"))
    try:
        ratio = None if share is None else Decimal(share)
    except ArithmeticError:
        raise click.UsageError(_("--share 应为 0 到 1 之间的小数，而不是 {value}").format(value=share)) from None
    if ratio is not None and not (0 <= ratio <= 1):
        raise click.UsageError(_("--share 应为 0 到 1 之间的小数，而不是 {value}").format(value=share))
    draw = draw_units(list(units), seed, count, ratio)
    click.echo(json.dumps({"seed": draw.seed, "population": draw.population, "selected": draw.selected},
                          ensure_ascii=False, indent=2))


FILE_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table", show_default=True)


def _scored_files(paths: tuple[str, ...], ruleset: str | None, engine: str, kind: str):
    """(file, results) for each file that loads and scores; the others' errors on stderr."""
    from jixiao.cycle.records import file_kind, score_file
    from jixiao.records.cycle import load_cycle_file
    scored, status = [], 0
    for path in paths:
        try:
            file = load_cycle_file(path)
            if file_kind(file) != kind:
                what = {"target": _("目标申报"), "monitoring": _("运行监控"), "assessment": _("PEFA 评估")}[kind]
                raise CaseError([Problem(_("不是{what}文件").format(what=what), Location(path))])
            scored.append((file, score_file(file, ruleset, engine)))
        except JixiaoError as exc:
            fail(exc)
            status = max(status, exc.exit_code)
    return scored, status


def _table(scored, conclusion: str) -> str:
    from tabulate import tabulate
    from jixiao.core.decimals import plain
    from jixiao.cycle.records import grade_counts
    rows, everything = [], []
    for file, results in scored:
        for result in results:
            everything.append(result)
            reasons = [v.reason for v in result.vetoes] + [f.problem for f in result.findings]
            rows.append([file.case.unit, result.id, result.name, "—" if result.score is None else plain(result.score),
                         result.grade or "—", "\n".join(reasons) or "—"])
    counts = "，".join(f"{grade} {n}" for grade, n in grade_counts(everything).items())
    return tabulate(rows, headers=[_("单位"), _("编号"), _("名称"), _("得分"), conclusion, _("理由")]) + "\n\n" + \
        _("合计{count}项：{counts}").format(count=len(everything), counts=counts) + "\n"


def _emit_results(scored, fmt: str, output: str | None, conclusion: str) -> None:
    if fmt == "json":
        emit(json.dumps([json.loads(r.model_dump_json()) for _f, results in scored for r in results],
                        ensure_ascii=False, indent=2) + "\n", output)
    else:
        emit(_table(scored, conclusion), output)


@cycle.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--ruleset", metavar="ID|PATH", help="指标合成规则集：pefa-m1（最弱环节法，默认）或 pefa-m2（平均法）")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件")
@ENGINE
def assess(files: tuple[str, ...], ruleset: str | None, fmt: str, output: str | None, engine: str) -> None:
    """PEFA 式评估：把各指标的维度等级（A/B/C/D、D*、NA）按 M1 或 M2 合成为指标等级。"""
    scored, status = _scored_files(files, ruleset, engine, "assessment")
    if scored:
        _emit_results(scored, fmt, output, _("指标等级"))
    sys.exit(status)


@cycle.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--ruleset", metavar="ID|PATH", help="目标审核规则集（默认 target-review）")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件")
@ENGINE
def targets(files: tuple[str, ...], ruleset: str | None, fmt: str, output: str | None, engine: str) -> None:
    """目标审核：对绩效目标申报表给出 通过 / 修改后通过 / 不通过 及理由。"""
    scored, status = _scored_files(files, ruleset, engine, "target")
    if scored:
        _emit_results(scored, fmt, output, _("审核结论"))
    sys.exit(status)


@cycle.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--ruleset", metavar="ID|PATH", help="运行监控规则集（默认 monitoring；7月40%目标用 monitoring-july40）")
@FILE_FORMAT
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（--format xlsx 时必填）")
@ENGINE
def monitor(files: tuple[str, ...], ruleset: str | None, fmt: str, output: str | None, engine: str) -> None:
    """运行监控：执行进度与时间进度、指标进度，给出 绿 / 黄 / 红 预警和纠偏要求。"""
    if fmt == "xlsx" and not output:
        raise click.UsageError(_("--format xlsx 输出工作簿：请用 -o 指定 MONITORING.xlsx"))
    scored, status = _scored_files(files, ruleset, engine, "monitoring")
    if scored and fmt == "xlsx":
        from jixiao.cycle.monitoring_table import write_monitoring_table
        write_monitoring_table(scored, output)
    elif scored:
        _emit_results(scored, fmt, output, _("预警等级"))
    sys.exit(status)


@cycle.command()
@click.argument("last_path", metavar="LAST", type=click.Path(dir_okay=False))
@click.argument("this_path", metavar="THIS", type=click.Path(dir_okay=False))
@click.option("--rule", "rule_path", type=click.Path(dir_okay=False), help="结果应用规则（YAML）：等级、趋势→预算建议，问题→整改任务")
@RULESETS
@click.option("--format", "fmt", type=click.Choice(["markdown", "docx", "json"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（--format docx 时必填）")
@ENGINE
def compare(last_path: str, this_path: str, rule_path: str | None, rulesets: tuple[str, ...], fmt: str,
            output: str | None, engine: str) -> None:
    """跨年度比较同一单位两年的评价结果：得分等级趋势、变化的指标、上年问题是否整改；可按规则给出结果应用。"""
    from jixiao.cycle.application import apply_results
    from jixiao.cycle.comparison_report import build_comparison
    from jixiao.cycle.years import compare_years
    from jixiao.records.cases import load_case
    from jixiao.records.cycle import load_application_rule
    from jixiao.rulesets.loader import pick_rulesets
    from jixiao.scoring.evaluate import evaluate_case
    if fmt == "docx" and not output:
        raise click.UsageError(_("--format docx 输出 Word 文档：请用 -o 指定 FILE.docx"))
    try:
        chosen = pick_rulesets(rulesets)
        last_case, this_case = load_case(last_path), load_case(this_path)
        comparison = compare_years(evaluate_case(last_case, *chosen, engine), evaluate_case(this_case, *chosen, engine))
        applications = []
        if rule_path:
            rule = load_application_rule(rule_path)
            budgets = {this_case.department.id: this_case.department.budget.final}
            budgets.update({p.id: p.budget.final for p in this_case.projects})
            applications = [apply_results(rule, trend, budgets.get(trend.id)) for trend in comparison.records]
    except JixiaoError as exc:
        abort(exc)
    if fmt == "json":
        data = {"comparison": json.loads(comparison.model_dump_json()),
                "application": [json.loads(a.model_dump_json()) for a in applications]}
        emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "docx":
        from jixiao.outputs.word import write_docx
        write_docx(build_comparison(comparison, applications), output)
    else:
        emit(render_markdown(build_comparison(comparison, applications)), output)
