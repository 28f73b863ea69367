"""The native engine: runs the ruleset's generated rule function (rulesets.codegen)."""
from __future__ import annotations

from jixiao.rulesets.compiler import CompiledRuleset


class NativeEngine:
    """Thread-safe, no state between records."""

    name = "native"

    def fire(self, compiled: CompiledRuleset, ns: dict) -> set[str]:
        return compiled.run_rules(ns)
