"""Two years compared, and the result application, as a report document (Markdown or Word)."""
from __future__ import annotations

from decimal import Decimal

from jixiao.core.decimals import plain
from jixiao.core.i18n import _
from jixiao.cycle.application import Application
from jixiao.cycle.years import YearComparison
from jixiao.outputs.report_model import BulletList, Paragraph, Report, Section, Table


CENT = Decimal("0.01")


def _show(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return ("+" if signed and value > 0 else "") + plain(value)


def build_comparison(comparison: YearComparison, applications: list[Application]) -> Report:
    years = _("{last}年→{this}年").format(last=comparison.last_year, this=comparison.this_year)
    sections = [Section(heading=_("一、得分与等级变化"), blocks=[Table(
        headers=[_("评价对象"), _("{year}年得分").format(year=comparison.last_year), _("{year}年得分").format(year=comparison.this_year),
                 _("变化"), _("等级变化"), _("趋势")],
        rows=[[r.name, _show(r.last_score), _show(r.this_score), _show(r.change, True),
               f"{r.last_grade or '—'}→{r.this_grade or '—'}", r.trend or "—"] for r in comparison.records])])]
    moved = [[r.name, m.name, _show(m.last), _show(m.this), _show(m.change, True)] for r in comparison.records for m in r.moved]
    sections.append(Section(heading=_("二、得分变化的指标"), blocks=[Table(
        headers=[_("评价对象"), _("指标"), _("上年得分"), _("本年得分"), _("变化")], rows=moved)] if moved
        else [Paragraph(text=_("各指标得分与上年相同。"))]))
    fixed = [_("{name}：{problem}（已整改，本年未再出现）").format(name=r.name, problem=f.problem)
             for r in comparison.records for f in r.addressed]
    again = [_("{name}：{problem}（上年已指出，本年仍存在）").format(name=r.name, problem=f.problem)
             for r in comparison.records for f in r.persisting]
    sections.append(Section(heading=_("三、上年问题整改情况"), blocks=[BulletList(items=fixed + again)] if fixed or again
                            else [Paragraph(text=_("上年未提示问题。"))]))
    if applications:
        sections.append(Section(heading=_("四、结果应用"), blocks=[Table(
            headers=[_("评价对象"), _("等级"), _("趋势"), _("预算建议"), _("调整比例"), _("本年预算"), _("建议预算")],
            rows=[[a.name, a.grade or "—", a.trend or "—", a.suggestion or "—",
                   "—" if a.change is None else f"{(a.change * 100).quantize(CENT)}%", _show(a.budget), _show(a.suggested_budget)]
                  for a in applications])]))
        tasks = [[a.name, t.problem, t.improvement, t.due.isoformat()] for a in applications for t in a.tasks]
        sections.append(Section(heading=_("五、整改任务"), blocks=[Table(
            headers=[_("评价对象"), _("问题"), _("整改要求"), _("完成时限")], rows=tasks)] if tasks
            else [Paragraph(text=_("无整改任务。"))]))
    return Report(title=_("{unit}绩效评价结果跨年度比较（{years}）").format(unit=comparison.unit, years=years), sections=sections)
