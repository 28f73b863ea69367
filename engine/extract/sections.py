"""Which record each block speaks of: the unit as a whole, one project's own section, or a 自评表.

Headings are short numbered lines without figures ("七、存在的问题及原因分析", "1.雪亮工程建设专项项目").
Under a projects heading, each heading that names no known section opens a project; it runs until
a heading of a higher level or of a known section. A 自评表 runs from its 项目名称 row (or its
title) to its 总分 row and is read by selfeval_table, never by the phrase patterns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.extract.documents import Block
from jixiao.extract.numbering import marker
from jixiao.extract.numbers import AMOUNT
from jixiao.extract.patterns import Patterns

_AMOUNT = re.compile(AMOUNT)
_TABLE_START = re.compile(r"^(?:项目名称|.{0,30}(?:绩效(?:目标)?自评表|自评表))")
_TABLE_END = re.compile(r"^总\s*分")


def heading(block: Block) -> tuple[int, str] | None:
    """(level, title) when the block is a heading: numbered, short, no figure, no sentence."""
    if block.table:
        return None
    numbered = marker(block.text)
    if numbered is None:
        return None
    level, title = numbered
    title = title.rstrip("。：:")
    if not title or len(title) > 30 or re.search(r"[，。；;,]", title) or _AMOUNT.search(title):
        return None
    return level, title


@dataclass
class Placed:
    block: Block
    project: int | None  # index into Layout.projects; None: the unit as a whole
    section: str | None  # results / problems / improvements / projects / others / None


@dataclass
class Layout:
    placed: list[Placed] = field(default_factory=list)
    projects: list[tuple[str, Block]] = field(default_factory=list)  # name, where it was named
    tables: list[list] = field(default_factory=list)  # [project index (-1: the unit), rows]
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # section, heading, where
    one_project: bool = False  # a report on one project: its text is not a project section's


def _kind(title: str, patterns: Patterns) -> str | None:
    for kind, words in patterns.sections.items():
        if any(word in title for word in words):
            return kind
    return None


def lay_out(blocks: list[Block], patterns: Patterns) -> Layout:
    layout = Layout()
    section: str | None = None
    section_level = 0
    project: int | None = None
    project_level = 0
    table: list[Block] | None = None
    for block in blocks:
        first = block.cells[0] if block.cells else block.text
        if first.startswith("项目名称") and (block.table or len(block.text) < 80):
            name = next((c for c in block.cells[1:] if c), "") or first.removeprefix("项目名称").strip(" :：")
            if project is None or not _same_project(name, layout.projects[project][0]):
                layout.projects.append((name, block))  # the 自评表 of a project not named before
                project = len(layout.projects) - 1
            if table is None:
                table = []
                layout.tables.append([project, table])
                layout.seen.append(("selfeval_table", block.text[:30], block.where))
            layout.tables[-1][0] = project  # a title row may have opened the table
            table.append(block)
            continue
        if table is not None:
            table.append(block)
            if _TABLE_END.match(first):
                table = None
            continue
        if _TABLE_START.match(first) and (block.table or len(block.text) < 80):
            table = [block]
            layout.tables.append([-1 if project is None else project, table])
            layout.seen.append(("selfeval_table", block.text[:30], block.where))
            continue
        titled = heading(block)
        if titled:
            level, title = titled
            kind = _kind(title, patterns)
            inside_project = project is not None and level > project_level
            if kind is not None and not inside_project:
                section, section_level, project = kind, level, None
                layout.seen.append((kind, title, block.where))
                continue
            if section == "projects" and level > section_level and (project is None or level >= project_level):
                layout.projects.append((title, block))
                project, project_level = len(layout.projects) - 1, level
                continue
            if project is not None and level < project_level:
                project = None
            if section is not None and level <= section_level:
                section = None
        layout.placed.append(Placed(block, project, section))
    if not layout.projects:
        _one_project_report(layout, blocks, patterns)
    return layout


_PROJECT_SUFFIX = re.compile(r"(?:建设)?(?:专项)?(?:项目|资金|经费)$")


def _same_project(name: str, other: str) -> bool:
    """A project's 自评表 under its own section names it as the section did (or a part of it)."""
    a, b = (_PROJECT_SUFFIX.sub("", n) for n in (name, other))
    return bool(a) and bool(b) and (a in b or b in a)


def _one_project_report(layout: Layout, blocks: list[Block], patterns: Patterns) -> None:
    """A report on one project: its figures are the project's, once its name is found."""
    if not any(patterns.project_report.search(b.text) for b in blocks[:3]):
        return
    for placed in layout.placed:
        for regex in patterns.project_names:
            found = regex.search(placed.block.text)
            if found:
                layout.projects.append((found.group("name"), placed.block))
                layout.one_project = True
                for other in layout.placed:
                    if other.section not in ("problems", "improvements"):
                        other.project = 0
                return
