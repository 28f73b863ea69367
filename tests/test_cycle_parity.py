"""Both engines agree on the cycle's records: the worked files, and generated target declarations
and monitoring records with figures on the rulesets' edges (time progress exactly 5% ahead, spending
exactly half of time progress, progress exactly 80% of the pro-rata value, words for numbers)."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao import evaluate_record, load_ruleset
from jixiao.core.errors import JixiaoError
from jixiao.engines import durable_available
from jixiao.records.cycle import MonitoringFile, TargetFile, load_cycle_file
from jixiao.rulesets.loader import shipped_ids

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")

ROOT = Path(__file__).resolve().parent.parent
RULESETS = {i: load_ruleset(i) for i in shipped_ids()}
FOR_KIND = {kind: [rs for rs in RULESETS.values() if rs.kind == kind] for kind in ("target", "monitoring")}
META = {"id": "generated", "unit": "某单位", "year": 2024}
SETTINGS = settings(max_examples=200, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _outcome(compiled, record, file, engine):
    try:
        data = evaluate_record(compiled, record, file, engine).model_dump(mode="json")
    except JixiaoError as exc:
        return ("error", type(exc).__name__, str(exc))
    data.pop("engine")
    return data


def _same(kind, record, file):
    assert FOR_KIND[kind]
    for compiled in FOR_KIND[kind]:
        assert _outcome(compiled, record, file, "native") == _outcome(compiled, record, file, "durable"), compiled.id


def test_worked_files_score_the_same():
    for name, kind in (("targets-2024.yaml", "target"), ("monitoring-2024.yaml", "monitoring")):
        file = load_cycle_file(ROOT / "cases" / "cycle" / name)
        for record in (file.targets if kind == "target" else file.monitoring):
            _same(kind, record, file)


AMOUNT = st.sampled_from([D("0"), D("20"), D("29.165"), D("30"), D("50"), D("57"), D("58.33"), D("63.33"), D("100")])
VALUE = st.one_of(st.none(), st.sampled_from([D("0"), D("38.4"), D("50"), D("55.9968"), D("120"), "完成", "应排尽排"]))
DIRECTION = st.sampled_from([None, ">=", ">", "<=", "<", "="])


@st.composite
def monitoring(draw):
    rows = draw(st.lists(st.fixed_dictionaries({
        "level1": st.just("产出"), "level2": st.sampled_from(["数量", "质量", None]), "name": st.sampled_from(["甲", "乙"]),
        "direction": DIRECTION, "target": VALUE, "progress": VALUE}), max_size=3))
    return {"id": "m", "name": "项目", "as_of": draw(st.sampled_from(["2024-06-30", "2024-07-31", "2024-12-31"])),
            "budget": draw(st.one_of(st.none(), st.just(D("100")))), "spent": draw(st.one_of(st.none(), AMOUNT)),
            "indicators": rows, "explanation": draw(st.sampled_from([None, "原因"]))}


@st.composite
def target(draw):
    rows = draw(st.lists(st.fixed_dictionaries({
        "level1": st.sampled_from(["产出", "效益", "满意度"]), "level2": st.sampled_from(["数量", "质量", "时效", "成本", None]),
        "name": st.sampled_from(["甲", "乙"]), "direction": DIRECTION, "target": VALUE,
        "unit": st.sampled_from([None, "万元", "%"]), "previous_actual": VALUE,
        "basis": st.sampled_from([None, "历史标准"])}), max_size=6))
    return {"id": "t", "name": "项目", "goal": draw(st.sampled_from([None, "目标"])),
            "budget_requested": draw(st.one_of(st.none(), AMOUNT)), "indicators": rows}


@SETTINGS
@given(monitoring())
def test_generated_monitoring_records_score_the_same(data):
    file = MonitoringFile.model_validate({"case": META, "monitoring": [data]})
    _same("monitoring", file.monitoring[0], file)


@SETTINGS
@given(target())
def test_generated_target_declarations_score_the_same(data):
    file = TargetFile.model_validate({"case": META, "targets": [data]})
    _same("target", file.targets[0], file)
