"""A self-evaluation draft as a document model: sections of paragraphs, tables and lists.

The model (`Report`, `Section`, `Paragraph`, `Table`, `BulletList`) is the contract other renderers
(Markdown here, Word elsewhere) read; it holds only text, so every renderer shows the same words.
`build_report` writes the draft in the report's own order, every sentence generated from the case
and its results; with `public=True` nothing of an unpublishable (涉密) record is shown beyond its
name and the stated reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.core.decimals import exact, money, number, percent, round_half_up
from jixiao.rulesets.model import ConditionMethod
from jixiao.expressions.nodes import free_names
from jixiao.scoring.explain import reason_codes, threshold, trace_record
from jixiao.records.model import DIRECTION_SIGNS, Case
from jixiao.scoring.results import CaseResult, RecordResult
from jixiao.outputs.publication import public_view
from jixiao.outputs.render import score_text, scored_any
from jixiao.outputs.report_forms import forms_annex, stated_text
from jixiao.outputs.report_model import Block, BulletList, Paragraph, Report, Section, Table, chinese_number, item_number  # noqa: F401 (re-exported: the contract)
from jixiao.scoring.rollup import RolledFinding, ranked, roll_up


@exact
def build_report(case: Case, result: CaseResult, public: bool = False, rulesets: Rulesets | None = None,
                 review: CaseResult | None = None) -> Report:
    """The draft for `case` scored as `result`; `public` leaves out what may not be published.

    `rulesets` are the compiled rulesets `result` was scored with (by default the ones it names);
    `review` is the same case run through the review rulesets, whose flags go into a closing
    section for whoever revises the draft (never in the public version).
    """
    rulesets = rulesets or Rulesets.named_in(result)
    title = f"{case.case.unit}{case.case.year}年度部门整体支出及项目支出绩效自评报告" + ("（公开版）" if public else "")
    return Report(title=title, sections=[_worded(s) for s in _Writer(case, result, public, rulesets, review).sections()])


def _worded(section: Section) -> Section:
    """Sentences as a bureau writes them: a whole percentage without ".00" (100%, not 100.00%);
    table cells keep the form's two places."""
    blocks = [Paragraph(text=_trimmed(b.text)) if isinstance(b, Paragraph)
              else BulletList(items=[_trimmed(i) for i in b.items]) if isinstance(b, BulletList) else b
              for b in section.blocks]
    return section.model_copy(update={"blocks": blocks})


