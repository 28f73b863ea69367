"""The native engine: runs the ruleset's generated rule function (rulesets.codegen)."""
from __future__ import annotations

from jixiao.core.errors import EvaluationError
from jixiao.core.i18n import _
from jixiao.rulesets.codegen import yes_no
from jixiao.rulesets.compiler import CompiledRuleset


class NativeEngine:
    """Thread-safe, no state between records."""

    name = "native"

    def fire(self, compiled: CompiledRuleset, ns: dict) -> set[str]:
        try:
            return compiled.run_rules(ns)
        except Exception:
            raise_rule_failure(compiled, ns)
            raise


def raise_rule_failure(compiled: CompiledRuleset, ns: dict) -> None:
    """Raise the error of the first rule (in the ruleset's order) that cannot be decided for this
    record, as an EvaluationError naming the rule; return if every rule can be decided.

    The one place both engines take their run-time errors from, so that a record that cannot be
    evaluated gives the same message, byte for byte, whichever engine decides it."""
    for rule in compiled.rules:
        if rule.negates is not None:
            continue  # the Kleene negation of the rule before it: no error of its own
        try:
            yes_no(rule, rule.expr.run(ns))
        except EvaluationError as exc:
            error = "；".join(problem.message for problem in exc.problems)
            raise EvaluationError(_("规则{rule}：{error}").format(rule=rule.id, error=error)) from None
        except Exception as exc:  # defensive: the expression closures raise EvaluationError only
            raise EvaluationError(_("规则{rule}：无法计算（{error}）").format(rule=rule.id, error=type(exc).__name__)) from None
