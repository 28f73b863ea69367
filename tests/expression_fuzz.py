"""Random ruleset expressions and project records, and one trial of both engines on them.

Shared by tests/test_expression_fuzz.py (a CI-sized run, fixed seed) and bench/fuzz.py (the full
run). An expression is drawn from a grammar over a project's fields — well typed or not, with now
and then a piece from outside the language (`__class__`, a subscript, a call of `open`) — and
compiled as a finding's condition. A trial's outcome is one of:

- "refused": the ruleset does not compile (a RulesetError: the typed answer to a bad expression);
- "escape": it compiles although it holds something outside the language;
- "crash": anything but a JixiaoError, at compile or evaluation time;
- "disagree": native and durable give different fired rules or different errors on some record;
- "agree": both engines gave the same on every record (a value or the same EvaluationError).
"""
from __future__ import annotations

import random
import time
from decimal import Decimal

import yaml

from jixiao.core.errors import JixiaoError, RulesetError
from jixiao.core.yamlsource import load_yaml_text
from jixiao.records.model import Project
from jixiao.records.namespace import record_namespace
from jixiao.rulesets.compiler import Source, compile_ruleset
from jixiao.rulesets.loader import problems_from
from jixiao.rulesets.model import Ruleset

NUMBERS = ["actual", "carryover", "budget.initial", "budget.final", "budget.adjustment"]
TEXTS = ["name", "id", "funding_source", "budget.adjustment_reason"]
BOOLS = ["confidential"]
NUMBER_LITERALS = ["0", "1", "0.9", "10.82", "100", "-3", "0.01", "1e3", "56.18", "5.005"]
TEXT_LITERALS = ['"本级"', '"完成"', '"上级专项"', '""']
HOSTILE = ["actual.__class__", "budget[0]", "open('x')", "__import__('os')", "(lambda: 1)()", "actual ** 2",
           "[p for p in indicators]", "name.upper()", "0x10", "1e999999999", "round(actual, 1e9)", "f'{name}'"]


class Grammar:
    def __init__(self, rng: random.Random, hostile: float = 0.02):
        self.rng = rng
        self.hostile = hostile
        self.used_hostile = False

    def pick(self, options):
        return self.rng.choice(options)

    def number(self, depth: int) -> str:
        r = self.rng.random()
        if depth <= 0 or r < 0.35:
            return self.pick(NUMBERS) if self.rng.random() < 0.7 else self.pick(NUMBER_LITERALS)
        if r < 0.6:
            return f"({self.number(depth - 1)} {self.pick('+-*/')} {self.number(depth - 1)})"
        if r < 0.7:
            return f"coalesce({self.number(depth - 1)}, {self.number(depth - 1)})"
        if r < 0.78:
            return f"{self.pick(['abs', 'min', 'max'])}({self.number(depth - 1)}" + (
                f", {self.number(depth - 1)})" if self.rng.random() < 0.5 else ")")
        if r < 0.84:
            return f"round({self.number(depth - 1)}, {self.pick(['0', '1', '2', '4'])})"
        if r < 0.9:
            return f"len({self.pick(['indicators', 'name', 'narrative.problems'])})"
        return self.aggregate_number(depth)

    def aggregate_number(self, depth: int) -> str:
        func = self.pick(["count", "sum", "min", "max"])
        element = "i" if func == "count" else self.pick(["i.weight", "i.self_score", "i.target", "i.actual"])
        condition = self.pick(["", " if i.kind == \"quantitative\"", " if is_number(i.actual) and i.actual > 1",
                               " if i.weight is not None", " if i.actual > " + self.pick(NUMBER_LITERALS)])
        return f"{func}({element} for i in indicators{condition})"

    def text(self, depth: int) -> str:
        return self.pick(TEXTS) if self.rng.random() < 0.7 else self.pick(TEXT_LITERALS)

    def boolean(self, depth: int) -> str:
        r = self.rng.random()
        if self.rng.random() < self.hostile:
            self.used_hostile = True
            return f"{self.pick(HOSTILE)} {self.pick(['>', '=='])} 1"
        if depth <= 0 or r < 0.35:
            return self.comparison(depth)
        if r < 0.6:
            parts = [self.boolean(depth - 1) for _ in range(self.rng.randint(2, 3))]
            return "(" + f" {self.pick(['and', 'or'])} ".join(parts) + ")"
        if r < 0.68:
            return f"not {self.boolean(depth - 1)}"
        if r < 0.75:
            return self.pick(BOOLS)
        if r < 0.82:
            return f"{self.pick(NUMBERS + TEXTS)} is {self.pick(['', 'not '])}None"
        if r < 0.88:
            return f"{self.pick(['known', 'missing'])}({self.pick(NUMBERS + TEXTS)})"
        if r < 0.93:
            return f"funding_source {self.pick(['in', 'not in'])} [\"本级\", \"上级专项\"]"
        func = self.pick(["any", "all"])
        return f"{func}(i.actual {self.pick(['>', '>=', '=='])} i.target for i in indicators if i.kind == \"quantitative\")"

    def comparison(self, depth: int) -> str:
        op = self.pick([">", ">=", "<", "<=", "==", "!="])
        if self.rng.random() < 0.12:  # ill-typed on purpose: text with a number, and so on
            left, right = self.pick([self.text, self.number, self.boolean])(depth - 1), self.pick([self.text, self.number])(depth - 1)
        elif op in ("==", "!=") and self.rng.random() < 0.3:
            left, right = self.text(depth - 1), self.text(depth - 1)
        else:
            left, right = self.number(depth - 1), self.number(depth - 1)
        return f"{left} {op} {right}"