def render_markdown(report: Report) -> str:
    """Markdown: `#` for the title, one more `#` per section level; tables as pipe tables."""
    out = [f"# {report.title}", ""]
    for section in report.sections:
        out += [f"{'#' * (section.level + 1)} {section.heading}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [block.text, ""]
            elif isinstance(block, Table):
                out.append("| " + " | ".join(_cell(h) for h in block.headers) + " |")
                out.append("|" + "|".join("---" for _ in block.headers) + "|")
                out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
                out.append("")
            else:  # numbered one level below the heading; escaped so Markdown keeps the number as written
                out += [_md_number(item_number(section.level, i)) + item for i, item in enumerate(block.items, 1)]
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md_number(number: str) -> str:
    """"1." would start a Markdown list that renumbers itself: written "1\\." it stays as written."""
    return number.replace(".", "\\. ") if number.endswith(".") else number


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---- writing the draft -------------------------------------------------------------------------

@dataclass(frozen=True)
class Rulesets:
    """The compiled rulesets a result was scored with, and the review rulesets (either may be None)."""

    department: CompiledRuleset | None
    project: CompiledRuleset | None
    review_department: CompiledRuleset | None = None
    review_project: CompiledRuleset | None = None

    @classmethod
    def named_in(cls, result: CaseResult) -> "Rulesets":
        from jixiao.rulesets.loader import load_ruleset
        refs = result.ruleset
        return cls(load_ruleset(refs["department"].id) if "department" in refs else None,
                   load_ruleset(refs["project"].id) if "project" in refs else None)


STATUS = {"scored": "已评分", "not_assessable": "信息不足，无法评定等级", "exempt": "免于评价", "vetoed": "一票否决"}
WITHHELD = "涉密，不公开"
TOTAL_WITHHELD = "含涉密项目，不单列"
MASKED_TOTALS = ("total", "project", "executed")  # department spending totals that include every project


class _Writer:
    """Writes each section from the case and the results; nothing is copied from the report's prose."""

    def __init__(self, case: Case, result: CaseResult, public: bool, rulesets: Rulesets, review: CaseResult | None):
        self.case, self.result, self.public, self.rs, self.review = case, result, public, rulesets, review
        self.records = {r.id: r for r in result.projects}
        # Published beside the other projects' figures, a total that includes a withheld project's
        # spending gives that spending away by subtraction: such totals are left out of the public draft.
        self.masked = public and any(not self.shown(self.records.get(p.id)) for p in case.projects)
        if self.masked:
            spending = case.department.spending.model_copy(update={f: None for f in MASKED_TOTALS})
            self.case = case.model_copy(update={"department": case.department.model_copy(update={"spending": spending})})

    def shown(self, record: RecordResult | None) -> bool:
        return record is not None and (record.published or not self.public)

    def sections(self) -> list[Section]:
        findings = self.findings()
        problems = [f for f in findings if f.category != "review"]
        flags = [f for f in findings if f.category == "review"]
        out = [self.basics(), self.execution(), *self.projects(), self.problems(problems), self.improvements(problems),
               self.scores()]
        out += forms_annex(self.case, public_view(self.result) if self.public else self.result,
                           TOTAL_WITHHELD if self.masked else None)
        if flags and not self.public:
            out.append(Section(heading="附：复核提示（修改报告时核对，公开版不含）", level=1, blocks=[
                BulletList(items=[f"{f.problem}建议：{f.improvement}" for f in flags])]))
        return out

    def findings(self) -> list[RolledFinding]:
        groups = [roll_up(self.case, self.result, self.rs.department, self.rs.project, self.public)]
        if self.review is not None:
            groups.append(roll_up(self.case, self.review, self.rs.review_department, self.rs.review_project, self.public))
        found = ranked(*groups)
        if self.masked:  # a department sentence citing a masked total (or a figure worked from one) is left out
            found = [f for f in found if not (f.scope == "department" and _cites_masked(self.rs, f))]
        return found

    # 一、基本情况 ---------------------------------------------------------------------------------
    def basics(self) -> Section:
        """Only stated figures go into sentences; a figure not stated is left out of the sentence
        (the table beside it says 未填报)."""
        d, year = self.case.department, self.case.case.year
        sentences = []
        staff = _joined([_count("编制", d.staff.authorized, "名"), _count("实有人员", d.staff.actual, "名")])
        if staff:
            sentences.append(f"{d.name}{staff}。")
        budget = _joined([_amount("年初预算数为", d.budget.initial), _amount("年中调整", d.budget.adjustment),
                          _amount("调整后预算数为", d.budget.final),
                          _amount("一般公共预算财政拨款收入", d.budget.appropriation_income)])
        if budget:
            sentences.append(f"{year}年度财政拨款支出{budget}。")
        sp = d.spending
        basic_parts = _joined([_amount("人员经费", sp.personnel), _amount("公用经费", sp.public)], "、")
        basic = _amount("基本支出", sp.basic)
        if basic and basic_parts:
            basic += f"（{basic_parts}）"
        parts = _joined([basic, _amount("项目支出", sp.project)])
        if sp.total is not None:
            sentences.append(f"全年支出合计{money(sp.total)}万元" + (f"，其中{parts}" if parts else "") + "。")
        elif parts:
            sentences.append(f"全年{parts}。")
        rows = [["年初预算数", money(d.budget.initial)], ["年中调整数", money(d.budget.adjustment)],
                ["调整后预算数", money(d.budget.final)], ["财政拨款收入", money(d.budget.appropriation_income)],
                ["支出合计", self._total(sp.total)], ["　基本支出", money(sp.basic)], ["　　人员经费", money(sp.personnel)],
                ["　　公用经费", money(sp.public)], ["　项目支出", self._total(sp.project)], ["结转结余", money(d.carryover)]]
        blocks: list = [Paragraph(text="".join(sentences))] if sentences else []
        return Section(heading="一、部门（单位）基本情况", level=1,
                       blocks=blocks + [Table(headers=["项目", "金额（万元）"], rows=rows)])

    def _total(self, value: Decimal | None) -> str:
        return TOTAL_WITHHELD if self.masked else money(value)

    # 二、预算执行 ---------------------------------------------------------------------------------
    def execution(self) -> Section:
        blocks: list = []
        dept = self.result.department
        if dept is not None:
            blocks.append(Paragraph(text=self._department_rate(dept)))
        rows, withheld = [], []
        for project in self.case.projects:
            record = self.records.get(project.id)
            if not self.shown(record):
                rows.append([project.name, WITHHELD, "—", "—", "—", "—", "—"])
                withheld.append(project.name)
                continue
            rate = record.metrics.get("execution_rate") if record else None
            final = record.metrics.get("final_budget") if record else project.budget.final
            rows.append([project.name, getattr(project.funding_source, "value", project.funding_source) or "未填报",
                         money(project.budget.initial), money(final), money(project.actual), money(project.carryover),
                         percent(rate) if isinstance(rate, Decimal) else "无法计算"])
        if rows:
            blocks.append(Table(headers=["项目", "资金来源", "年初预算", "全年预算", "实际支出", "结余结转", "执行率"], rows=rows))
            listed = [p.actual for p in self.case.projects if self.shown(self.records.get(p.id))]
            project_total = self.case.department.spending.project
            if withheld:
                blocks.append(Paragraph(text=f"{'、'.join(withheld)}为涉密项目，不作公开评价，其支出计入部门项目支出。"))
            elif all(a is not None for a in listed):
                total = sum(listed, Decimal(0))
                text = f"所列{len(listed)}个项目实际支出合计{money(total)}万元"
                text += f"，部门项目支出{money(project_total)}万元。" if project_total is not None else "。"
                blocks.append(Paragraph(text=text))
        return Section(heading="二、预算执行情况", level=1, blocks=blocks)

    def _department_rate(self, dept: RecordResult) -> str:
        """The department's rate under the ruleset's own name for it (a local formula says so in its
        label), with its formula; when it cannot be computed, the figures the report does not state."""
        d, compiled = self.case.department, self.rs.department
        rate = dept.metrics.get("execution_rate")
        label = _metric_label(compiled, "execution_rate", "预算执行率")
        spent = f"部门支出合计{money(d.spending.total)}万元，" if d.spending.total is not None else ""
        formula = _metric_source(compiled, "execution_rate")
        if isinstance(rate, Decimal):
            return f"{spent}{label}{_trimmed(percent(rate))}" + (f"（{formula.rstrip('。')}）" if formula else "") + "。"
        missing = _missing_figures(compiled, d, dept, self.case)
        reason = f"报告未填报{'、'.join(missing)}" if missing else "所需数据未填报"
        return f"{spent}部门{label}无法计算：{reason}。" + (_sentence(formula) if formula else "")

    # 三、项目绩效 ---------------------------------------------------------------------------------
    def _projects_intro(self) -> str:
        end = self._excerpt_end()
        if self.case.projects:
            whose = "本部门" if end is None else "报告所载部分"  # an excerpt may list more further on
            return f"{whose}列出{len(self.case.projects)}个项目，逐项评价如下。"
        if end is not None:  # an excerpt that stops before any project: their number is not stated
            return f"报告仅存摘录{f'，止于{end}' if end else ''}，所载部分未列出项目，项目支出情况未载明。"
        return "报告未列出项目。"

    def projects(self) -> list[Section]:
        out = [Section(heading="三、项目支出绩效情况", level=1, blocks=[
            Paragraph(text=self._projects_intro())])]
        for i, project in enumerate(self.case.projects, 1):
            record = self.records.get(project.id)
            if record is None:
                continue
            heading = f"（{chinese_number(i)}）{project.name}"
            if not self.shown(record) or record.status == "exempt":
                reason = "；".join(e.reason for e in record.exemptions) or "不作公开评价"
                out.append(Section(heading=heading, level=2, blocks=[Paragraph(text=reason)]))
                continue
            blocks: list = [Paragraph(text=self._verdict(record))]
            items = self._reasons(record, self.rs.project, project)
            if items:
                blocks.append(BulletList(items=items))
            out.append(Section(heading=heading, level=2, blocks=blocks))
        return out

    def _verdict(self, record: RecordResult) -> str:
        full = f"满分{number(record.max_score, 0)}分"
        if record.status == "not_assessable":
            blocked = [s.name for s in record.indicators if s.status in ("not_assessable", "rejected")]
            if scored_any(record) and record.score is not None:
                return f"{'、'.join(blocked)}信息不足，无法评定等级；可评价部分得{number(record.score)}分（{full}，非总分）。"
            return f"{'、'.join(blocked)}信息不足，无法评分，也无法评定等级。"
        text = f"得分{number(record.score)}分（{full}），等级为“{record.grade}”。" + _rescaled(record)
        if record.vetoes:
            text += "".join(_sentence(v.reason) for v in record.vetoes)
        return text

    def _reasons(self, record: RecordResult, compiled: CompiledRuleset | None, source) -> list[str]:
        """Where points were lost (扣分), each with its figures and units, then what could not be assessed."""
        items = []
        if compiled is not None:
            leaves = {leaf.node.id: leaf for leaf in compiled.leaves()}
            scores = {s.id: s for s in record.indicators}
            for code in reason_codes(compiled, record):
                score, leaf = scores[code.indicator], leaves[code.indicator]
                if score.items:
                    places = compiled.ruleset.rounding.places
                    rows = [_item_loss(item, source, places) for item in score.items]
                    detail = "；".join(r for r in rows if r) or _trimmed(score.detail)
                    # each row's share is rounded on its own: say where the rows' losses fall short of the node's
                    gap = code.points_lost - sum((round_half_up(i.weight, places) - i.score for i in score.items
                                                  if i.score is not None and i.weight is not None
                                                  and round_half_up(i.weight, places) > i.score), Decimal(0))
                    if any(rows) and gap > 0:
                        detail += f"；各项分值按表内分值折算后分别四舍五入，合计另差{number(gap)}分"
                else:
                    detail = f"{_trimmed(code.value)}，{_standard(leaf)}"
                items.append(f"{code.name}扣{number(code.points_lost)}分：{detail}。")
        for score in record.indicators:
            if score.status in ("not_assessable", "rejected"):
                items.append(f"{score.name}无法评价：{_trimmed(score.detail)}。")
        return items

    # 四、五、问题与措施 -----------------------------------------------------------------------------
    def _excerpt_end(self) -> str | None:
        """Where an excerpt ends ("" when it does not say), None when the whole report was read."""
        coverage = self.case.case.coverage
        if coverage.complete is True:
            return None
        return coverage.ends_at if coverage.ends_at is not None else ("" if coverage.complete is False else None)

    def _unchecked(self) -> list[str]:
        """The records nothing could be said about: not assessable, or assessable only in part."""
        records = [self.result.department, *self.result.projects]
        return [r.name for r in records if r is not None and r.status == "not_assessable" and self.shown(r)]

    def problems(self, findings: list[RolledFinding]) -> Section:
        if not findings:
            # "no problems" is a conclusion about something absent: it needs the data to have been there
            end, unchecked = self._excerpt_end(), self._unchecked()
            if end is not None:
                where = f"，止于{end}" if end else ""
                text = (f"报告仅存摘录{where}，其后内容未载明；按所用规则核对所载部分，未发现需要说明的问题，"
                        "但所载数据不足以得出不存在问题的结论。")
            elif unchecked:
                text = (f"按所用规则核对，未发现需要说明的问题；但{'、'.join(unchecked)}信息不足，无法评价，"
                        "不能据此认定不存在问题。")
            else:
                text = "按所用规则核对，预算执行、目标设置和数据填报未发现需要说明的问题。"
            return Section(heading="四、存在的问题及原因分析", level=1, blocks=[Paragraph(text=text)])
        return Section(heading="四、存在的问题及原因分析", level=1, blocks=[BulletList(items=[f.problem for f in findings])])

    def improvements(self, findings: list[RolledFinding]) -> Section:
        if not findings:
            if self._excerpt_end() is not None or self._unchecked():
                text = "取得报告全文（含预算数、执行数和绩效指标表）后逐项核对，再提出改进措施。"
            else:
                text = "继续按用款计划执行预算，年终对照绩效目标逐项填报完成值。"
            return Section(heading="五、下一步改进措施", level=1, blocks=[Paragraph(text=text)])
        return Section(heading="五、下一步改进措施", level=1, blocks=[BulletList(items=[f.improvement for f in findings])])

    # 六、得分 ------------------------------------------------------------------------------------
    def scores(self) -> Section:
        rows = []
        records = ([self.result.department] if self.result.department else []) + list(self.result.projects)
        for record in records:
            label = ("部门整体：" if record.kind == "department" else "") + record.name
            if not self.shown(record):
                rows.append([label, "—", "—", WITHHELD])
                continue
            rows.append([label, score_text(record, out_of=False), record.grade or "—", STATUS[record.status]])
        blocks: list = [Table(headers=["评价对象", "得分", "等级", "状态"], rows=rows)]
        dept = self.result.department
        if dept is not None:
            blocks.insert(0, Paragraph(text=f"部门整体：{self._verdict(dept)}"))
            reasons = self._reasons(dept, self.rs.department, self.case.department)
            if reasons:
                blocks.insert(1, BulletList(items=reasons))
        return Section(heading="六、自评得分及等级", level=1, blocks=blocks)


# ---- wording helpers: figures with their units, and nothing not stated inside a sentence ------------

def _amount(label: str, value: Decimal | None) -> str | None:
    return None if value is None else f"{label}{money(value)}万元"


def _count(label: str, value: int | None, unit: str) -> str | None:
    return None if value is None else f"{label}{value}{unit}"


def _joined(parts: list[str | None], sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


def _whole(points: Decimal) -> str:
    """A weight as a 公文 writes it: 5分, 2.5分 (not 5.00分)."""
    return number(points, 0) if points == points.to_integral_value() else number(points)


def _rescaled(record: RecordResult) -> str:
    """The sentence that says how a total over fewer indicators was brought to the full score: the
    indicators not applicable or not counted, their points, and the division (else 94.50 of 100
    reads as 99.47 with no reason)."""
    outside = [s for s in record.indicators if s.status == "not_applicable"]
    dropped = [s for s in record.indicators if s.status == "dropped"]
    if not (outside or dropped) or record.score is None:
        return ""
    left = sum((s.max_score for s in outside + dropped), Decimal(0))
    kept = record.max_score - left
    earned = sum((s.score for s in record.indicators if s.score is not None), Decimal(0))
    which = "，".join(part for part in (
        f"{'、'.join(s.name for s in outside)}不适用" if outside else "",
        f"{'、'.join(s.name for s in dropped)}数据缺失不计" if dropped else "") if part)
    return (f"其中{which}，其分值{_whole(left)}分不计，按其余{_whole(kept)}分所得{number(earned)}分折算为"
            f"{_whole(record.max_score)}分制（{number(earned)}÷{_whole(kept)}×{_whole(record.max_score)}）。")


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _trimmed(text: str) -> str:
    """Whole percentages without ".00": a standard of 100% is written "100%", not "100.00%"."""
    return re.sub(r"(\d)\.00%", r"\1%", text)


def _cites_masked(rulesets: Rulesets, finding: RolledFinding) -> bool:
    """Whether a department finding's texts read a spending total that includes every project, directly
    or through a metric that reads the department's spending."""
    compiled = next((c for c in (rulesets.department, rulesets.review_department) if c is not None and c.id == finding.ruleset), None)
    if compiled is None:
        return False
    tainted = {m.name for m in compiled.metrics if "spending" in free_names(m.expr.node)}
    changed = True
    while changed:  # metrics reading tainted metrics
        more = {m.name for m in compiled.metrics if free_names(m.expr.node) & tainted} - tainted
        changed, tainted = bool(more), tainted | more
    kind, ident = ("check", finding.id[6:]) if finding.id.startswith("check.") else ("finding", finding.id)
    fields = ("message",) if kind == "check" else ("problem", "improvement")
    for field in fields:
        template = compiled.templates.get((kind, ident, field))
        for placeholder in template.placeholders if template else ():
            path = placeholder.path
            if path[0] in tainted or (path[0] == "spending" and len(path) > 1 and path[1] in MASKED_TOTALS):
                return True
    return False


def _metric_source(compiled: CompiledRuleset | None, name: str) -> str | None:
    """Where a metric's formula comes from, as its ruleset states it (`source:`)."""
    if compiled is None:
        return None
    metric = compiled.ruleset.metrics.get(name)
    return getattr(metric, "source", None)


def _missing_figures(compiled: CompiledRuleset | None, record, result: RecordResult, case: Case) -> list[str]:
    """The stated-nowhere figures the record's execution indicator needed, by their names in the form."""
    if compiled is None:
        return []
    execution = next((s.name for s in result.indicators if s.id in ("execution", "budget_execution")), None)
    trace = trace_record(compiled, record, result, case, engine="native")
    paths = [m for u in trace.unassessed if u.what == f"指标 {execution}" for m in u.missing]
    return [_field_label(type(record), path) for path in paths]


def _field_label(model, path: str) -> str:
    """"budget.carried_over" → 上年结转: the field's description up to its first note."""
    field = None
    for part in path.split("."):
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return path
        model = field.annotation
    text = (field.description or path) if field is not None else path
    return re.split(r"[ (（/]", text, maxsplit=1)[0]


def _metric_label(compiled: CompiledRuleset | None, name: str, default: str) -> str:
    metric = next((m for m in compiled.metrics if m.name == name), None) if compiled else None
    return metric.label if metric is not None else default


def _standard(leaf) -> str:
    """What full marks need (explain's threshold), in a bureau's words: 100%, 扣2分; a condition's
    expression is code, so it is not quoted."""
    if isinstance(leaf.node.method, ConditionMethod):
        return "未达到得分条件"
    return re.sub(r"(\d)\.00分", r"\1分", _trimmed(threshold(leaf)))


def _item_loss(item, source, places: int) -> str | None:
    """One indicator row below its share: "农村户厕改造数实际完成480户（年度指标值≥800户），扣6.00分"."""
    if item.score is None or item.weight is None:
        return None
    lost = round_half_up(item.weight, places) - item.score
    if lost <= 0:
        return None
    unit = next((i.unit or "" for i in (source.indicators or []) if i.name == item.name and i.level1 == item.level1), "")
    if item.kind == "qualitative":  # words: quoted after a colon, never run into the sentence
        actual = f"：{stated_text(item.actual)}" if item.actual is not None else "：实际完成情况未填报"
        target = f"（年度指标值：{stated_text(item.target)}）" if item.target is not None else ""
    else:
        actual = f"实际完成{stated_text(item.actual)}{unit}" if item.actual is not None else "实际完成值未填报"
        sign = DIRECTION_SIGNS.get(item.direction or "", "")
        target = f"（年度指标值{sign}{stated_text(item.target)}{unit}）" if item.target is not None else ""
    return f"{item.name}{actual}{target}，扣{number(lost)}分"
