"""Candidates → a draft case: one value per field where the report agrees with itself, the rest
left to check. Nothing is derived: no total from its parts, no final budget from initial plus
adjustment, no zero for what is not stated.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jixiao.core.errors import InputError, Location, Problem
from jixiao.core.i18n import _
from jixiao.extract.documents import Block, read_document
from jixiao.extract.patterns import Patterns, load_patterns
from jixiao.extract.phrases import (Candidate, VetoFinding, clause, funding_lines, narrative, text_candidates,
                                    veto_findings)
from jixiao.extract.sections import Layout, lay_out
from jixiao.extract.selfeval_table import read_table
from jixiao.records.model import Case


@dataclass(frozen=True)
class Source:
    quote: str
    where: str


@dataclass(frozen=True)
class ToCheck:
    field: str
    reason: str
    candidates: tuple[tuple[str, Source], ...]  # value as text, where it came from


@dataclass
class Draft:
    case: Case
    sources: dict[tuple, list[Source]]  # path in the case data → the words each value came from
    to_check: list[ToCheck]
    sections: list[tuple[str, str, str]]  # section kind, heading, where
    ended: Source  # the last words of the text, and where they are
    file: str = ""
    filled: int = field(default=0)


def dotted(path: tuple) -> str:
    """("projects", 0, "budget", "initial") → projects[0].budget.initial."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _shown(value: Any) -> str:
    return format(value, "f") if hasattr(value, "is_finite") else str(value)


def _resolve(candidates: list[Candidate], to_check: list[ToCheck]) -> dict[tuple, tuple[Any, list[Source]]]:
    """One value per path where every candidate agrees and no figure feeds two fields."""
    paths_of_span: dict[tuple, set[tuple]] = {}
    for candidate in candidates:
        paths_of_span.setdefault(candidate.span, set()).add(candidate.path)
    by_path: dict[tuple, list[Candidate]] = {}
    for candidate in candidates:
        by_path.setdefault(candidate.path, []).append(candidate)
    resolved = {}
    for path, found in by_path.items():
        shared = [c for c in found if len(paths_of_span[c.span]) > 1]
        values = {c.value for c in found}
        listed = tuple((_shown(c.value), Source(c.quote, c.where)) for c in found)
        if shared:
            others = sorted({dotted(p) for c in shared for p in paths_of_span[c.span] if p != path})
            to_check.append(ToCheck(dotted(path), _("同一处数字也对应字段 {others}").format(others="、".join(others)), listed))
        elif len(values) > 1:
            to_check.append(ToCheck(dotted(path), _("报告中有不同的数值"), listed))
        elif any(c.approximate for c in found):
            to_check.append(ToCheck(dotted(path), _("报告给出的是约数（“余”），不是确数"), listed))
        else:
            sources = list(dict.fromkeys(Source(c.quote, c.where) for c in found))
            resolved[path] = (found[0].value, sources)
    return resolved


def _set(data: dict, path: tuple, value: Any) -> None:
    node: Any = data
    for part, following in zip(path, path[1:]):
        if isinstance(part, int):
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(following, int) else {})
    node[path[-1]] = value


_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE = re.compile(r"(?:绩效)?(?:自评|自评价|评价)(?:工作情况总结|总结报告|报告|表|公示)")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|xlsx?|wps)$", re.IGNORECASE)  # a mirror's file-name line
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[:：]?\s*")
_UNIT_LABEL = re.compile(r"^(?:部门（单位）名称|部门\(单位\)名称|部门名称|单位名称|部门|实施单位)[:：\s]\s*(\S{2,30})")
_BEFORE_TITLE = re.compile(r"^([^\d\s（(]{2,30}?)\s*(?:20\d{2}\s*年|关于|部门整体|整体|项目支出|专项资金|预算绩效|绩效)")


def _year(blocks: list[Block]) -> int | None:
    for block in blocks[:5]:
        if _TITLE.search(block.text):
            found = _YEAR.search(block.text)
            if found:
                return int(found.group(1))
    years = Counter(int(y) for b in blocks[:60] for y in _YEAR.findall(b.text))
    return years.most_common(1)[0][0] if years else None


def _unit(blocks: list[Block]) -> tuple[str, Source] | None:
    for block in blocks[:8]:
        if _TITLE.search(block.text) and len(block.text) < 80 and not _FILE_NAME.search(block.text):
            found = _BEFORE_TITLE.match(_ATTACHMENT.sub("", block.text))
            if found:
                return found.group(1).strip(), Source(block.text, block.where)
    for block in blocks[:40]:
        found = _UNIT_LABEL.match(block.text)
        if found:
            return found.group(1).strip(), Source(block.text, block.where)
    return None


def _vetoes(findings: list[VetoFinding]) -> list[dict]:
    grouped: dict[str, list[VetoFinding]] = {}
    for finding in findings:
        grouped.setdefault(finding.code or finding.item, []).append(finding)
    vetoes = []
    for group in grouped.values():
        quotes = dict.fromkeys(f"“{f.quote}”（{f.where}）" for f in group)
        vetoes.append({"item": group[0].item, "code": group[0].code, "occurred": False, "note": "；".join(quotes)})
    return vetoes


