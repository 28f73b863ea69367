"""The two engines that decide which rules fire for a record: durable-rules and a native one.

Both take the same compiled ruleset and the same record namespace and return the ids of the rules
whose condition is True. `get_engine("auto")` picks durable-rules where it imports (the owner's
choice) and the native engine elsewhere (Python 3.13+).
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .compiler import CompiledRuleset, Rule
from .durable_json import Operands, literal, to_condition
from .errors import EngineError, EvaluationError
from .expr_native import comparable, compile_node

SENTINEL = "jixiao_seen"
# Rules decided in pairs: when every operand is known, exactly one of the two must fire.
PAIRED = {"check.pass": "check.fail", "cond.true": "cond.false"}


def _yes_no(rule: Rule, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise EvaluationError(f"{rule.expr.where}: condition `{rule.expr.node.text}` gives {value!r}, not yes/no")


class NativeEngine:
    """Evaluates the compiled closures directly: thread-safe, no state between records."""

    name = "native"

    def fire(self, compiled: CompiledRuleset, ns: dict) -> set[str]:
        return {rule.id for rule in compiled.rules if _yes_no(rule, rule.expr.run(ns)) is True}


@dataclass
class _Plan:
    """A ruleset as registered with durable-rules: its name, operands and rule layout."""

    name: str
    operands: Operands
    runners: dict[str, Any]
    rule_keys: dict[str, set[str]]
    rule_names: dict[str, str]
    fired: list[str]


class DurableEngine:
    """durable-rules as the rule engine, used the way its hazards require.

    - Each record is one *fact* (`assert_fact`), so every matching rule fires; a posted event
      would be consumed by the first match.
    - Each record gets a fresh session id whose state is deleted right after (about 1,024 live
      sessions raise MemoryError).
    - One fact per call: batched asserts lost firings with error 307.
    - The host is not thread-safe: one lock serialises every call, and the host's background
      timer threads are never started (they would dispatch concurrently with us).
    - An engine error raises `EngineError`; for paired rules (a check's pass/fail) with all data
      known, exactly one must fire, so a lost firing is detected rather than dropped.
    """

    name = "durable"

    def __init__(self) -> None:
        from durable import engine as durable_engine  # ImportError on Python 3.13+: see get_engine

        class QuietHost(durable_engine.Host):
            def _run(self) -> None:  # no background dispatch threads
                pass

        self._durable = durable_engine
        self._host = QuietHost()
        self._lock = threading.RLock()
        self._plans: dict[str, _Plan] = {}
        self._sids = itertools.count(1)

    def _plan(self, compiled: CompiledRuleset) -> _Plan:
        key = f"jixiao_{compiled.id}_{compiled.digest}".replace("-", "_")
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        operands = Operands()
        definition: dict[str, dict] = {}
        fired: list[str] = []
        rule_keys: dict[str, set[str]] = {}
        rule_names: dict[str, str] = {}
        for index, rule in enumerate(compiled.rules):
            condition = to_condition(rule.expr.node, operands)
            rule_keys[rule.id] = _keys_in(condition)
            name = f"r{index}"
            rule_names[rule.id] = name
            definition[name] = {"all": [{"m": condition}], "run": _recorder(fired, rule.id)}
        # Every fact matches this rule. Measured: deleting the session of a fact that matched no
        # rule segfaults durable-rules (a ruleset's first fact), and the firing also proves that
        # the fact was processed at all.
        definition["seen"] = {"all": [{"m": {SENTINEL: True}}], "run": _recorder(fired, SENTINEL)}
        runners = {key: compile_node(node) for key, node in operands.nodes.items()}
        try:
            self._host.register_rulesets({key: definition})
        except Exception as exc:  # durable-rules says only "error code: N"
            raise EngineError(f"durable-rules rejected the compiled ruleset {compiled.id}: {exc}") from exc
        plan = _Plan(key, operands, runners, rule_keys, rule_names, fired)
        self._plans[key] = plan
        return plan

    def _fact(self, plan: _Plan, ns: dict) -> dict:
        values = {key: run(ns) for key, run in plan.runners.items()}
        for pair in plan.operands.pairs:
            a = values[pair.left]
            b = values[pair.right_key] if pair.right_key else pair.right_value
            if a is not None and b is not None:
                comparable(pair.node, a, b, pair.op)
        fact: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue  # unknown: durable-rules matches no comparison on an absent field
            if key in plan.operands.booleans and not isinstance(value, bool):
                node = plan.operands.nodes[key]
                raise EvaluationError(f"condition `{node.text}` gives {value!r}, not yes/no")
            if not isinstance(value, (bool, str, Decimal)):
                continue  # lists and groups are only read by hoisted operands
            fact[key] = literal(value)
        return fact

    def fire(self, compiled: CompiledRuleset, ns: dict) -> set[str]:
        with self._lock:
            plan = self._plan(compiled)
            fact = self._fact(plan, ns)
            sid = str(next(self._sids))
            fact["sid"] = sid
            fact[SENTINEL] = True
            plan.fired.clear()
            try:
                self._host.assert_fact(plan.name, fact)
            except self._durable.MessageNotHandledException:
                pass  # no rule matched: normal
            except Exception as exc:
                raise EngineError(f"durable-rules failed on a record of {compiled.id}: {exc}") from exc
            finally:
                try:
                    self._host.delete_state(plan.name, sid)
                except Exception as exc:
                    raise EngineError(f"durable-rules could not delete session {sid}: {exc}") from exc
            fired = set(plan.fired)
            if SENTINEL not in fired:
                raise EngineError(f"durable-rules did not process a record of {compiled.id} (sentinel rule missed)")
            fired.discard(SENTINEL)
            plan.fired.clear()
        self._verify(compiled, plan, fact, fired)
        return fired

    def _verify(self, compiled: CompiledRuleset, plan: _Plan, fact: dict, fired: set[str]) -> None:
        for rule in compiled.rules:
            other_kind = PAIRED.get(rule.kind)
            if other_kind is None:
                continue
            other = other_kind + rule.id[len(rule.kind):]
            if not plan.rule_keys[rule.id] <= fact.keys():
                continue  # some operand unknown: neither needs to fire
            if (rule.id in fired) == (other in fired):
                raise EngineError(
                    f"durable-rules lost a firing: {rule.id} and {other} both "
                    f"{'fired' if rule.id in fired else 'missed'} with all their data known"
                )


def _recorder(fired: list[str], rule_id: str):
    def action(c) -> None:
        fired.append(rule_id)
    return action


def _keys_in(condition: Any) -> set[str]:
    keys: set[str] = set()
    if isinstance(condition, dict):
        for key, value in condition.items():
            if key.startswith("k") and key[1:].isdigit():
                keys.add(key)
            if isinstance(value, dict) and "$m" in value:
                keys.add(value["$m"])
            keys |= _keys_in(value)
    elif isinstance(condition, list):
        for item in condition:
            keys |= _keys_in(item)
    return keys


_ENGINES: dict[str, Any] = {}
_ENGINES_LOCK = threading.Lock()


def durable_available() -> bool:
    try:
        import durable.engine  # noqa: F401
    except Exception:
        return False
    return True


def get_engine(name: str = "auto"):
    """The shared engine for `name` (auto | durable | native)."""
    if name == "auto":
        name = "durable" if durable_available() else "native"
    if name not in ("durable", "native"):
        raise ValueError(f"unknown engine {name!r} (auto, durable, native)")
    with _ENGINES_LOCK:
        if name not in _ENGINES:
            if name == "durable":
                if not durable_available():
                    raise EngineError("durable-rules is not installed or does not import on this Python; use --engine native")
                _ENGINES[name] = DurableEngine()
            else:
                _ENGINES[name] = NativeEngine()
        return _ENGINES[name]