def expression(rng: random.Random, depth: int = 3) -> tuple[str, bool]:
    """An expression and whether it holds a piece from outside the language."""
    grammar = Grammar(rng)
    text = grammar.boolean(depth)
    return text, grammar.used_hostile


def _amount(rng: random.Random) -> Decimal | None:
    r = rng.random()
    if r < 0.2:
        return None
    if r < 0.3:
        return Decimal(rng.choice(["0", "0.9", "1", "100", "56.18", "5.005", "-0"]))
    return Decimal(rng.randint(-500, 200_000)).scaleb(-rng.choice([0, 2, 2, 2, 4]))


def project(rng: random.Random, index: int) -> Project:
    indicators = []
    for _ in range(rng.randint(0, 3)):
        quantitative = rng.random() < 0.7
        indicators.append({
            "level1": rng.choice(["产出", "效益", "满意度"]), "name": f"指标{rng.randint(1, 9)}",
            "kind": "quantitative" if quantitative else "qualitative",
            "target": rng.choice([_amount(rng), "完成", None]),
            "actual": rng.choice([_amount(rng), _amount(rng), "达成年度指标", None]),
            "weight": rng.choice([None, Decimal(5), Decimal(10)]),
            "self_score": rng.choice([None, Decimal(4), Decimal(10)]),
        })
    return Project(
        id=f"p{index}", name=rng.choice(["雪亮工程", "司法救助", "反邪教"]),
        funding_source=rng.choice([None, "本级", "上级专项"]),
        budget={"initial": _amount(rng), "adjustment": _amount(rng), "final": _amount(rng),
                "adjustment_reason": rng.choice([None, "追加"])},
        actual=_amount(rng), carryover=_amount(rng), confidential=rng.random() < 0.2, indicators=indicators)


def ruleset_for(conditions: list[str]) -> str:
    findings = "\n".join(
        f"  - id: f{i}\n    when: {yaml.safe_dump(text, allow_unicode=True, width=10**6).strip().removesuffix('...').strip()}\n"
        f"    problem: 问题{i}\n    improvement: 改进{i}" for i, text in enumerate(conditions))
    return ("id: fuzz\ntitle: 模糊测试\napplies_to: project\nversion: '1'\nprovenance: 测试\ntotal: 100\n"
            "grades:\n  - {name: 优, min: 90}\n  - {name: 差, min: 0}\nfindings:\n" + findings + "\n")


def compile_text(text: str):
    data, lines = load_yaml_text(text, "fuzz.yaml")
    try:
        ruleset = Ruleset.model_validate(data)
    except Exception as exc:  # pydantic: the loader reports these; here they would be a bug
        problems = problems_from(exc, lines) if hasattr(exc, "errors") else None
        raise RulesetError(problems or str(exc)) from None
    return compile_ruleset([Source(ruleset, lines)])


def decide(compiled, record, engine) -> tuple:
    from jixiao.engines import get_engine
    ns = record_namespace(record, None, compiled.reads)
    try:
        compiled.run_metrics(ns)
        return ("fired", tuple(sorted(get_engine(engine).fire(compiled, ns))))
    except JixiaoError as exc:
        return ("error", type(exc).__name__, str(exc))


def trial(text: str, hostile: bool, records: list[Project]) -> tuple[str, str, float]:
    """(outcome, detail, seconds) for one expression on `records` (see the module docstring)."""
    start = time.perf_counter()
    try:
        compiled = compile_text(ruleset_for([text]))
    except RulesetError:
        return "refused", "", time.perf_counter() - start
    except Exception as exc:
        return "crash", f"compile: {type(exc).__name__}: {exc}", time.perf_counter() - start
    if hostile:
        return "escape", text, time.perf_counter() - start
    try:
        for record in records:
            native, durable = decide(compiled, record, "native"), decide(compiled, record, "durable")
            if native != durable:
                return "disagree", f"{record.id}: native {native} durable {durable}", time.perf_counter() - start
    except Exception as exc:
        return "crash", f"evaluate: {type(exc).__name__}: {exc}", time.perf_counter() - start
    return "agree", "", time.perf_counter() - start
