"""The phrase patterns of patterns.yaml, compiled once: data, not code, so a bureau can add its
province's phrasing. A pattern that is not a valid regular expression is an InputError naming the
file, the field and the pattern."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jixiao.core.errors import InputError, Location, Problem
from jixiao.core.i18n import _
from jixiao.extract.numbers import AMOUNT, COUNT, PERCENT

_PLACEHOLDERS = {"{amount}": AMOUNT, "{count}": COUNT, "{percent}": PERCENT, "{name}": "(?P<name>.+?)",
                 "{text}": r"(?P<text>[^，。；\s“”](?:\s?[^，。；\s“”]){0,7})"}  # 优 秀: a wrap space inside


@dataclass(frozen=True)
class Phrase:
    field: str  # dotted path inside the record: budget.initial, staff.authorized …
    regex: re.Pattern
    value: Any = None  # a statement's fixed value; None: the number the match holds
    unless_before: re.Pattern | None = None
    after: re.Pattern | None = None  # must occur earlier in the same sentence

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.field.split("."))


@dataclass(frozen=True)
class Patterns:
    department: tuple[Phrase, ...]
    project: tuple[Phrase, ...]
    project_lines: tuple[Phrase, ...]
    declared_counts: tuple[Phrase, ...]
    funding_lines: tuple[Phrase, ...]
    veto_lead: re.Pattern
    veto_trailing: re.Pattern
    veto_whole: tuple[re.Pattern, ...]
    veto_codes: tuple[tuple[str, tuple[str, ...]], ...]
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    project_report: re.Pattern | None = None
    project_names: tuple[re.Pattern, ...] = ()
    report_words: tuple[str, ...] = ()
    none_stated: re.Pattern | None = None
    screens: dict[str, re.Pattern] = field(default_factory=dict)  # group → any of its patterns

    def screen(self, group: str) -> re.Pattern:
        """One regex that matches where any pattern of the group matches: most paragraphs of a
        long report match none, and one failed search is cheaper than fifty."""
        if group not in self.screens:
            alternatives = [re.sub(r"\(\?P<\w+>", "(?:", phrase.regex.pattern) for phrase in getattr(self, group)]
            try:
                self.screens[group] = re.compile("|".join(f"(?:{a})" for a in alternatives) or "$^")
            except re.error:  # e.g. a bureau's pattern with a global flag: no screen, every pattern runs
                self.screens[group] = re.compile("")
        return self.screens[group]


def _compile(text: str, where: str) -> re.Pattern:
    for placeholder, regex in _PLACEHOLDERS.items():
        text = text.replace(placeholder, regex)
    try:
        return re.compile(text)
    except re.error as exc:
        raise InputError([Problem(_("短语模式不是有效的正则表达式：{error}").format(error=exc), Location(where))]) from None


def _phrases(table: dict, source: str, group: str) -> tuple[Phrase, ...]:
    phrases = []
    for name, entries in (table or {}).items():
        for entry in entries:
            where = f"{source} {group}.{name}"
            if isinstance(entry, str):
                phrases.append(Phrase(name, _compile(entry, where)))
            elif isinstance(entry, dict) and isinstance(entry.get("pattern"), str):
                unless, after = entry.get("unless_before"), entry.get("after")
                phrases.append(Phrase(name, _compile(entry["pattern"], where), entry.get("value"),
                                      _compile(unless, where) if unless else None,
                                      _compile(after, where) if after else None))
            else:
                raise InputError([Problem(_("短语模式应为字符串，或含 pattern 的映射"), Location(where))])
    return tuple(phrases)


def parse_patterns(data: Any, source: str) -> Patterns:
    if not isinstance(data, dict):
        raise InputError([Problem(_("短语模式文件应为映射"), Location(source))])
    vetoes = data.get("vetoes") or {}
    single = data.get("project_report") or {}
    return Patterns(
        department=_phrases(data.get("department"), source, "department"),
        project=_phrases(data.get("project"), source, "project"),
        project_lines=_phrases(data.get("project_lines"), source, "project_lines"),
        declared_counts=_phrases(data.get("declared_counts"), source, "declared_counts"),
        funding_lines=_phrases({"funding": data.get("funding_lines") or []}, source, "funding_lines"),
        veto_lead=_compile(vetoes.get("lead", "未发生"), f"{source} vetoes.lead"),
        veto_trailing=_compile(vetoes.get("trailing", "$^"), f"{source} vetoes.trailing"),
        veto_whole=tuple(_compile(p, f"{source} vetoes.whole") for p in vetoes.get("whole") or ()),
        veto_codes=tuple((code, tuple(words)) for code, words in (vetoes.get("codes") or {}).items()),
        sections={name: tuple(words) for name, words in (data.get("sections") or {}).items()},
        project_report=_compile(single.get("title", "$^"), f"{source} project_report.title"),
        report_words=tuple(data.get("report_words") or ()),
        none_stated=_compile(data.get("none_stated", "$^"), f"{source} none_stated"),
        project_names=tuple(_compile(p, f"{source} project_report.name") for p in single.get("name") or ()),
    )


@lru_cache(maxsize=8)
def load_patterns(path: str | None = None) -> Patterns:
    """The shipped patterns, or a bureau's own file (same layout) instead."""
    if path is None:
        text = resources.files("jixiao.extract").joinpath("patterns.yaml").read_text(encoding="utf-8")
        source = "patterns.yaml"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            raise InputError([Problem(_("无法读取短语模式文件"), Location(path))]) from None
        source = path
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError([Problem(_("短语模式文件不是有效的YAML"),
                                  Location(source, mark.line + 1 if mark else None))]) from None
    return parse_patterns(data, source)
