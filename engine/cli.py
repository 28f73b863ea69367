"""The `jixiao` command. Each subcommand is a small function over the library; no global state."""
from __future__ import annotations

import sys

import click

from .cases import load_case
from .errors import JixiaoError
from .evaluate import evaluate_case
from .publication import public_view
from .render import to_json, to_text
from .rulesets import DEFAULTS, load_ruleset


def fail(error: JixiaoError) -> None:
    for problem in error.problems:
        click.echo(f"错误 error: {problem}", err=True)


def pick_rulesets(refs: tuple[str, ...]):
    """One ruleset per record kind: the ones given (sorted by applies_to), defaults for the rest."""
    chosen = {}
    for ref in refs:
        compiled = load_ruleset(ref)
        kinds = ["department", "project"] if compiled.kind == "any" else [compiled.kind]
        for kind in kinds:
            chosen[kind] = compiled
    for kind, ref in DEFAULTS.items():
        if kind not in chosen:
            chosen[kind] = load_ruleset(ref)
    return chosen["department"], chosen["project"]


ENGINE = click.option("--engine", type=click.Choice(["auto", "durable", "native"]), default="auto", show_default=True,
                      help="rule engine: durable-rules where it imports (auto), or the native one")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jixiao")
def main() -> None:
    """jixiao（绩效）：预算绩效自评的规则化评分。Score budget-performance self-evaluations."""


@main.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--ruleset", "rulesets", multiple=True, metavar="ID|PATH",
              help="ruleset to use (repeat for department and project); defaults: "
                   + ", ".join(f"{k} {v}" for k, v in DEFAULTS.items()))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "xlsx"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="write to this file (required for --format xlsx)")
@click.option("--public", is_flag=True, help="leave out every detail of records that may not be published (涉密)")
@ENGINE
def score(cases: tuple[str, ...], rulesets: tuple[str, ...], fmt: str, output: str | None, public: bool,
          engine: str) -> None:
    """Score CASE files: department and projects, with checks and findings."""
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx writes a workbook: give -o RESULTS.xlsx")
    try:
        department_rs, project_rs = pick_rulesets(rulesets)
    except JixiaoError as exc:
        fail(exc)
        sys.exit(exc.exit_code)
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
        from .excel.results import write_results
        write_results(results, output)
    elif results:
        text = to_json(results) if fmt == "json" else to_text(results, fmt)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            click.echo(text, nl=False)
    sys.exit(status)


# ---- subcommands defined in their own modules (one line each) ----------------------------
from .cli_excel import import_command, template_command  # noqa: E402
main.add_command(template_command)
main.add_command(import_command)
from .cli_batch import batch_command  # noqa: E402
main.add_command(batch_command)
from .cli_rulesets import rulesets  # noqa: E402
main.add_command(rulesets)
from .cli_report import explain, report  # noqa: E402
main.add_command(explain)
main.add_command(report)


if __name__ == "__main__":  # pragma: no cover
    main()
