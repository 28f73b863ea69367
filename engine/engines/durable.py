"""durable-rules as the rule engine, driven through its C engine the way its hazards require."""

import itertools
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal
from typing import Any

from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.engines.durable_json import MAX_CONJUNCTIONS, Operands, Scale, build_scales, rule_condition, scale_literals
from jixiao.core.errors import EngineError, EvaluationError
from jixiao.core.i18n import _
from jixiao.engines.native import raise_rule_failure
from jixiao.expressions.codegen import compile_fast
from jixiao.expressions.native import comparable


@dataclass
class _Plan:
    """A ruleset as registered with durable-rules: its handle, operands and rule layout."""

    name: str
    handle: Any
    operands: Operands
    runners: list[tuple[str, Any]]
    scales: dict[str, Scale]
    rule_ids: dict[str, str]  # durable rule name → jixiao rule id
    pairs: list[tuple[str, str, frozenset[str]]]  # (rule id, its partner, the keys both read)


class DurableEngine:
    """durable-rules as the rule engine, used the way its hazards require.

    - Each record is one *fact*, so every matching rule fires; a posted event would be consumed by
      the first match.
    - Each record gets a fresh session id whose state is deleted right after: measured, that is
      the fastest lifecycle (100 or 1,000 live sessions made each assert slower, not faster), and
      about 1,024 live sessions raise MemoryError.
    - One fact per call: batched asserts lost firings with error 307.
    - The rules have no Python actions. durable-rules' `Host` runs a Python callback per firing
      (a closure, the state parsed and written back, two C calls): about 85% of its cost. We
      drive its C engine (`durable_rules_engine`) directly instead: assert the fact, then take
      each firing from the session's action queue (the rule's name) until it is empty. The same
      engine decides; nothing runs on a timer thread, because no Host is created.
    - The C engine is not thread-safe: one lock serialises every call into it.
    - Every fact matches one extra rule, so no session ends with nothing fired: deleting such a
      session crashed the process.
    - An engine error raises `EngineError`. Checks and condition indicators are registered as a
      pair (the condition and its negation): with all their data known exactly one must fire, so a
      lost firing is an error, not a silently missing line.
    """

    name = "durable"

    def __init__(self) -> None:
        import durable_rules_engine  # ImportError on Python 3.13+: see get_engine

        self._c = durable_rules_engine
        self._lock = threading.Lock()
        self._plans: dict[str, _Plan] = {}
        self._sids = itertools.count(1)
        self._instance = next(_INSTANCES)

    def _plan(self, compiled: CompiledRuleset) -> _Plan:
        key = f"{compiled.id}_{compiled.digest}"
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        with self._lock:
            plan = self._plans.get(key)
            if plan is None:
                plan = self._register(compiled, f"jixiao{self._instance}_{len(self._plans)}")
                self._plans[key] = plan
        return plan

    def _register(self, compiled: CompiledRuleset, name: str, limit: int | None = None) -> _Plan:
        """Register the ruleset. Should durable-rules refuse it (measured: "error code: 113" on
        some nested and/or it accepts when written otherwise), it is registered again with every
        rule's condition hoisted whole: durable-rules then matches one yes/no field per rule."""
        if limit is None:
            try:
                return self._register(compiled, name, MAX_CONJUNCTIONS)
            except EngineError:
                return self._register(compiled, name + "h", 0)
        operands = Operands()
        conditions: dict[str, Any] = {}
        rule_ids: dict[str, str] = {}
        for index, rule in enumerate(compiled.rules):
            rule_name = f"r{index}"
            conditions[rule_name] = rule_condition(rule.expr.node, operands, limit)
            rule_ids[rule_name] = rule.id
        scales = build_scales(operands)
        definition = {rule_name: {"all": [{"m": scale_literals(condition, scales)}]}
                      for rule_name, condition in conditions.items()}
        definition[SENTINEL] = {"all": [{"m": {MARK: 1}}], "pri": 1000}
        names = {rule_id: rule_name for rule_name, rule_id in rule_ids.items()}
        # rules decided in pairs: when every operand is known, exactly one of the two must fire
        pairs = [(rule.negates, rule.id, frozenset(_keys_in(conditions[names[rule.id]])))
                 for rule in compiled.rules if rule.negates is not None]
        handle = self._create(name, definition, compiled.id)
        runners = [(key, compile_fast(node)) for key, node in operands.nodes.items()]  # generated code, the same values and errors
        return _Plan(name, handle, operands, runners, scales, rule_ids, pairs)

    def _create(self, name: str, definition: dict, ruleset_id: str) -> Any:
        try:
            return self._c.create_ruleset(name, json.dumps(definition, ensure_ascii=False))
        except Exception as exc:  # durable-rules says only "error code: N"
            raise EngineError(_("durable-rules 拒绝了编译后的规则集 {id}：{error}").format(id=ruleset_id, error=exc)) from exc

    def _values(self, compiled: CompiledRuleset, plan: _Plan, ns: dict) -> dict[str, Any]:
        """Every operand's value for this record; see `_failed` for operands that cannot be computed."""
        values: dict[str, Any] = {}
        failed: set[str] = set()
        for key, run in plan.runners:
            try:
                values[key] = run(ns)
            except Exception:
                values[key] = None
                failed.add(key)
        for pair in plan.operands.pairs:
            a = values[pair.left]
            b = values[pair.right_key] if pair.right_key else pair.right_value
            if a is not None and b is not None:
                try:
                    comparable(pair.node, a, b, pair.op)
                except EvaluationError:
                    failed.add(pair.left)
                    if pair.right_key:
                        failed.add(pair.right_key)
        for key in plan.operands.booleans:
            value = values.get(key)
            if value is not None and not isinstance(value, bool):
                failed.add(key)
        if failed:
            self._failed(compiled, ns, values, failed)
        return values

    @staticmethod
    def _failed(compiled: CompiledRuleset, ns: dict, values: dict[str, Any], failed: set[str]) -> None:
        """Operands are computed all at once; the native engine computes a condition left to right
        and stops where its outcome is settled (`is_number(x) and x > 1`). One semantics for both:
        the native engine's. If it cannot decide some rule, that error (naming the rule) is raised
        here too. If it can, every failed operand sat where an earlier value settled the outcome
        (False for `and`, True for `or`); under Kleene's logic the outcome is then the same whatever
        the operand is, unknown included — so the operand goes to durable-rules as unknown."""
        raise_rule_failure(compiled, ns)
        for key in failed:
            values[key] = None

    def _fact(self, plan: _Plan, values: dict[str, Any]) -> dict:
        fact: dict[str, Any] = {}
        numbers: dict[int, tuple[Scale, dict[str, Decimal]]] = {}
        for key, value in values.items():
            if value is None:
                continue  # unknown: durable-rules matches no comparison on an absent field
            if isinstance(value, Decimal):
                scale = plan.scales.get(key)
                if scale is None:
                    continue  # an operand durable-rules never compares (`x == x` reads only its presence)
                numbers.setdefault(id(scale), (scale, {}))[1][key] = value
            elif isinstance(value, (bool, str)):
                fact[key] = value
            # lists and groups are only read by hoisted operands
        for scale, group in numbers.values():
            placed = scale.place(group.values())
            for key, value in group.items():
                fact[key] = placed[value]
        return fact

    def fire(self, compiled: CompiledRuleset, ns: dict) -> set[str]:
        plan = self._plan(compiled)
        fact = self._fact(plan, self._values(compiled, plan, ns))
        with self._lock:
            sid = str(next(self._sids))
            fact["sid"] = sid
            fact[MARK] = 1
            names = self._run(plan, _to_json(fact), sid)
        if names.count(SENTINEL) != 1:
            raise EngineError(_("durable-rules 漏报了触发：每条记录都应触发一次的规则触发了{count}次").format(count=names.count(SENTINEL)))
        fired = {plan.rule_ids[name] for name in names if name != SENTINEL}
        self._verify(plan, fact, fired)
        return fired

    def _run(self, plan: _Plan, text: str, sid: str) -> list[str]:
        """Assert one fact in its own session, collect the rules that fire, delete the session."""
        c, handle = self._c, plan.handle
        names: list[str] = []
        status = None
        try:
            status, state = c.assert_fact(handle, text)
            if status != 0:  # 1: no rule matched — impossible with the sentinel; 2: fact seen before
                raise EngineError(_("durable-rules 对 {ruleset} 的一条记录返回状态 {status}").format(status=status, ruleset=plan.name))
            action = c.start_action_for_state(handle, state)  # the rules that matched, one by one
            while action:
                message = action[1] if isinstance(action, tuple) else action
                names.append(message[2:message.index('"', 2)])  # {"r7":{"m":{…}}}
                action = c.complete_and_start_action(handle, state)
        except Exception as exc:
            if status != 1:  # deleting a session that matched nothing crashes the process: leave it
                try:
                    c.delete_state(handle, sid)
                except c.error:
                    pass  # the session may not exist: the error that matters is the first one
            if isinstance(exc, EngineError):
                raise
            raise EngineError(_("durable-rules 处理记录失败：{error}").format(error=exc)) from exc
        try:
            c.delete_state(handle, sid)
        except c.error as exc:
            raise EngineError(_("durable-rules 无法删除会话 {sid}：{error}").format(sid=sid, error=exc)) from exc
        return names

    def _verify(self, plan: _Plan, fact: dict, fired: set[str]) -> None:
        for rule_id, other, keys in plan.pairs:
            if not keys <= fact.keys():
                continue  # some operand unknown: neither needs to fire
            if (rule_id in fired) == (other in fired):
                raise EngineError((_("durable-rules 触发有误：{rule} 与 {other} 数据齐全，却同时触发") if rule_id in fired else
                                   _("durable-rules 漏报了触发：{rule} 与 {other} 数据齐全，却都未触发")).format(rule=rule_id, other=other))


_INSTANCES = itertools.count(1)  # ruleset names are global inside the C engine
# json.dumps(fact, ensure_ascii=False) builds an encoder for every call; one made once writes the same text
_to_json = json.JSONEncoder(ensure_ascii=False).encode
# Every fact carries MARK and matches SENTINEL, the lowest-priority rule. Measured: deleting the
# session of a fact that matched no rule crashes the process (segfault, "free(): invalid pointer"),
# through durable's own Host too; and a missing sentinel firing means the session's action queue
# was not drained.
SENTINEL, MARK = "sentinel", "j"


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


@lru_cache(maxsize=None)
def durable_available() -> bool:
    try:
        import durable_rules_engine  # noqa: F401  (durable-rules' C engine)
    except Exception:
        return False
    return True
