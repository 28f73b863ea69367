"""`applies_when`: rulesets, includes, vetoes, exemptions, checks and findings that apply only to
some kinds of unit (the 平安建设 veto set to 政法 units, not to a township or a finance office).

A condition is an expression over the record like any other, checked the same way: a field the
record does not have is an error at the condition's own line and column. The loader then folds
each condition into the parts it guards, before compiling, so that both rule engines decide it as
they decide everything else: a veto, exemption or finding fires only when `(condition) and
(when)`. A check has no `when`: its assert becomes `not (condition) or (assert)` (so it reads the
condition's fields) and evaluation leaves the check out wherever the condition does not hold
(`holds`). A condition that is unknown (its field not stated) does not hold: the part is left out
rather than applied to a unit it may not concern.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from jixiao.core.errors import Problem
from jixiao.expressions.codegen import compile_fast
from jixiao.expressions.parser import parse_expression
from jixiao.rulesets.compiler import Source, _Compiler
from jixiao.rulesets.model import Include

PARTS = ("vetoes", "exemptions", "checks", "findings")


def both(first: str | None, second: str | None) -> str | None:
    """The condition that holds where both hold (either may be absent)."""
    if first is None or second is None:
        return first if second is None else second
    return f"({first}) and ({second})"


def include_ref(entry: str | Include) -> tuple[str, str | None]:
    """An `include` entry's ruleset reference and its condition."""
    return (entry, None) if isinstance(entry, str) else (entry.ruleset, entry.applies_when)


def condition_problems(sources: list[Source]) -> list[Problem]:
    """Every `applies_when` written in `sources` compiled against the main ruleset's record kind."""
    checker = _Compiler(sources)
    for source in sources:
        rs, lines = source.ruleset, source.lines
        if rs.applies_when is not None:
            checker.expression(rs.applies_when, lines, ("applies_when",))
        for i, entry in enumerate(rs.include):
            if isinstance(entry, Include) and entry.applies_when is not None:
                checker.expression(entry.applies_when, lines, ("include", i, "applies_when"))
        for part in PARTS:
            for i, item in enumerate(getattr(rs, part)):
                if item.applies_when is not None:
                    checker.expression(item.applies_when, lines, (part, i, "applies_when"))
    return checker.problems


def guarded(source: Source, inherited: str | None) -> Source:
    """`source` with its parts' conditions (and `inherited`, the include's) folded into their rules."""
    rs = source.ruleset
    if inherited is None and not any(item.applies_when for part in PARTS for item in getattr(rs, part)):
        return source

    def fold(item, field: str, negate_into: bool = False):
        condition = both(inherited, item.applies_when)
        if condition is None:
            return item
        text = getattr(item, field)
        folded = f"not ({condition}) or ({text})" if negate_into else f"({condition}) and ({text})"
        return item.model_copy(update={field: folded, "applies_when": condition})

    update: dict[str, Any] = {
        "vetoes": [fold(v, "when") for v in rs.vetoes],
        "exemptions": [fold(e, "when") for e in rs.exemptions],
        "findings": [fold(f, "when") for f in rs.findings],
        "checks": [fold(c, "assert_", negate_into=True) for c in rs.checks],
    }
    return Source(rs.model_copy(update=update), source.lines)


@lru_cache(maxsize=256)
def _run(text: str) -> Callable[[dict], Any]:
    return compile_fast(parse_expression(text))


def holds(condition: str | None, ns: dict) -> bool:
    """Whether a part guarded by `condition` applies to the record whose namespace is `ns`."""
    return condition is None or _run(condition)(ns) is True
