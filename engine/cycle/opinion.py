"""The 复核意见 of one unit as a report document model: Markdown and Word render the same words."""
from __future__ import annotations

from decimal import Decimal

from jixiao.core.decimals import plain
from jixiao.core.i18n import _
from jixiao.cycle.review import ReviewedRecord, ReviewResult
from jixiao.outputs.report_model import BulletList, Paragraph, Report, Section, Table


def _points(value: Decimal | None) -> str:
    return "—" if value is None else plain(value)


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + plain(value)


def _summary(record: ReviewedRecord) -> str:
    if record.self_score is None:
        return _("{name}免于评价，不作复核评分。").format(name=record.name)
    template = _("{name}自评得分{self}分，复核得分{reviewed}分，差异{diff}分") if record.status != "not_assessable" \
        else _("{name}可评价部分自评得分{self}分，复核得分{reviewed}分，差异{diff}分")
    text = template.format(
        name=record.name, self=_points(record.self_score), reviewed=_points(record.reviewed_score),
        diff=_signed(record.difference))
    if record.reviewed_grade is not None:
        text += _("，复核等级为“{grade}”").format(grade=record.reviewed_grade)
    elif record.status != "scored":
        text += _("，信息不足，不定等级")
    return text + "。"


def build_opinion(result: ReviewResult) -> Report:
    """复核意见: the conclusion, the score table, each adjustment with its reason, the flags, the problems."""
    intro = _("根据预算绩效管理的有关规定，{reviewer}对{unit}{year}年度绩效自评结果进行了复核。").format(
        reviewer=result.reviewer or _("财政部门"), unit=result.unit, year=result.year)
    conclusion = _("共调整{count}项指标得分，自评得分与复核得分最大相差{diff}分，复核要点提示{flags}项，自评质量评定为“{grade}”。").format(
        count=result.adjustments, diff=plain(result.max_difference), flags=result.flags, grade=result.quality)
    sections = [Section(heading=_("一、复核结论"), blocks=[Paragraph(text=intro), Paragraph(text=conclusion)]
                        + [Paragraph(text=_summary(r)) for r in result.records]
                        + ([Paragraph(text=result.opinion)] if result.opinion else []))]
    sections.append(Section(heading=_("二、得分对照"), blocks=[Table(
        headers=[_("评价对象"), _("自评得分"), _("复核得分"), _("差异"), _("自评等级"), _("复核等级")],
        rows=[[r.name, _points(r.self_score), _points(r.reviewed_score), _signed(r.difference),
               r.self_grade or "—", r.reviewed_grade or "—"] for r in result.records])]))
    rows = [[r.name, a.name, plain(a.max_score), _points(a.self_score), plain(a.reviewed_score), _signed(a.difference),
             a.reason_code, a.reason] for r in result.records for a in r.adjustments]
    sections.append(Section(heading=_("三、调整事项"), blocks=[Table(
        headers=[_("评价对象"), _("指标"), _("分值"), _("自评得分"), _("复核得分"), _("差异"), _("原因代码"), _("调整理由")],
        rows=rows)] if rows else [Paragraph(text=_("复核未调整指标得分。"))]))
    flags = [f.problem for r in result.records for f in r.flags]
    sections.append(Section(heading=_("四、复核发现的问题"), blocks=[BulletList(items=flags)] if flags
                            else [Paragraph(text=_("复核要点未提示问题。"))]))
    improvements = [f.improvement for r in result.records for f in r.flags + r.findings]
    sections.append(Section(heading=_("五、整改要求"), blocks=[BulletList(items=list(dict.fromkeys(improvements)))]
                            if improvements else [Paragraph(text=_("无。"))]))
    return Report(title=_("{unit}{year}年度绩效自评复核意见").format(unit=result.unit, year=result.year), sections=sections)
