"""`jixiao rulesets …`: the authoring workflow of a finance bureau — list, show, validate, schema,
test, diff and simulate — as thin commands over the library."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from tabulate import tabulate

from jixiao.records.cases import input_paths
from jixiao.records.inputs import TYPE_WORDS
from jixiao.cli.common import ENGINE, abort, complete_ruleset, report_problem
from jixiao.rulesets.compiler import compile_ruleset
from jixiao.core.errors import JixiaoError, Problem, RulesetError
from jixiao.core.i18n import N_, _
from jixiao.rulesets.diff import diff as semantic_diff, format_diff
from jixiao.rulesets.schema import schema_text
from jixiao.authoring.ruleset_tests import format_report, run_tests
from jixiao.rulesets.view import flatten, short
from jixiao.rulesets.conditions import include_ref
from jixiao.rulesets.loader import load_ruleset, load_sources, shipped_ids

def _refs(paths: tuple[str, ...]) -> list[str]:
    """Files, shipped ids, and folders (their *.yaml files, sorted)."""
    return [str(p) for p in input_paths(paths)]


def validate_ref(ref: str) -> list[Problem]:
    """Every problem of one ruleset: YAML, fields (all at once), then names, weights, bands, grades."""
    try:
        compile_ruleset(load_sources(ref))
    except RulesetError as exc:
        return list(exc.problems)
    return []


@click.group("rulesets")
def rulesets() -> None:
    """编写规则集：列出、查看、校验、模式、测试、比较、模拟。"""


@rulesets.command("list")
def list_() -> None:
    """随附的规则集。"""
    rows = []
    for ident in shipped_ids():
        try:
            rs = load_sources(ident)[0].ruleset
        except RulesetError as exc:
            rows.append([ident, "—", "—", "—", "—", _("无效：{problem}").format(problem=exc.problems[0]), "—"])
            continue
        rows.append([rs.id, rs.applies_to, rs.version, rs.extends or "", ", ".join(include_ref(i)[0] for i in rs.include), rs.title, len(rs.tests)])
    click.echo(tabulate(rows, headers=[_("编号"), _("适用于"), _("版本"), _("继承"), _("包含"), _("名称"), _("测试数")],
                        disable_numparse=True))


@rulesets.command()
@click.argument("ref", metavar="ID|PATH", shell_complete=complete_ruleset)
def show(ref: str) -> None:
    """展开后的规则集：指标树、等级、一票否决、免评、核对、问题与建议，并注明每个值出自何处（文件:行）。"""
    try:
        sources = load_sources(ref)
        compile_ruleset(sources)
    except JixiaoError as exc:
        abort(exc)
    entries = flatten(sources)
    head = entries[("ruleset", "")]
    rs = sources[0].ruleset
    out = [f"{rs.id} {rs.version} — {rs.title}", ""]
    out.append(tabulate([[k, v, short(head.origins[k])] for k, v in head.fields.items() if k not in ("title", "version", "provenance") and not k.startswith("local_choices")],
                        headers=[_("设置"), _("值"), _("出处")], disable_numparse=True))

    def section(title: str, kind: str, columns: list[str], cells) -> None:
        rows = [cells(e) for (k, _), e in entries.items() if k == kind]
        if rows:
            out.extend(["", title, tabulate(rows, headers=columns, disable_numparse=True)])

    conditional = any("applies_when" in e.fields for (k, _), e in entries.items() if k == "indicator")
    section(_("指标"), "indicator", [_("编号"), _("名称"), _("分值"), _("计分方法")] + [_("适用条件")] * conditional
            + [_("分值出处"), _("方法出处")],
            lambda e: ["· " * e.depth + e.ident, e.fields.get("name", ""), e.fields.get("weight", ""), _method(e)]
            + [e.fields.get("applies_when", "")] * conditional
            + [short(e.origins["weight"]), short(e.origins["method"]) if "method" in e.origins else ""])
    section(_("等级"), "grade", [_("等级"), _("下限"), _("出处")], lambda e: [e.ident, e.fields["min"], short(e.origins["min"])])
    section(_("定性档次"), "tier", [_("档次"), _("得分比例"), _("出处")],
            lambda e: [e.ident, e.fields["range"], short(e.origins["range"])])
    section(_("数据项"), "input", [_("键"), _("名称"), _("类型"), _("单位"), _("必填"), _("栏目"), _("出处")],
            lambda e: [e.ident, e.fields.get("label", ""), _(TYPE_WORDS[e.fields["type"]]), e.fields.get("unit", ""),
                       _("是") if e.fields.get("required") == "true" else "", e.fields.get("section", ""), short(e.where)])
    section(_("一票否决"), "veto", [_("编号"), _("名称"), _("后果"), _("出处")],
            lambda e: [e.ident, e.fields.get("name", ""), e.fields.get("effect", ""), short(e.where)])
    section(_("免评"), "exemption", [_("编号"), _("名称"), _("评分"), _("公开"), _("条件"), _("出处")],
            lambda e: [e.ident, e.fields.get("name", ""), e.fields.get("score", "false"), e.fields.get("publish", "false"),
                       e.fields.get("when", ""), short(e.where)])
    section(_("核对"), "check", [_("编号"), _("名称"), _("严重程度"), _("出处")],
            lambda e: [e.ident, e.fields.get("name", ""), e.fields.get("severity", ""), short(e.where)])
    section(_("问题与建议"), "finding", [_("编号"), _("类别"), _("严重程度"), _("条件"), _("出处")],
            lambda e: [e.ident, e.fields.get("category", ""), e.fields.get("severity", ""), e.fields.get("when", ""),
                       short(e.where)])
    click.echo("\n".join(out))


def _method(entry) -> str:
    """`ladder(execution_rate): standard 1, step 0.05, …`, `bands(x): ≤0.05 → 10; …`, or `group`."""
    if "method" not in entry.fields:
        return "group"
    value = entry.fields.get("method.value") or entry.fields.get("method.when") or entry.fields.get("method.level1", "")
    params = [f"{k.split('.', 1)[1]} {v}" for k, v in entry.fields.items()
              if k.startswith("method.") and k not in ("method.value", "method.when", "method.level1", "method.bands")]
    if "method.bands" in entry.fields:
        params.append(entry.fields["method.bands"])
    return f"{entry.fields['method']}({value})" + (": " + ", ".join(params) if params else "")


@rulesets.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|ID…", shell_complete=complete_ruleset)
def validate(paths: tuple[str, ...]) -> None:
    """校验规则集：每个问题打印为 文件:行:列: 说明；全部无误时退出状态为 0。"""
    refs = _refs(paths)
    bad = 0
    for ref in refs:
        problems = validate_ref(ref)
        for problem in problems:
            click.echo(str(problem))
        bad += bool(problems)
        if not problems:
            click.echo(_("无误 {ref}").format(ref=ref), err=True)
    if bad:
        click.echo(_("{total} 个规则集中有 {bad} 个有问题").format(bad=bad, total=len(refs)), err=True)
        sys.exit(2)


@rulesets.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（默认为标准输出）")
@click.option("--overrides", is_flag=True, help=N_("用于 `extends:` 继承其他规则集的变体（ruleset-overrides.schema.json）"))
def schema(output: str | None, overrides: bool) -> None:
    """规则集格式的 JSON Schema，供编辑器使用（随附为 rulesets/ruleset.schema.json）。"""
    text = schema_text(overrides)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@rulesets.command("test")
@click.argument("paths", nargs=-1, required=True, metavar="PATH|ID…", shell_complete=complete_ruleset)
@ENGINE
def test_(paths: tuple[str, ...], engine: str) -> None:
    """运行规则集自带的测试；每个失败都列出预期值与实际值。"""
    status = 0
    for ref in _refs(paths):
        try:
            report = run_tests(ref, engine)
        except JixiaoError as exc:
            for problem in exc.problems:
                click.echo(str(problem))
            status = max(status, 2)
            continue
        for line in format_report(report):
            click.echo(line)
        if not report.ok or not report.outcomes:
            status = max(status, 1)
    sys.exit(status)


@rulesets.command("diff")
@click.argument("old", metavar="OLD", shell_complete=complete_ruleset)
@click.argument("new", metavar="NEW", shell_complete=complete_ruleset)
def diff_(old: str, new: str) -> None:
    """OLD 到 NEW 的变化：指标、分值、阈值、分档、等级、一票否决、文字。"""
    try:
        a, b = load_sources(old), load_sources(new)
    except JixiaoError as exc:
        abort(exc)
    click.echo(format_diff(a, b, semantic_diff(a, b)), nl=False)


@rulesets.command()
@click.option("--base", required=True, metavar="ID|PATH", help="现行规则集")
@click.option("--candidate", required=True, metavar="ID|PATH", help="拟用规则集")
@click.argument("cases", nargs=-1, required=True, metavar="CASES…")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
@click.option("--chart", type=click.Path(dir_okay=False), help="把调整前后的等级分布画成 PNG")
@ENGINE
def simulate(base: str, candidate: str, cases: tuple[str, ...], fmt: str, chart: str | None, engine: str) -> None:
    """用两个规则集分别为 CASES（文件或文件夹）评分：得分变化、等级迁移、否决与免评的变化。"""
    from jixiao.authoring.simulate import simulate as run, to_json, to_text
    try:
        sim = run(load_ruleset(base), load_ruleset(candidate), list(cases), engine)
        if chart:
            from jixiao.authoring.chart import write_chart
            write_chart(sim, chart)
    except JixiaoError as exc:
        abort(exc)
    for problem in sim.problems:
        report_problem(problem)
    click.echo(to_json(sim) if fmt == "json" else to_text(sim, fmt), nl=False)
    if chart:
        click.echo(_("图已写入 {path}").format(path=chart), err=True)
    sys.exit(2 if sim.problems else 0)
