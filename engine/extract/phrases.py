"""Candidates from running text: every phrase pattern that matches, with the words it matched.

A candidate is not yet a value: draft decides, after every candidate of the report is known,
whether a field has one value (written) or several (left to check). Nothing here adds, subtracts
or fills in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jixiao.extract.documents import Block
from jixiao.extract.numbers import Number, amount, count, percent
from jixiao.extract.patterns import Patterns, Phrase
from jixiao.extract.numbering import marker
from jixiao.extract.sections import Layout

_CLAUSE_END = re.compile(r"[，,。；;！？!?]|\.(?!\d)")
_SENTENCE_END = re.compile(r"[。；;！？!?]|\.(?!\d)")


@dataclass(frozen=True)
class Candidate:
    path: tuple  # ("department", "budget", "initial") or ("projects", 0, "actual")
    value: Any
    quote: str
    where: str
    span: tuple[str, int, int]  # block, start, end: one figure may feed one field only
    approximate: bool = False


def clause(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    return text[left:right.start() if right else len(text)].strip()


def _sentence_before(text: str, start: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    return text[left:start]


def _number(match: re.Match):
    groups = match.re.groupindex
    if "amount" in groups and match.group("amount"):
        return amount(match)
    if "count" in groups and match.group("count"):
        return count(match)
    if "percent" in groups and match.group("percent"):
        return percent(match)
    if "text" in groups and match.group("text"):
        return Number(re.sub(r"\s+", "", match.group("text")))  # 优 秀 (a line-wrap space) is 优秀
    return None


def _matches(phrase: Phrase, block: Block):
    for match in phrase.regex.finditer(block.text):
        if phrase.unless_before or phrase.after:
            before = _sentence_before(block.text, match.start())
            if phrase.unless_before and phrase.unless_before.search(before):
                continue
            if phrase.after and not phrase.after.search(before):
                continue
        yield match


def _number_span(match: re.Match) -> tuple[int, int]:
    """Where the figure itself stands (two patterns reading one figure share this span)."""
    for group in ("amount", "count", "percent", "text"):
        if group in match.re.groupindex and match.group(group):
            return match.span(group)
    return match.span()


def _candidate(path: tuple, phrase: Phrase, match: re.Match, block: Block) -> Candidate | None:
    quote = clause(block.text, match.start(), match.end())
    span = (block.where, *_number_span(match))
    if phrase.value is not None:
        return Candidate(path, phrase.value, quote, block.where, span)
    number = _number(match)
    if number is None:
        return None
    value = number.value
    if "staff" in path or "declared_counts" in path:  # whole people, whole counts
        value = int(value) if value == value.to_integral_value() else value
    if path[-1] == "adjustment" and "调减" in match.group(0):
        value = value.copy_negate()
    return Candidate(path, value, quote, block.where, span, number.approximate)


def _find_project(name: str, projects: list[tuple[str, Block]]) -> int | None:
    found = [i for i, (full, _block) in enumerate(projects) if full.startswith(name) or name in full]
    return found[0] if len(found) == 1 else None


def _found(patterns: Patterns, group: str, block: Block, path_of) -> list[Candidate]:
    """The candidates of one group of phrases in one block; path_of(phrase, match) says which
    field (None: none)."""
    if not patterns.screen(group).search(block.text):
        return []
    found = []
    for phrase in getattr(patterns, group):
        for match in _matches(phrase, block):
            path = path_of(phrase, match)
            candidate = _candidate(path, phrase, match, block) if path else None
            if candidate:
                found.append(candidate)
    return found


def text_candidates(layout: Layout, patterns: Patterns) -> list[Candidate]:
    candidates: list[Candidate] = []

    def named_project(phrase: Phrase, match: re.Match) -> tuple | None:
        index = _find_project(match.group("name"), layout.projects)
        return None if index is None else ("projects", index, *phrase.path)

    for placed in layout.placed:
        block = placed.block
        if placed.project is None:
            candidates += _found(patterns, "department", block, lambda phrase, _match: ("department", *phrase.path))
            candidates += _found(patterns, "project_lines", block, named_project)
        else:
            record = ("projects", placed.project)
            candidates += _found(patterns, "project", block, lambda phrase, _match: (*record, *phrase.path))
        candidates += _found(patterns, "declared_counts", block,
                             lambda phrase, _match: ("department", "declared_counts", *phrase.path))
    return candidates


def funding_lines(layout: Layout, patterns: Patterns) -> tuple[dict[tuple, list], list[tuple[tuple, list[Candidate]]]]:
    """A project's funding named in its text: path → [(line, quote, where)], and the names given
    two different amounts (left to check)."""
    by_name: dict[tuple, list[Candidate]] = {}
    for placed in layout.placed:
        if placed.project is None:
            continue
        record = ("projects", placed.project, "funding")
        for candidate in _found(patterns, "funding_lines", placed.block,
                                lambda _phrase, match: (*record, match.group("name"))):
            by_name.setdefault(candidate.path, []).append(candidate)  # the line's name ends the path
    lines: dict[tuple, list] = {}
    conflicts = []
    for key, found in by_name.items():
        if len({c.value for c in found}) > 1 or any(c.approximate for c in found):
            conflicts.append((key, found))
            continue
        lines.setdefault(key[:-1], []).append(({"name": key[-1], "budget": found[0].value}, found[0].quote,
                                               found[0].where))
    return lines, conflicts


@dataclass(frozen=True)
class VetoFinding:
    item: str
    code: str | None
    quote: str
    where: str


def _code(item: str, patterns: Patterns) -> str | None:
    for code, words in patterns.veto_codes:
        if any(word in item for word in words):
            return code
    return None


def veto_findings(layout: Layout, patterns: Patterns) -> list[VetoFinding]:
    """Each item a "未发生…" sentence lists, with the clause it came from."""
    findings = []
    for placed in layout.placed:
        text = placed.block.text
        for lead in patterns.veto_lead.finditer(text):
            end = _CLAUSE_END.search(text, lead.end())
            listed = text[lead.end():end.start() if end else len(text)]
            quote = text[lead.start():end.start() if end else len(text)]
            listed = patterns.veto_trailing.sub("", listed.strip())
            for item in re.split(r"、|以及|和|及|与", listed):
                item = item.strip(" “”\"")
                if len(item) >= 2:
                    findings.append(VetoFinding(item, _code(item, patterns), quote, placed.block.where))
        for whole in patterns.veto_whole:
            for match in whole.finditer(text):
                findings.append(VetoFinding(match.group("item"), _code(match.group("item"), patterns),
                                            clause(text, match.start(), match.end()), placed.block.where))
    return findings


def _items(blocks: list[Block]) -> list[str]:
    """A section's numbered items, the marker dropped; unnumbered lines continue the item before."""
    items: list[str] = []
    for block in blocks:
        numbered = marker(block.text)
        if numbered or not items:
            items.append(numbered[1] if numbered else block.text)
        else:
            items[-1] += block.text
    return items


def narrative(layout: Layout, patterns: Patterns) -> dict[tuple, tuple[Any, str]]:
    """Text sections: path → (text, where it starts). A problems section that says "暂无问题"
    is stated as empty ([]), which is not the same as a report that never reaches that section."""
    found: dict[tuple, tuple[Any, str]] = {}
    by_section: dict[str, list[Block]] = {}
    by_project: dict[int, list[Block]] = {}
    for placed in layout.placed:
        if placed.project is not None:
            by_project.setdefault(placed.project, []).append(placed.block)
        elif placed.section:
            by_section.setdefault(placed.section, []).append(placed.block)
    if by_section.get("results"):
        blocks = by_section["results"]
        found[("department", "narrative", "results")] = ("\n".join(b.text for b in blocks), blocks[0].where)
    for kind in ("problems", "improvements"):
        if by_section.get(kind):
            items = _items(by_section[kind])
            if all(patterns.none_stated.match(item) for item in items):
                items = []
            found[("department", "narrative", kind)] = (items, by_section[kind][0].where)
    for index, blocks in by_project.items() if not layout.one_project else ():
        found[("projects", index, "narrative", "results")] = ("\n".join(b.text for b in blocks), blocks[0].where)
    return found

