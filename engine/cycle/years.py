"""Two years of the same unit: score and grade trend, indicators that moved, and whether each of
last year's problems is fixed — matched by the finding's id (its reason code), never by its text."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from jixiao.core.decimals import exact
from jixiao.core.errors import EvaluationError
from jixiao.core.i18n import _
from jixiao.scoring.results import CaseResult, FindingText, RecordResult

TRENDS = {1: "上升", 0: "持平", -1: "下降"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class MovedIndicator(_Model):
    id: str
    name: str
    last: Decimal | None
    this: Decimal | None
    change: Decimal | None


class RecordTrend(_Model):
    id: str
    name: str
    kind: str
    last_score: Decimal | None
    this_score: Decimal | None
    change: Decimal | None
    last_grade: str | None
    this_grade: str | None
    trend: str | None
    moved: list[MovedIndicator]
    addressed: list[FindingText]
    persisting: list[FindingText]
    new: list[FindingText]


class YearComparison(_Model):
    unit: str
    last_year: int
    this_year: int
    records: list[RecordTrend]


def _records(result: CaseResult) -> dict[str, RecordResult]:
    records = ([result.department] if result.department is not None else []) + list(result.projects)
    return {r.id: r for r in records}


def _difference(this: Decimal | None, last: Decimal | None) -> Decimal | None:
    return None if this is None or last is None else this - last


@exact
def compare_years(last: CaseResult, this: CaseResult) -> YearComparison:
    """Records matched by id; a record of only one year is left out (nothing to compare)."""
    if last.year >= this.year:
        raise EvaluationError(_("比较需要先给上一年度、再给本年度的案例（得到 {last} 年和 {this} 年）").format(
            last=last.year, this=this.year))
    before = _records(last)
    trends = [_trend(before[ident], record) for ident, record in _records(this).items() if ident in before]
    return YearComparison(unit=this.unit, last_year=last.year, this_year=this.year, records=trends)


def _trend(last: RecordResult, this: RecordResult) -> RecordTrend:
    change = _difference(this.score, last.score)
    old = {i.id: i for i in last.indicators}
    moved = [MovedIndicator(id=i.id, name=i.name, last=old[i.id].score, this=i.score,
                            change=_difference(i.score, old[i.id].score))
             for i in this.indicators if i.id in old and i.score != old[i.id].score]
    then = {f.id for f in last.findings}
    now = {f.id for f in this.findings}
    return RecordTrend(
        id=this.id, name=this.name, kind=this.kind, last_score=last.score, this_score=this.score, change=change,
        last_grade=last.grade, this_grade=this.grade,
        trend=None if change is None else TRENDS[(change > 0) - (change < 0)], moved=moved,
        addressed=[f for f in last.findings if f.id not in now],
        persisting=[f for f in this.findings if f.id in then],
        new=[f for f in this.findings if f.id not in then])
