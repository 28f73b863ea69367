"""Scoring the cycle's own records (target declarations, monitoring records) with their rulesets:
the same engines and result model as the self-evaluation, one result per record of the file."""
from __future__ import annotations

from decimal import Decimal

from jixiao.core.errors import EvaluationError
from jixiao.core.i18n import _
from jixiao.records.cycle import AssessmentFile, MonitoringFile, TargetFile
from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.rulesets.loader import load_ruleset
from jixiao.scoring.evaluate import evaluate_record
from jixiao.scoring.results import RecordResult

DEFAULT_RULESETS = {"target": "target-review", "monitoring": "monitoring", "assessment": "pefa-m1"}


def file_kind(file: TargetFile | MonitoringFile | AssessmentFile) -> str:
    if isinstance(file, AssessmentFile):
        return "assessment"
    return "target" if isinstance(file, TargetFile) else "monitoring"


def score_file(file: TargetFile | MonitoringFile, ruleset: str | None = None, engine: str = "auto") -> list[RecordResult]:
    """Each record of the file scored by `ruleset` (default: target-review or monitoring)."""
    kind = file_kind(file)
    compiled: CompiledRuleset = load_ruleset(ruleset or DEFAULT_RULESETS[kind])
    if compiled.kind != kind:
        raise EvaluationError(_("规则集 {id} 适用于 {applies} 记录，不适用于 {kind} 文件").format(
            id=compiled.id, applies=compiled.kind, kind=kind))
    records = {"target": "targets", "monitoring": "monitoring", "assessment": "assessments"}[kind]
    records = getattr(file, records)
    return [evaluate_record(compiled, record, file, engine) for record in records]


def grade_counts(results: list[RecordResult]) -> dict[str, int]:
    """How many records got each conclusion (通过/修改后通过/不通过, 绿/黄/红), in first-seen order."""
    counts: dict[str, int] = {}
    for result in results:
        key = result.grade or "—"
        counts[key] = counts.get(key, 0) + 1
    return counts


def progress(result: RecordResult, name: str) -> Decimal | None:
    value = result.metrics.get(name)
    return value if isinstance(value, Decimal) else None
