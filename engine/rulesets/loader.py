"""Find, read, validate and compile rulesets: shipped ones by id, others by path.

Shipped rulesets live in the top-level `rulesets/` folder, installed as the
`jixiao.shipped_rulesets` package data so they load after a plain `pip install .` as well as from a checkout.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from jixiao.rulesets.compiler import CompiledRuleset, Source, _Compiler, compile_ruleset
from jixiao.rulesets.compose import resolve
from jixiao.rulesets.conditions import PARTS, both, condition_problems, guarded, include_ref
from jixiao.core.errors import Location, Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.rulesets.model import Ruleset
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import parse_yaml, read_yaml
from jixiao.rulesets.compose import MAX_CHAIN, confined

DEFAULTS = {"project": "mof-project-selfeval", "department": "department-overall"}
REVIEW_DEFAULTS = {"department": "review-fuhe", "project": "review-fuhe-project"}
KIND_NAMES = {"scoring": "评分规则", "review": "复核规则"}


def shipped_folder():
    """The installed rulesets: package data `jixiao.shipped_rulesets` (the checkout's `rulesets/`)."""
    return resources.files("jixiao.shipped_rulesets")


def shipped_ids() -> list[str]:
    folder = shipped_folder()
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def locate(ref: str, relative_to: Path | None = None) -> Path | str:
    """A ruleset file for `ref`: a path (absolute, or relative to the including file) or a shipped id.

    From an including file (`relative_to`), a path must stay inside that file's folder, symlinks
    resolved, or inside a folder listed in JIXIAO_RULESET_PATH (see compose.confined)."""
    candidates = [Path(ref)]
    if relative_to is not None:
        candidates = [relative_to.parent / ref] + ([Path(ref)] if Path(ref).is_absolute() else [])
    for candidate in candidates:
        if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
            if relative_to is not None:
                confined(candidate, relative_to, os.environ.get("JIXIAO_RULESET_PATH", ""))
            return candidate
    if ref in shipped_ids():
        return f"rulesets/{ref}.yaml"
    known = "、".join(shipped_ids())
    raise RulesetError([Problem(_("没有规则 `{ref}`：既不是文件，也不是随附的规则（{known}）").format(ref=ref, known=known))])


def _read(ref: Path | str):
    if isinstance(ref, Path):
        return read_yaml(ref, RulesetError)
    text = shipped_folder().joinpath(ref.split("/", 1)[1]).read_text(encoding="utf-8")
    return parse_yaml(text, ref, RulesetError)


def _read_resolved(ref: Path | str, trail: tuple[str, ...] = ()):
    """The file's data with its `extends:` parent merged in (see `compose`), recursively."""
    data, lines = _read(ref)
    key = str(Path(ref).resolve()) if isinstance(ref, Path) else ref
    if not isinstance(data, dict) or not isinstance(data.get("extends"), str):
        return data, lines

    def read_parent(parent_ref: str):
        try:
            target = locate(parent_ref, ref if isinstance(ref, Path) else None)
        except RulesetError as exc:
            raise RulesetError([Problem(exc.problems[0].message, lines.find(("extends",)))]) from None
        target_key = str(Path(target).resolve()) if isinstance(target, Path) else target
        if len(trail) >= MAX_CHAIN:
            raise RulesetError([Problem(_("`extends`链超过{most}层").format(most=MAX_CHAIN), lines.find(("extends",)))])
        if target_key in trail + (key,):
            raise RulesetError([Problem(_("extends 循环引用：{chain}").format(
                chain=" → ".join(trail + (key, target_key))), lines.find(("extends",)))])
        parent, parent_lines = _read_resolved(target, trail + (key,))
        if isinstance(parent, dict) and isinstance(target, Path) and isinstance(parent.get("include"), list):
            # the parent's includes stay relative to the parent's file
            parent["include"] = [_relocated(entry, target) for entry in parent["include"]]
        return parent, parent_lines

    return resolve(data, lines, read_parent)


def _relocated(entry, parent_file: Path):
    """An include entry of a parent file, its path made to work from the child's file."""
    ref = entry.get("ruleset") if isinstance(entry, dict) else entry
    target = locate_quiet(ref, parent_file) if isinstance(ref, str) else None
    if not isinstance(target, Path):
        return entry
    return dict(entry, ruleset=str(target)) if isinstance(entry, dict) else str(target)


def locate_quiet(ref: str, relative_to: Path | None = None) -> Path | str | None:
    try:
        return locate(ref, relative_to)
    except RulesetError:
        return None


def read_source(ref: Path | str) -> Source:
    data, lines = _read_resolved(ref)
    if not isinstance(data, dict):
        raise RulesetError([Problem(_("规则文件应为映射（id、title、applies_to……）"), lines.find(()))])
    try:
        model = Ruleset.model_validate(data)
    except ValidationError as exc:
        raise RulesetError(problems_from(exc, lines, model=Ruleset)) from None
    return Source(model, lines)


def load_sources(ref: str) -> list[Source]:
    """The ruleset and, after it, everything it includes (recursively, each once), with every
    `applies_when` checked and folded into the parts it guards (see `conditions`)."""
    first = locate(ref)
    sources: list[Source] = []
    conditions: list[str | None] = []
    seen: set[str] = set()

    def visit(where: Path | str, trail: tuple[str, ...], condition: str | None) -> None:
        key = str(Path(where).resolve()) if isinstance(where, Path) else where
        if key in trail:
            raise RulesetError([Problem(_("include 循环引用：{chain}").format(chain=" → ".join(trail + (key,))),
                                        Location(str(where)))])
        if key in seen:
            return
        if len(trail) >= MAX_CHAIN:
            raise RulesetError([Problem(_("`include`链超过{most}层").format(most=MAX_CHAIN), Location(str(where)))])
        seen.add(key)
        source = read_source(where)
        own = both(condition, source.ruleset.applies_when)
        sources.append(source)
        conditions.append(own)
        for i, entry in enumerate(source.ruleset.include):
            included, entry_condition = include_ref(entry)
            try:
                target = locate(included, where if isinstance(where, Path) else None)
            except RulesetError as exc:
                raise RulesetError([Problem(exc.problems[0].message, source.lines.find(("include", i)))]) from None
            visit(target, trail + (key,), both(own, entry_condition))

    visit(first, (), None)
    main = sources[0].ruleset
    for source in sources[1:]:
        if source.ruleset.applies_to not in ("any", main.applies_to):
            raise RulesetError([Problem(_("所含规则 {id} 适用于 {kind} 记录，不适用于 {main}").format(
                id=source.ruleset.id, kind=source.ruleset.applies_to, main=main.applies_to),
                source.lines.find(("applies_to",)))])
        if source.ruleset.kind != main.kind:
            raise RulesetError([Problem(_("所含规则 {id} 是{kind}，不能并入{main} {main_id}").format(
                id=source.ruleset.id, kind=KIND_NAMES[source.ruleset.kind], main=KIND_NAMES[main.kind],
                main_id=main.id), source.lines.find(("kind",)))])
    problems = _check_problems(sources)
    if problems:
        raise RulesetError(problems)
    if not any(conditions) and not any(i.applies_when for s in sources for p in PARTS for i in getattr(s.ruleset, p)):
        return sources
    problems = condition_problems(sources)
    if problems:
        raise RulesetError(problems)
    compile_ruleset(sources)  # the parts as written: their own errors where they were written
    return [guarded(source, condition) for source, condition in zip(sources, conditions)]


def _check_problems(sources: list[Source]) -> list[Problem]:
    """A check's `improvement` is a template over the record, checked as the compiler checks templates.
    (`covered_by` may name a finding a derived ruleset removed: the check then stands on its own.)"""
    checker = _Compiler(sources)
    for source in sources:
        for i, check in enumerate(source.ruleset.checks):
            if check.improvement is not None:
                checker.template(check.improvement, source.lines, ("checks", i, "improvement"))
    return checker.problems


@lru_cache(maxsize=64)
def _load_cached(ref: str, stamp: float | None) -> CompiledRuleset:
    return compile_ruleset(load_sources(ref))


def load_ruleset(ref: str) -> CompiledRuleset:
    """Compile the ruleset `ref` (a shipped id or a path); cached while the file is unchanged."""
    path = Path(ref)
    stamp = path.stat().st_mtime if path.is_file() else None
    return _load_cached(ref, stamp)


def default_ruleset(kind: str) -> CompiledRuleset:
    return load_ruleset(DEFAULTS[kind])


def _by_record_kind(refs: tuple[str, ...], kind: str, option: str, defaults: dict[str, str]):
    """One ruleset per record kind: the ones given (sorted by applies_to), defaults for the rest.

    Every ruleset given must be of `kind` (scoring or review): a review ruleset given where a
    scoring one is expected would replace the scores with nothing, so it is an error saying so."""
    chosen = {}
    for ref in refs:
        compiled = load_ruleset(ref)
        if compiled.ruleset.kind != kind:
            other = "--review" if kind == "scoring" else "--ruleset"
            raise RulesetError([Problem(_("规则 {id} 是{actual}，{option} 只接受{wanted}；请改用 {other} {ref}").format(
                id=compiled.id, actual=KIND_NAMES[compiled.ruleset.kind], option=option, wanted=KIND_NAMES[kind],
                other=other, ref=ref), Location(compiled.file))])
        record_kinds = ["department", "project"] if compiled.kind == "any" else [compiled.kind]
        for record_kind in record_kinds:
            chosen[record_kind] = compiled
    for record_kind, ref in defaults.items():
        if record_kind not in chosen:
            chosen[record_kind] = load_ruleset(ref)
    return chosen["department"], chosen["project"]


def pick_rulesets(refs: tuple[str, ...]):
    """The scoring rulesets (department, project): those given to --ruleset, defaults for the rest."""
    return _by_record_kind(refs, "scoring", "--ruleset", DEFAULTS)


def pick_review_rulesets(refs: tuple[str, ...]):
    """The review rulesets (department, project) run beside the scoring ones: those given to
    --review, the shipped 复核 rulesets for the rest."""
    return _by_record_kind(refs, "review", "--review", REVIEW_DEFAULTS)
