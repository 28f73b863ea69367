"""What every `jixiao` subcommand shares: the --ruleset and --engine options, how errors are
printed, and where output goes. No command module defines these again."""
from __future__ import annotations

import sys

import click

from jixiao.core.errors import JixiaoError, Problem
from jixiao.core.i18n import _
from jixiao.rulesets.loader import DEFAULTS, REVIEW_DEFAULTS

ENGINE = click.option("--engine", type=click.Choice(["auto", "durable", "native"]), default="auto", show_default=True,
                      help="rule engine: durable-rules where it imports (auto), or the native one")
RULESETS = click.option("--ruleset", "rulesets", multiple=True, metavar="ID|PATH",
                        help="scoring ruleset to use (repeat for department and project); defaults: "
                             + ", ".join(f"{k} {v}" for k, v in DEFAULTS.items()))
REVIEWS = click.option("--review", "reviews", multiple=True, metavar="ID|PATH",
                       help="review (复核) ruleset run beside the scoring ones, never instead of them (repeat for "
                            "department and project); defaults: " + ", ".join(f"{k} {v}" for k, v in REVIEW_DEFAULTS.items()))
NO_REVIEW = click.option("--no-review", is_flag=True, help="run no review (复核) ruleset")


def report_problem(problem: Problem | str) -> None:
    click.echo(_("错误：{problem}").format(problem=problem), err=True)


def fail(error: JixiaoError) -> None:
    """One line per problem on stderr, no traceback; the caller goes on with the other inputs."""
    for problem in error.problems:
        report_problem(problem)


def abort(error: JixiaoError) -> None:
    """`fail`, then exit with the error's status (2 for bad input)."""
    fail(error)
    sys.exit(error.exit_code)


def emit(text: str, output: str | None) -> None:
    """`text` to the file `output`, or to stdout."""
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
