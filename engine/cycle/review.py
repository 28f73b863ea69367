"""复核: the reviewer's scores beside the unit's, per indicator, and what follows from them.

The unit's case is scored as submitted (the self-score), then each adjustment of the review file
replaces one indicator's score; both totals, their difference and the grades come out, with the
review rulesets' flags beside them. The case file is never changed.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from jixiao.core.decimals import exact, round_half_up
from jixiao.core.errors import CaseError, Location, Problem
from jixiao.core.yamlsource import LineMap, read_yaml
from jixiao.core.i18n import _
from jixiao.cycle.quality import quality_grade
from jixiao.records.cases import load_case
from jixiao.records.cycle import ReviewFile, load_review
from jixiao.records.model import Case
from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.rulesets.loader import load_ruleset, pick_rulesets
from jixiao.scoring.evaluate import evaluate_case
from jixiao.scoring.methods import grade_for
from jixiao.scoring.results import CaseResult, FindingText, RecordResult

REVIEW_RULESETS = ("review-fuhe", "review-fuhe-project")
ZERO = Decimal(0)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReviewedIndicator(_Model):
    id: str
    name: str
    max_score: Decimal
    self_score: Decimal | None
    reviewed_score: Decimal
    difference: Decimal
    reason_code: str
    reason: str


class ReviewedRecord(_Model):
    id: str
    name: str
    kind: str
    status: str
    max_score: Decimal
    declared: Decimal | None
    self_score: Decimal | None
    reviewed_score: Decimal | None
    difference: Decimal | None
    self_grade: str | None
    reviewed_grade: str | None
    adjustments: list[ReviewedIndicator]
    flags: list[FindingText]
    findings: list[FindingText]


class ReviewResult(_Model):
    """One unit's 复核: the JSON contract of `jixiao cycle review --format json`."""

    review: str
    case: str
    unit: str
    year: int
    reviewer: str | None
    date: str | None
    records: list[ReviewedRecord]
    adjustments: int
    flags: int
    max_difference: Decimal
    quality: str
    opinion: str | None


def load_reviewed_case(path: str | Path) -> tuple[ReviewFile, Case, LineMap]:
    """The review file, the case it names (relative to the review file), and the review's line marks."""
    review = load_review(path)
    _data, lines = read_yaml(path, CaseError)
    return review, load_case(Path(path).parent / review.review.case), lines


@exact
def review_case(review: ReviewFile, case: Case, engine: str = "auto", lines: LineMap | None = None) -> ReviewResult:
    """Score the case as submitted, apply the reviewer's adjustments, grade the self-evaluation."""
    department_rs, project_rs = pick_rulesets(tuple(review.review.rulesets))
    scored = evaluate_case(case, department_rs, project_rs, engine)
    flagged = evaluate_case(case, *(load_ruleset(ref) for ref in REVIEW_RULESETS), engine)
    records = _records(scored)
    _check_adjustments(review, records, lines or LineMap("<review>"))
    flags = {r.id: r.findings for r in _records(flagged)}
    reviewed = [_review_record(review, record, department_rs if record.kind == "department" else project_rs,
                               flags.get(record.id, []))
                for record in records]
    differences = [abs(r.difference) for r in reviewed if r.difference is not None]
    max_difference = max(differences, default=ZERO)
    flag_count = sum(len(r.flags) for r in reviewed)
    return ReviewResult(
        review=review.review.id, case=case.case.id, unit=case.case.unit, year=case.case.year,
        reviewer=review.review.reviewer, date=review.review.date.isoformat() if review.review.date else None,
        records=reviewed, adjustments=len(review.adjustments), flags=flag_count, max_difference=max_difference,
        quality=quality_grade(review.quality, max_difference, len(review.adjustments), flag_count),
        opinion=review.opinion)


def _records(result: CaseResult) -> list[RecordResult]:
    return ([result.department] if result.department is not None else []) + list(result.projects)


def _check_adjustments(review: ReviewFile, records: list[RecordResult], lines: LineMap) -> None:
    """Every adjustment names a record of the case and one of its scored indicators, within the weight."""
    by_id = {("department" if r.kind == "department" else r.id): r for r in records}
    problems = []
    for n, adj in enumerate(review.adjustments):
        label = _("调整 #{n}").format(n=n + 1)

        def at(name: str) -> Location:
            return lines.find(("adjustments", n, name))
        record = by_id.get(adj.record)
        if record is None:
            problems.append(Problem(_("案例中没有记录 `{id}`（记录：{known}）").format(id=adj.record, known=", ".join(by_id)),
                                    at("record"), label, "record"))
            continue
        leaves = {i.id: i for i in record.indicators}
        leaf = leaves.get(adj.indicator)
        if leaf is None:
            problems.append(Problem(_("{record} 没有指标 `{id}`（指标：{known}）").format(
                record=record.name, id=adj.indicator, known=", ".join(leaves)), at("indicator"), label, "indicator"))
        elif adj.score > leaf.max_score:
            problems.append(Problem(_("复核得分{score}分超过该指标分值{weight}分").format(score=adj.score, weight=leaf.max_score),
                                    at("score"), label, "score"))
    if problems:
        raise CaseError(problems)


def _review_record(review: ReviewFile, record: RecordResult, compiled: CompiledRuleset,
                   flags: list[FindingText]) -> ReviewedRecord:
    key = "department" if record.kind == "department" else record.id
    leaves = {i.id: i for i in record.indicators}
    places = compiled.ruleset.rounding.places
    adjusted = []
    for adj in review.adjustments:
        if adj.record != key:
            continue
        leaf = leaves[adj.indicator]
        before = leaf.score if leaf.score is not None else (leaf.partial or ZERO)
        adjusted.append(ReviewedIndicator(
            id=leaf.id, name=leaf.name, max_score=leaf.max_score, self_score=leaf.score,
            reviewed_score=round_half_up(adj.score, places), difference=round_half_up(adj.score - before, places),
            reason_code=adj.reason_code, reason=adj.reason))
    self_score = record.score
    reviewed_score = difference = None
    if self_score is not None:
        difference = round_half_up(sum((a.difference for a in adjusted), ZERO), places)
        reviewed_score = round_half_up(max(self_score + difference, ZERO), places)
    return ReviewedRecord(
        id=record.id, name=record.name, kind=record.kind, status=record.status, max_score=record.max_score,
        declared=review.review.declared.get(key), self_score=self_score, reviewed_score=reviewed_score,
        difference=difference, self_grade=record.grade,
        reviewed_grade=_reviewed_grade(compiled, record, reviewed_score, {a.id for a in adjusted}),
        adjustments=adjusted, flags=flags, findings=record.findings)


def _reviewed_grade(compiled: CompiledRuleset, record: RecordResult, score: Decimal | None,
                    adjusted: set[str]) -> str | None:
    """The grade of the reviewed total; a veto's grade stands, and a record that could not be assessed
    gets a grade only when the reviewer scored every indicator that blocked it."""
    if record.status == "vetoed" or record.status == "exempt" or score is None:
        return record.grade
    blocked = {i.id for i in record.indicators if i.status in ("not_assessable", "rejected")}
    if blocked - adjusted:
        return None
    return grade_for(compiled, score)
