"""结果应用: a bureau's rule turns grade and trend into next year's budget suggestion, and this
year's problems into 整改 tasks with a due date (sooner for a problem raised last year too)."""
from __future__ import annotations

import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from jixiao.core.decimals import exact, round_half_up
from jixiao.core.i18n import _
from jixiao.cycle.years import RecordTrend
from jixiao.records.cycle import ApplicationRule


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class RectificationTask(_Model):
    """A 整改 task: a finding of this year, its due date, and whether last year raised it too."""

    id: str
    category: str
    severity: int
    problem: str
    improvement: str
    repeated: bool
    due: datetime.date


class Application(_Model):
    id: str
    name: str
    grade: str | None
    trend: str | None
    suggestion: str | None
    change: Decimal | None
    budget: Decimal | None
    suggested_budget: Decimal | None
    tasks: list[RectificationTask]


@exact
def apply_results(rule: ApplicationRule, trend: RecordTrend, budget: Decimal | None) -> Application:
    """`budget`: this year's final budget of the record (万元), where stated."""
    action = rule.grades.get(trend.this_grade) if trend.this_grade is not None else None
    suggestion = change = None
    if action is not None:
        suggestion, change = action.suggestion, action.change
        if rule.falling is not None and trend.trend == "下降":
            suggestion, change = f"{suggestion}；{rule.falling.suggestion}", change + rule.falling.change
    suggested = None if budget is None or change is None else round_half_up(budget * (1 + change), 2)
    tasks = []
    for finding, repeated in [(f, True) for f in trend.persisting] + [(f, False) for f in trend.new]:
        days = rule.repeat_due_days if repeated else rule.due_days
        problem = finding.problem + (_("（上年已指出，仍未整改）") if repeated else "")
        tasks.append(RectificationTask(id=finding.id, category=finding.category,
                                       severity=min(finding.severity + (1 if repeated else 0), 5), problem=problem,
                                       improvement=finding.improvement, repeated=repeated,
                                       due=rule.issued + datetime.timedelta(days=days)))
    return Application(id=trend.id, name=trend.name, grade=trend.this_grade, trend=trend.trend, suggestion=suggestion,
                       change=change, budget=budget, suggested_budget=suggested, tasks=tasks)
