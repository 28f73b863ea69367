"""Render case results for people (table, markdown) and programs (JSON)."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from tabulate import tabulate

from jixiao.core.decimals import number, percent, plain
from jixiao.scoring.results import INDICATOR_STATUS_WORDS, RECORD_STATUS_WORDS, CaseResult, RecordResult

CHECK_MARK = {True: "✓ 通过", False: "✗ 未通过", None: "? 无法核对"}


def to_json(results: list[CaseResult]) -> str:
    """One case → its object; several → an array. Numbers are exact decimal strings."""
    # pydantic writes the indented text itself (serde_json's pretty form: the same bytes as
    # json.dumps(..., ensure_ascii=False, indent=2) for this data, whose numbers are strings),
    # 5× faster than parsing its compact JSON back and re-encoding it with json's pure-Python
    # indenting encoder. bench/json_identity.py checks the bytes.
    texts = [r.model_dump_json(indent=2) for r in results]
    if not texts:
        return "[]\n"
    if len(texts) == 1:
        return texts[0] + "\n"
    return "[\n" + ",\n".join("  " + text.replace("\n", "\n  ") for text in texts) + "\n]\n"


def json_document(cases: list[bytes]) -> list[bytes]:
    """`to_json`'s bytes from each case's own (`case_json`), in a few pieces, never as one str (a
    10,000-project case's output is 80 MB): one case → its object, several → an array."""
    if not cases:
        return [b"[]\n"]
    if len(cases) == 1:
        return [cases[0], b"\n"]
    return [b"[\n", b",\n".join(b"  " + text.replace(b"\n", b"\n  ") for text in cases), b"\n]\n"]


def case_json(head: CaseResult, projects: Iterable[RecordResult]) -> Iterator[bytes]:
    """A case's JSON, the same bytes as `to_json([case])` without its final newline, from its head
    (`scoring.evaluate.case_head`: no projects) and its projects one at a time, so that each
    project's result can be let go once written."""
    return case_json_of(head, (project_json(project) for project in projects))


def project_json(project: RecordResult) -> bytes:
    """One project's JSON as `case_json` places it in its case (indented one level)."""
    return _json_bytes(project).replace(b"\n", b"\n    ")


def case_json_of(head: CaseResult, projects: Iterable[bytes]) -> Iterator[bytes]:
    """`case_json` from its projects' `project_json` bytes (made elsewhere: in another process)."""
    head_text = _json_bytes(head)
    empty = b'"projects": []\n}'
    if not head_text.endswith(empty) or head.projects:  # `projects` is CaseResult's last field
        raise ValueError("case_json needs a head without projects (CaseResult's last field)")
    yield head_text[: -len(b"[]\n}")]
    first = True
    for project in projects:
        yield (b"[\n    " if first else b",\n    ") + project
        first = False
    yield b"[]\n}" if first else b"\n  ]\n}"


def _json_bytes(model: CaseResult | RecordResult) -> bytes:
    return model.__pydantic_serializer__.to_json(model, indent=2)  # what model_dump_json decodes


def score_text(record: RecordResult, out_of: bool = True) -> str:
    """"96.18/100" (or "96.18"); "—" for a record that could not be assessed, its partial score
    labelled as such (a partial 0.00 of 100 read as a total would be a false verdict)."""
    if record.score is None or (record.status == "not_assessable" and not scored_any(record)):
        return "—"
    total = f"/{number(record.max_score, 0)}" if out_of else "分"
    if record.status == "not_assessable":
        return f"—（可评价部分{number(record.score)}{total}）"
    return number(record.score) + (total if out_of else "")


def scored_any(record: RecordResult) -> bool:
    """Whether any indicator of the record could be scored."""
    return any(i.score is not None for i in record.indicators)


def _rate(record: RecordResult) -> str:
    rate = record.metrics.get("execution_rate")
    return percent(rate) if isinstance(rate, Decimal) else "无法计算" if record.published and record.status != "exempt" else "—"


def _record_lines(record: RecordResult, fmt: str, heading: str) -> list[str]:
    table_fmt = "pipe" if fmt == "markdown" else "simple"
    lines = [heading, ""]
    grade = record.grade or "—"
    lines.append(f"得分 {score_text(record)}　等级 {grade}　状态 {RECORD_STATUS_WORDS[record.status]}")
    for exemption in record.exemptions:
        lines.append(f"免评：{exemption.reason}")
    for veto in record.vetoes:
        lines.append(f"一票否决：{veto.reason}")
    if not record.published:
        lines.append("")
        return lines
    stated = [i for i in record.inputs or [] if i.value is not None]  # JSON and xlsx list the unstated too
    if stated:
        lines.append("数据项：" + "；".join(f"{i.label} {_stated(i.value, i.unit)}" for i in stated))
    if record.indicators and record.status != "exempt":
        rows = []
        for ind in record.indicators:
            score = number(ind.score) if ind.score is not None else (f"({number(ind.partial)})" if ind.partial is not None else "—")
            rows.append(["/".join(ind.path + [ind.name]), number(ind.max_score), score, INDICATOR_STATUS_WORDS[ind.status], ind.detail])
            for item in ind.items:
                rows.append([f"　· {item.name}", number(item.weight), number(item.score) if item.score is not None else "—",
                             INDICATOR_STATUS_WORDS[item.status], item.detail])
        lines += ["", tabulate(rows, headers=["指标", "分值", "得分", "状态", "计分说明"], tablefmt=table_fmt, disable_numparse=True)]
    if record.checks:
        rows = [[c.name, CHECK_MARK[c.ok], "" if c.ok else c.message] for c in record.checks]
        lines += ["", tabulate(rows, headers=["核对", "结果", "说明"], tablefmt=table_fmt, disable_numparse=True)]
    if record.findings:
        lines += ["", "问题与改进建议："]
        for i, finding in enumerate(record.findings, 1):
            lines.append(f"{i}. 问题：{finding.problem}")
            lines.append(f"   改进：{finding.improvement}")
    lines.append("")
    return lines


def _stated(value, unit: str) -> str:
    """A declared input's value as a sentence shows it: 180万元, 是, 2024-03-31."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return (plain(value) if isinstance(value, Decimal) else str(value)) + unit


def to_text(results: list[CaseResult], fmt: str = "table") -> str:
    out: list[str] = []
    h1, h2 = ("# ", "## ") if fmt == "markdown" else ("", "")
    for result in results:
        rulesets = "；".join(f"{'部门' if kind == 'department' else '项目'} {ref.id} {ref.version}" for kind, ref in result.ruleset.items())
        out.append(f"{h1}{result.unit} {result.year}年 绩效评价（{result.case}）")
        out.append("")
        out.append(f"规则：{rulesets}　引擎：{result.engine}" + ("　公开版" if result.public else ""))
        out.append("")
        if result.projects:
            rows = [[p.name, _rate(p), score_text(p), p.grade or "—", RECORD_STATUS_WORDS[p.status]] for p in result.projects]
            out.append(tabulate(rows, headers=["项目", "预算执行率", "得分", "等级", "状态"],
                                tablefmt="pipe" if fmt == "markdown" else "simple", disable_numparse=True))
            out.append("")
        if result.department is not None:
            out += _record_lines(result.department, fmt, f"{h2}部门整体：{result.department.name}")
        for project in result.projects:
            out += _record_lines(project, fmt, f"{h2}项目：{project.name}")
    return "\n".join(out).rstrip() + "\n"