def _table_readings(layout: Layout, to_check: list[ToCheck]) -> tuple[list[Candidate], dict[tuple, list]]:
    """Every 自评表's candidates, and its list items (indicators, funding lines) by list path."""
    candidates: list[Candidate] = []
    items: dict[tuple, list[tuple[dict, str, str]]] = {}
    for project, rows in layout.tables:
        reading = read_table(rows, project)
        candidates += reading.candidates
        for path, found in reading.items.items():
            items.setdefault(path, []).extend(found)
        for name, reason, shown in reading.to_check:
            to_check.append(ToCheck(dotted(name), reason, tuple((v, Source(q, w)) for v, q, w in shown)))
    return candidates, items


def _skeleton(file: str, year: int, unit: tuple[str, Source] | None, ended: Source, layout: Layout) -> dict:
    """The case's frame: meta, the unit, the projects by name; figures are set into it after."""
    stem = Path(file).stem
    name = unit[0] if unit else stem
    return {
        "case": {"id": stem, "unit": name, "year": year, "source": Path(file).name,
                 "note": _("由 jixiao extract 从报告原文生成的草稿；报告未载明的数据一律留空，请逐项核对。"),
                 # where the text ends is where "not stated" begins for a truncated copy; whether the
                 # copy is the whole report, only a person can say (complete stays unknown)
                 "coverage": {"ends_at": f"{ended.where}：{ended.quote}"}},
        "department": {"id": "department", "name": name},
        "projects": [{"id": f"p{i + 1}", "name": project or _("项目{n}").format(n=i + 1)}
                     for i, (project, _block) in enumerate(layout.projects)],
    }


def build_draft(blocks: list[Block], file: str, patterns: Patterns | None = None) -> Draft:
    patterns = patterns or load_patterns()
    layout: Layout = lay_out(blocks, patterns)
    to_check: list[ToCheck] = []
    table_candidates, items = _table_readings(layout, to_check)
    resolved = _resolve(text_candidates(layout, patterns) + table_candidates, to_check)
    lines, conflicts = funding_lines(layout, patterns)
    for path, found in lines.items():
        items.setdefault(path, []).extend(found)
    for path, found in conflicts:
        to_check.append(ToCheck(dotted(path), _("报告中有不同的数值"),
                                tuple((_shown(c.value), Source(c.quote, c.where)) for c in found)))
    findings = veto_findings(layout, patterns)
    nothing = not resolved and not findings and not items and not to_check
    if nothing and not any(word in block.text for block in blocks for word in patterns.report_words):
        raise InputError([Problem(_("不像是绩效自评报告：未找到预算、支出、人员编制、绩效指标等内容"), Location(file))])
    year = _year(blocks)
    if year is None:
        raise InputError([Problem(_("未能识别报告所属年度（如“2024年度”）"), Location(file))])
    unit = _unit(blocks)
    ended = Source(blocks[-1].text[-30:], blocks[-1].where)
    data = _skeleton(file, year, unit, ended, layout)
    sources: dict[tuple, list[Source]] = {}
    if unit:
        sources[("case", "unit")] = [unit[1]]
    else:
        to_check.append(ToCheck("case.unit", _("未能识别单位名称，暂用文件名"), ()))
    for i, (name, block) in enumerate(layout.projects):
        at = block.text.find(name) if name else -1
        quote = clause(block.text, at, at + len(name)) if at >= 0 else block.text
        sources[("projects", i, "name")] = [Source(quote, block.where)]
    for path, (value, found) in sorted(resolved.items(), key=lambda item: dotted(item[0])):
        _set(data, path, value)
        sources[path] = found
    for path, (text, where) in narrative(layout, patterns).items():
        _set(data, path, text)
        sources[path] = [Source(_("（该节全文）"), where)]
    if findings:
        data["department"]["vetoes"] = _vetoes(findings)
    for path, rows in items.items():
        _set(data, path, [item for item, _quote, _where in rows])
        for k, (item, quote, where) in enumerate(rows):
            sources[path + (k, next(iter(item)))] = [Source(quote, where)]
    case = _validated(data, sources, to_check, file)
    filled = len(resolved) + sum(len(rows) for rows in items.values())
    return Draft(case, sources, to_check, layout.seen, ended, file, filled)


def _validated(data: dict, sources: dict[tuple, list[Source]], to_check: list[ToCheck], file: str) -> Case:
    """The case; a value the record model refuses (10.5 staff) is taken out and listed to check."""
    for _attempt in range(50):
        try:
            return Case.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            path = tuple(error["loc"])
            node: Any = data
            for part in path[:-1]:
                node = node[part] if isinstance(node, list) else node.get(part)
            if not isinstance(node, (dict, list)) or path[:1] == ("case",):
                break
            value = node.pop(path[-1]) if isinstance(node, dict) else None
            found = sources.pop(path, [])
            to_check.append(ToCheck(dotted(path), _("记录模型不接受这个值：{message}").format(message=error["msg"]),
                                    tuple((_shown(value), s) for s in found)))
    raise InputError([Problem(_("提取结果不符合记录模型"), Location(file))])


def extract_report(path: str | Path, patterns_file: str | None = None) -> Draft:
    """The draft case of one report file."""
    return build_draft(read_document(path), str(path), load_patterns(patterns_file))
