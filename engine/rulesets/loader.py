"""Find, read, validate and compile rulesets: shipped ones by id, others by path.

Shipped rulesets live in the top-level `rulesets/` folder, installed as the
`jixiao.shipped_rulesets` package data so they load after a plain `pip install .` as well as from a checkout.
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from jixiao.rulesets.compiler import CompiledRuleset, Source, compile_ruleset
from jixiao.rulesets.compose import resolve
from jixiao.core.errors import Location, Problem, RulesetError
from jixiao.rulesets.model import Ruleset
from jixiao.core.problems import problems_from
from jixiao.core.yamlsource import load_yaml_text, read_yaml, yaml_problem
from jixiao.rulesets.compose import MAX_CHAIN, confined
from jixiao.core.i18n import _

DEFAULTS = {"project": "mof-project-selfeval", "department": "department-overall"}


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
    known = ", ".join(shipped_ids())
    raise RulesetError([Problem(f"no ruleset `{ref}`: not a file, nor a shipped ruleset ({known})")])


def _read(ref: Path | str):
    if isinstance(ref, Path):
        return read_yaml(ref, RulesetError)
    text = shipped_folder().joinpath(ref.split("/", 1)[1]).read_text(encoding="utf-8")
    try:
        return load_yaml_text(text, ref)
    except yaml.YAMLError as exc:
        raise RulesetError([yaml_problem(exc, ref)]) from None


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
            raise RulesetError([Problem(f"extends cycle: {' → '.join(trail + (key, target_key))}", lines.find(("extends",)))])
        parent, parent_lines = _read_resolved(target, trail + (key,))
        if isinstance(parent, dict) and isinstance(target, Path) and isinstance(parent.get("include"), list):
            # the parent's includes stay relative to the parent's file
            found = [(i, locate_quiet(i, target)) for i in parent["include"]]
            parent["include"] = [str(t) if isinstance(t, Path) else i for i, t in found]
        return parent, parent_lines

    return resolve(data, lines, read_parent)


def locate_quiet(ref: str, relative_to: Path | None = None) -> Path | str | None:
    try:
        return locate(ref, relative_to)
    except RulesetError:
        return None


def read_source(ref: Path | str) -> Source:
    data, lines = _read_resolved(ref)
    if not isinstance(data, dict):
        raise RulesetError([Problem("a ruleset file is a mapping (id, title, applies_to, …)", lines.find(()))])
    try:
        model = Ruleset.model_validate(data)
    except ValidationError as exc:
        raise RulesetError(problems_from(exc, lines)) from None
    return Source(model, lines)


def load_sources(ref: str) -> list[Source]:
    """The ruleset and, after it, everything it includes (recursively, each once)."""
    first = locate(ref)
    sources: list[Source] = []
    seen: set[str] = set()

    def visit(where: Path | str, trail: tuple[str, ...]) -> None:
        key = str(Path(where).resolve()) if isinstance(where, Path) else where
        if key in trail:
            raise RulesetError([Problem(f"include cycle: {' → '.join(trail + (key,))}", Location(str(where)))])
        if key in seen:
            return
        if len(trail) >= MAX_CHAIN:
            raise RulesetError([Problem(_("`include`链超过{most}层").format(most=MAX_CHAIN), Location(str(where)))])
        seen.add(key)
        source = read_source(where)
        sources.append(source)
        for i, included in enumerate(source.ruleset.include):
            try:
                target = locate(included, where if isinstance(where, Path) else None)
            except RulesetError as exc:
                raise RulesetError([Problem(exc.problems[0].message, source.lines.find(("include", i)))]) from None
            visit(target, trail + (key,))

    visit(first, ())
    main_kind = sources[0].ruleset.applies_to
    for source in sources[1:]:
        if source.ruleset.applies_to not in ("any", main_kind):
            raise RulesetError([Problem(f"included ruleset {source.ruleset.id} applies to {source.ruleset.applies_to}, "
                                        f"not to {main_kind}", source.lines.find(("applies_to",)))])
    return sources


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


def pick_rulesets(refs: tuple[str, ...]):
    """One ruleset per record kind: the ones given (sorted by applies_to), defaults for the rest."""
    chosen = {}
    for ref in refs:
        compiled = load_ruleset(ref)
        kinds = ["department", "project"] if compiled.kind == "any" else [compiled.kind]
        for kind in kinds:
            chosen[kind] = compiled
    for kind, ref in DEFAULTS.items():
        if kind not in chosen:
            chosen[kind] = load_ruleset(ref)
    return chosen["department"], chosen["project"]
