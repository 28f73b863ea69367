"""durable-rules' hazards, each handled: session limits, engine errors, lost firings, doubles.

See DurableEngine's docstring and durable_json's for what each hazard is and how it was measured.
"""
from __future__ import annotations

from decimal import Decimal as D

import math

import pytest
from hypothesis import given, strategies as st

from jixiao import EngineError, Project, evaluate_record
from jixiao.engines.durable_json import Scale, _plain_double, spread
from jixiao.engines import DurableEngine, durable_available, get_engine

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")


def project(**fields) -> Project:
    data = {"id": "p", "name": "测试项目", "budget": {"initial": D(100), "final": D(100)}, "actual": D(95),
            "carryover": D(5), "indicators": [{"level1": "产出", "name": "数量", "direction": ">=", "target": D(10), "actual": D(10)}]}
    data.update(fields)
    return Project.model_validate(data)


def result_json(compiled, record, engine="durable"):
    data = evaluate_record(compiled, record, None, engine).model_dump(mode="json")
    data.pop("engine")
    return data


def test_more_records_than_durable_holds_live_sessions(project_rs):
    """About 1,024 live sessions raise MemoryError; each record's session is deleted, so 1,100 pass."""
    engine = DurableEngine()
    fired = [engine.fire(project_rs, {**_ns(project_rs, project(actual=D(80 + i % 30)))}) for i in range(1100)]
    assert all("check.pass:carryover_matches" in f or "check.fail:carryover_matches" in f for f in fired)
    assert sum("finding:low_execution" in f for f in fired) == sum(1 for i in range(1100) if 80 + i % 30 < 90)


def _ns(compiled, record):
    from jixiao.scoring.evaluate import compute_metrics
    from jixiao.records.namespace import record_namespace
    ns = record_namespace(record)
    compute_metrics(compiled, ns)
    return ns


def test_an_engine_error_raises_engine_error(project_rs, monkeypatch):
    engine = get_engine("durable")
    engine.fire(project_rs, _ns(project_rs, project()))  # registered before the failure is injected

    real = engine._c

    class Broken:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def assert_fact(handle, text):
            raise real.error("Could not assert fact, error code: 307")

    monkeypatch.setattr(engine, "_c", Broken())
    with pytest.raises(EngineError, match="error code: 307"):
        evaluate_record(project_rs, project(), None, "durable")


@pytest.mark.parametrize("dropped", ["r", "sentinel"])
def test_a_lost_firing_is_detected(project_rs, monkeypatch, dropped):
    """Drop one firing on its way out of the engine: a paired check or the sentinel goes missing."""
    engine = get_engine("durable")
    record = project()
    assert evaluate_record(project_rs, record, None, "durable").checks  # works before the injection
    real = engine._c

    class Lossy:
        """Swallows the first firing of a rule whose name starts with `dropped`."""

        dropped_once = False

        def __getattr__(self, name):
            return getattr(real, name)

        def _filter(self, action, handle, state):
            message = action[1] if isinstance(action, tuple) else action
            if action and not self.dropped_once and message.startswith('{"' + dropped):
                self.dropped_once = True
                return real.complete_and_start_action(handle, state)
            return action

        def start_action_for_state(self, handle, state):
            return self._filter(real.start_action_for_state(handle, state), handle, state)

        def complete_and_start_action(self, handle, state):
            return self._filter(real.complete_and_start_action(handle, state), handle, state)

    monkeypatch.setattr(engine, "_c", Lossy())
    with pytest.raises(EngineError, match="漏报了触发"):
        evaluate_record(project_rs, record, None, "durable")


def test_same_record_twice_gives_the_same_result(project_rs, department_rs, seed_case):
    record = project(actual=D("89.99"))
    assert result_json(project_rs, record) == result_json(project_rs, record)
    first = evaluate_record(department_rs, seed_case.department, seed_case, "durable").model_dump_json()
    assert evaluate_record(department_rs, seed_case.department, seed_case, "durable").model_dump_json() == first


@pytest.mark.parametrize("carryover, ok", [
    (D("5.00001"), True),                 # gap 0.00001: its double prints as 1e-05, which durable cannot read
    (D("5.01"), True),                    # exactly at the tolerance
    (D("5.01000000000000000001"), False),  # over it by less than any double can tell
    (D("4.98999999999999999999"), False),
    (D("5.00999999999999999999"), True),
])
def test_values_no_double_tells_apart_land_on_their_exact_side(project_rs, carryover, ok):
    record = project(carryover=carryover)
    native = result_json(project_rs, record, "native")
    assert [c["ok"] for c in native["checks"] if c["id"] == "carryover_matches"] == [ok]
    assert result_json(project_rs, record) == native


def test_scale_keeps_order_and_plain_doubles():
    scale = Scale()
    scale.fix_literals([D("0.01"), D("0.9"), D("1"), D("0.00001")])
    assert all("e" not in repr(i) for i in scale.images) and scale.images == sorted(set(scale.images))
    values = [D("0.00001"), D("0.000001"), D("0.0100000000000000000001"), D("0.01"), D("1e20"), D("-3"), D("0.95")]
    placed = scale.place(values)
    ordered = sorted(values)
    assert [placed[v] for v in ordered] == sorted(placed[v] for v in ordered)
    assert len(set(placed.values())) == len(set(values))
    assert placed[D("0.01")] == scale.literal_image(D("0.01"))
    assert all("e" not in repr(f) for f in placed.values())
    assert spread([D("0.5"), D("0.6")], 0.0, 1.0) == [0.5, 0.6]  # a value's own double when it fits


def _written_plain(value: float) -> bool:
    text = repr(value)
    return "e" not in text and "n" not in text


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_plain_double_is_one_repr_writes_without_exponent(value):
    assert _plain_double(value) == _written_plain(value)


def test_plain_doubles_at_the_bounds_of_repr_exponents():
    for bound in (1e-4, 1e16):
        below, above = math.nextafter(bound, 0), math.nextafter(bound, math.inf)
        for value in (bound, below, above, -bound, -below, -above):
            assert _plain_double(value) == _written_plain(value), repr(value)
    assert _plain_double(0.0) and _plain_double(-0.0) and not _plain_double(5e-324)
