"""`jixiao rulesets …`: the authoring workflow of a finance bureau — list, show, validate, schema,
test, diff and simulate — as thin commands over the library."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from tabulate import tabulate

from jixiao.records.cases import input_paths
from jixiao.cli.common import ENGINE, abort, report_problem
from jixiao.rulesets.compiler import compile_ruleset
from jixiao.core.errors import JixiaoError, Problem, RulesetError
from jixiao.rulesets.diff import diff as semantic_diff, format_diff
from jixiao.rulesets.schema import FILES, schema_text
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
    """Author rulesets: list, show, validate, schema, test, diff, simulate."""


@rulesets.command("list")
def list_() -> None:
    """The shipped rulesets."""
    rows = []
    for ident in shipped_ids():
        try:
            rs = load_sources(ident)[0].ruleset
        except RulesetError as exc:
            rows.append([ident, "—", "—", "—", "—", f"invalid: {exc.problems[0]}", "—"])
            continue
        rows.append([rs.id, rs.applies_to, rs.version, rs.extends or "", ", ".join(include_ref(i)[0] for i in rs.include), rs.title, len(rs.tests)])
    click.echo(tabulate(rows, headers=["id", "applies to", "version", "extends", "includes", "title", "tests"],
                        disable_numparse=True))


@rulesets.command()
@click.argument("ref", metavar="ID|PATH")
def show(ref: str) -> None:
    """The resolved ruleset: indicator tree, grades, vetoes, exemptions, checks, findings — with where
    each value comes from (file:line)."""
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
                        headers=["setting", "value", "from"], disable_numparse=True))

    def section(title: str, kind: str, columns: list[str], cells) -> None:
        rows = [cells(e) for (k, _), e in entries.items() if k == kind]
        if rows:
            out.extend(["", title, tabulate(rows, headers=columns, disable_numparse=True)])

    section("indicators 指标", "indicator", ["id", "name", "weight", "method", "weight from", "method from"],
            lambda e: ["· " * e.depth + e.ident, e.fields.get("name", ""), e.fields.get("weight", ""), _method(e),
                       short(e.origins["weight"]), short(e.origins["method"]) if "method" in e.origins else ""])
    section("grades 等级", "grade", ["grade", "min", "from"], lambda e: [e.ident, e.fields["min"], short(e.origins["min"])])
    section("tiers 定性档次", "tier", ["tier", "share of weight", "from"],
            lambda e: [e.ident, e.fields["range"], short(e.origins["range"])])
    section("vetoes 一票否决", "veto", ["id", "name", "effect", "from"],
            lambda e: [e.ident, e.fields.get("name", ""), e.fields.get("effect", ""), short(e.where)])
    section("exemptions 免评", "exemption", ["id", "name", "scored", "published", "when", "from"],
            lambda e: [e.ident, e.fields.get("name", ""), e.fields.get("score", "false"), e.fields.get("publish", "false"),
                       e.fields.get("when", ""), short(e.where)])
    section("checks 核对", "check", ["id", "name", "severity", "from"],
            lambda e: [e.ident, e.fields.get("name", ""), e.fields.get("severity", ""), short(e.where)])
    section("findings 问题与建议", "finding", ["id", "category", "severity", "when", "from"],
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
@click.argument("paths", nargs=-1, required=True, metavar="PATH|ID…")
def validate(paths: tuple[str, ...]) -> None:
    """Check rulesets; print every problem as file:line:column: message. Exit 0 only when all are clean."""
    refs = _refs(paths)
    bad = 0
    for ref in refs:
        problems = validate_ref(ref)
        for problem in problems:
            click.echo(str(problem))
        bad += bool(problems)
        if not problems:
            click.echo(f"ok {ref}", err=True)
    if bad:
        click.echo(f"{bad} of {len(refs)} rulesets have problems", err=True)
        sys.exit(2)


@rulesets.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write to this file instead of stdout")
@click.option("--overrides", is_flag=True, help=f"the variant for rulesets that `extends:` another ({FILES['overrides']})")
def schema(output: str | None, overrides: bool) -> None:
    """The JSON Schema of the ruleset format, for editors (shipped as rulesets/ruleset.schema.json)."""
    text = schema_text(overrides)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@rulesets.command("test")
@click.argument("paths", nargs=-1, required=True, metavar="PATH|ID…")
@ENGINE
def test_(paths: tuple[str, ...], engine: str) -> None:
    """Run the tests each ruleset carries; report every failure with expected vs got."""
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
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
def diff_(old: str, new: str) -> None:
    """What changes from OLD to NEW: indicators, weights, thresholds, bands, grades, vetoes, texts."""
    try:
        a, b = load_sources(old), load_sources(new)
    except JixiaoError as exc:
        abort(exc)
    click.echo(format_diff(a, b, semantic_diff(a, b)), nl=False)


@rulesets.command()
@click.option("--base", required=True, metavar="ID|PATH", help="the ruleset in force")
@click.option("--candidate", required=True, metavar="ID|PATH", help="the ruleset proposed")
@click.argument("cases", nargs=-1, required=True, metavar="CASES…")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True)
@click.option("--chart", type=click.Path(dir_okay=False), help="write the grade distribution before/after as a PNG")
@ENGINE
def simulate(base: str, candidate: str, cases: tuple[str, ...], fmt: str, chart: str | None, engine: str) -> None:
    """Score CASES (files or folders) under both rulesets: score deltas, grade migration, veto/exemption changes."""
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
        click.echo(f"chart written to {chart}", err=True)
    sys.exit(2 if sim.problems else 0)
