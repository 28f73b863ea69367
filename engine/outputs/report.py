"""A self-evaluation draft as a document model: sections of paragraphs, tables and lists.

The model (`Report`, `Section`, `Paragraph`, `Table`, `BulletList`) is the contract other renderers
(Markdown here, Word elsewhere) read; it holds only text, so every renderer shows the same words.
`build_report` writes the draft in the report's own order, every sentence generated from the case
and its results; with `public=True` nothing of an unpublishable (涉密) record is shown beyond its
name and the stated reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.rulesets.compiler import CompiledRuleset
from jixiao.core.decimals import exact, money, number, percent
from jixiao.scoring.explain import reason_codes
from jixiao.records.model import Case
from jixiao.scoring.results import CaseResult, RecordResult
from jixiao.outputs.publication import public_view
from jixiao.outputs.report_forms import forms_annex
from jixiao.outputs.report_model import Block, BulletList, Paragraph, Report, Section, Table  # noqa: F401 (re-exported: the contract)
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
    return Report(title=title, sections=_Writer(case, result, public, rulesets, review).sections())


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
            else:
                out += [f"{i}. {item}" for i, item in enumerate(block.items, 1)]
                out.append("")
    return "\n".join(out).rstrip() + "\n"


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


class _Writer:
    """Writes each section from the case and the results; nothing is copied from the report's prose."""

    def __init__(self, case: Case, result: CaseResult, public: bool, rulesets: Rulesets, review: CaseResult | None):
        self.case, self.result, self.public, self.rs, self.review = case, result, public, rulesets, review
        self.records = {r.id: r for r in result.projects}

    def shown(self, record: RecordResult | None) -> bool:
        return record is not None and (record.published or not self.public)

    def sections(self) -> list[Section]:
        findings = self.findings()
        problems = [f for f in findings if f.category != "review"]
        flags = [f for f in findings if f.category == "review"]
        out = [self.basics(), self.execution(), *self.projects(), self.problems(problems), self.improvements(problems),
               self.scores()]
        out += forms_annex(self.case, public_view(self.result) if self.public else self.result)
        if flags and not self.public:
            out.append(Section(heading="附：复核提示（修改报告时核对，公开版不含）", level=1, blocks=[
                BulletList(items=[f"{f.problem}建议：{f.improvement}" for f in flags])]))
        return out

    def findings(self) -> list[RolledFinding]:
        groups = [roll_up(self.case, self.result, self.rs.department, self.rs.project, self.public)]
        if self.review is not None:
            groups.append(roll_up(self.case, self.review, self.rs.review_department, self.rs.review_project, self.public))
        return ranked(*groups)

    # 一、基本情况 ---------------------------------------------------------------------------------
    def basics(self) -> Section:
        d, year = self.case.department, self.case.case.year
        sentences = []
        if d.staff.authorized is not None:
            staff = f"{d.name}编制{d.staff.authorized}名"
            staff += f"，实有人员{d.staff.actual}名" if d.staff.actual is not None else "（实有人数未填报）"
            sentences.append(staff + "。")
        budget = [f"{year}年度财政拨款支出年初预算数为{money(d.budget.initial)}万元"]
        if d.budget.adjustment is not None:
            budget.append(f"年中调整{money(d.budget.adjustment)}万元")
        if d.budget.final is not None:
            budget.append(f"调整后预算数为{money(d.budget.final)}万元")
        if d.budget.appropriation_income is not None:
            budget.append(f"一般公共预算财政拨款收入{money(d.budget.appropriation_income)}万元")
        sentences.append("，".join(budget) + "。")
        sp = d.spending
        if sp.total is not None:
            sentences.append(f"全年支出合计{money(sp.total)}万元，其中基本支出{money(sp.basic)}万元（人员经费{money(sp.personnel)}万元、"
                             f"公用经费{money(sp.public)}万元），项目支出{money(sp.project)}万元。")
        rows = [["年初预算数", money(d.budget.initial)], ["年中调整数", money(d.budget.adjustment)],
                ["调整后预算数", money(d.budget.final)], ["财政拨款收入", money(d.budget.appropriation_income)],
                ["支出合计", money(sp.total)], ["　基本支出", money(sp.basic)], ["　　人员经费", money(sp.personnel)],
                ["　　公用经费", money(sp.public)], ["　项目支出", money(sp.project)], ["结转结余", money(d.carryover)]]
        return Section(heading="一、部门（单位）基本情况", level=1, blocks=[
            Paragraph(text="".join(sentences)), Table(headers=["项目", "金额（万元）"], rows=rows)])

    # 二、预算执行 ---------------------------------------------------------------------------------
    def execution(self) -> Section:
        blocks: list = []
        dept = self.result.department
        if dept is not None:
            rate = dept.metrics.get("execution_rate")
            basis = dept.metrics.get("budget_basis")
            if isinstance(rate, Decimal):
                blocks.append(Paragraph(text=f"部门支出合计{money(self.case.department.spending.total)}万元，预算数{money(basis)}万元，"
                                             f"预算执行率{percent(rate)}。"))
            else:
                blocks.append(Paragraph(text="部门预算数或支出合计未填报，预算执行率无法计算。"))
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
            if withheld:
                blocks.append(Paragraph(text=f"{'、'.join(withheld)}为涉密项目，不作公开评价，其支出计入项目支出合计"
                                             f"{money(self.case.department.spending.project)}万元。"))
            elif all(a is not None for a in listed):
                total = sum(listed, Decimal(0))
                blocks.append(Paragraph(text=f"所列{len(listed)}个项目实际支出合计{money(total)}万元，"
                                             f"部门项目支出{money(self.case.department.spending.project)}万元。"))
        return Section(heading="二、预算执行情况", level=1, blocks=blocks)

    # 三、项目绩效 ---------------------------------------------------------------------------------
    def projects(self) -> list[Section]:
        out = [Section(heading="三、项目支出绩效情况", level=1, blocks=[
            Paragraph(text=f"本部门列出{len(self.case.projects)}个项目，逐项评价如下。")])]
        numerals = "一二三四五六七八九十"
        for i, project in enumerate(self.case.projects):
            record = self.records.get(project.id)
            if record is None:
                continue
            heading = f"（{numerals[i] if i < len(numerals) else i + 1}）{project.name}"
            if not self.shown(record) or record.status == "exempt":
                reason = "；".join(e.reason for e in record.exemptions) or "不作公开评价"
                out.append(Section(heading=heading, level=2, blocks=[Paragraph(text=reason)]))
                continue
            blocks: list = [Paragraph(text=self._verdict(record))]
            items = self._reasons(record, self.rs.project)
            if items:
                blocks.append(BulletList(items=items))
            out.append(Section(heading=heading, level=2, blocks=blocks))
        return out

    def _verdict(self, record: RecordResult) -> str:
        if record.status == "not_assessable":
            blocked = [s.name for s in record.indicators if s.status in ("not_assessable", "rejected")]
            return (f"{'、'.join(blocked)}信息不足，无法评定等级；可评价部分得{number(record.score)}分"
                    f"（满分{number(record.max_score, 0)}分）。") if record.score is not None else "信息不足，无法评定等级。"
        text = f"得分{number(record.score)}分（满分{number(record.max_score, 0)}分），等级{record.grade}。"
        if record.vetoes:
            text += "；".join(v.reason for v in record.vetoes) + "。"
        return text

    def _reasons(self, record: RecordResult, compiled: CompiledRuleset | None) -> list[str]:
        items = []
        if compiled is not None:
            for code in reason_codes(compiled, record):
                items.append(f"{code.name}失{number(code.points_lost)}分：{code.value}，{code.threshold}。")
        for score in record.indicators:
            if score.status in ("not_assessable", "rejected"):
                items.append(f"{score.name}无法评价：{score.detail}。")
        return items

    # 四、五、问题与措施 -----------------------------------------------------------------------------
    def problems(self, findings: list[RolledFinding]) -> Section:
        if not findings:
            return Section(heading="四、存在的问题及原因分析", level=1,
                           blocks=[Paragraph(text="按所用规则核对，预算执行、目标设置和数据填报未发现需要说明的问题。")])
        return Section(heading="四、存在的问题及原因分析", level=1, blocks=[BulletList(items=[f.problem for f in findings])])

    def improvements(self, findings: list[RolledFinding]) -> Section:
        if not findings:
            return Section(heading="五、下一步改进措施", level=1,
                           blocks=[Paragraph(text="继续按用款计划执行预算，年终对照绩效目标逐项填报完成值。")])
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
            score = number(record.score) if record.score is not None else "—"
            if record.status == "not_assessable" and record.score is not None:
                score = f"（可评价部分{score}）"
            rows.append([label, score, record.grade or "—", STATUS[record.status]])
        blocks: list = [Table(headers=["评价对象", "得分", "等级", "状态"], rows=rows)]
        dept = self.result.department
        if dept is not None:
            blocks.insert(0, Paragraph(text=f"部门整体：{self._verdict(dept)}"))
            reasons = self._reasons(dept, self.rs.department)
            if reasons:
                blocks.insert(1, BulletList(items=reasons))
        return Section(heading="六、自评得分及等级", level=1, blocks=blocks)
