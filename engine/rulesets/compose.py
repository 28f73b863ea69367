"""`extends:` — a ruleset written as overrides of a parent, merged before validation.

Localities adapt a national ruleset by changing a few weights, thresholds, bands and texts; they
should write only those. The merge works on the YAML data and keeps, for every value, the file
and line it came from, so validation errors, `show` and `diff` point at the file to edit.

Merge rules (child over parent):
- scalars and mappings: the child's value wins; mappings merge key by key, except that a mapping
  whose `type` changes (a method, a veto effect) is replaced whole;
- lists of items with an `id` (indicators — level by level, through `children` —, vetoes,
  exemptions, checks, findings): merged by id; a child item with a new id is appended; a child
  item `{id: x, remove: true}` removes the parent's item x;
- `metrics`: merged by name, each metric replaced whole;
- `local_choices` and `include`: the parent's, then the child's;
- every other list (`grades`, `tiers`, `bands`, `level1`) is replaced whole;
- `tests` are not inherited: the parent's tests expect the parent's numbers.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from jixiao.core.errors import Location, Problem, RulesetError
from jixiao.core.i18n import _
from jixiao.core.yamlsource import LineMap

APPENDED = ("local_choices", "include")
MAX_CHAIN = 16  # `extends`/`include` levels: a chain 1,000 deep was a RecursionError
NOT_INHERITED = ("tests", "$schema", "id")


class ComposedLines(LineMap):
    """A LineMap whose locations come from several files (parent and child)."""

    def graft(self, out_path: tuple, lines: LineMap, src_path: tuple) -> None:
        self.drop(out_path)
        n = len(src_path)
        for key, where in list(lines.items()):
            if key[:n] == src_path:
                self._lines[out_path + key[n:]] = where

    def drop(self, out_path: tuple) -> None:
        n = len(out_path)
        for key in [k for k in self._lines if k[:n] == out_path]:
            del self._lines[key]

    def point(self, out_path: tuple, lines: LineMap, src_path: tuple) -> None:
        self._lines[out_path] = lines.find(src_path)


def compose(parent: dict, parent_lines: LineMap, child: dict, child_lines: LineMap) -> tuple[dict, LineMap]:
    """The child's data merged over the parent's, with a LineMap naming where each value came from."""
    out_lines = ComposedLines(child_lines.file)
    out_lines.graft((), parent_lines, ())
    for key in NOT_INHERITED:
        out_lines.drop((key,))
    out_lines.point((), child_lines, ())
    merger = _Merger(parent_lines, child_lines, out_lines)
    out = {k: v for k, v in parent.items() if k not in NOT_INHERITED}
    for key, value in child.items():
        if key in APPENDED and isinstance(value, list) and isinstance(out.get(key), list):
            base = out[key]
            out[key] = base + [v for v in value if not (key == "include" and v in base)]
            for i, item in enumerate(out[key][len(base):], start=len(base)):
                out_lines.point((key, i), child_lines, (key, value.index(item)))
            out_lines.point((key,), child_lines, (key,))
        elif key in out:
            out[key] = merger.merge(out[key], (key,), value, (key,), (key,), named=(key == "metrics"))
        else:
            out[key] = value
            out_lines.graft((key,), child_lines, (key,))
    if merger.problems:
        raise RulesetError(merger.problems)
    return out, out_lines


class _Merger:
    def __init__(self, parent_lines: LineMap, child_lines: LineMap, out_lines: ComposedLines):
        self.pl, self.cl, self.ol = parent_lines, child_lines, out_lines
        self.problems: list[Problem] = []

    def replace(self, child: Any, cpath: tuple, opath: tuple) -> Any:
        self.ol.graft(opath, self.cl, cpath)
        return child

    def merge(self, parent: Any, ppath: tuple, child: Any, cpath: tuple, opath: tuple, named: bool = False) -> Any:
        if isinstance(parent, dict) and isinstance(child, dict):
            if named:  # metrics: by name, each replaced whole
                out = dict(parent)
                for key, value in child.items():
                    out[key] = self.replace(value, cpath + (key,), opath + (key,))
                self.ol.point(opath, self.cl, cpath)
                return out
            if "type" in parent and "type" in child and parent["type"] != child["type"]:
                return self.replace(child, cpath, opath)
            out = dict(parent)
            for key, value in child.items():
                if key in parent:
                    out[key] = self.merge(parent[key], ppath + (key,), value, cpath + (key,), opath + (key,))
                else:
                    out[key] = self.replace(value, cpath + (key,), opath + (key,))
            self.ol.point(opath, self.cl, cpath)
            return out
        if _id_list(parent) and _id_list(child):
            return self.merge_by_id(parent, ppath, child, cpath, opath)
        return self.replace(child, cpath, opath)

    def merge_by_id(self, parent: list, ppath: tuple, child: list, cpath: tuple, opath: tuple) -> list:
        """Parent items in order (overridden or removed by the child's), then the child's new ones."""
        # where each output item comes from: ("parent", i) or ("child", j), merged later
        by_id = {item["id"]: j for j, item in enumerate(child) if isinstance(item, dict) and "id" in item}
        parent_ids = {item.get("id") for item in parent if isinstance(item, dict)}
        for ident, j in by_id.items():
            if child[j].get("remove") is True and ident not in parent_ids:
                self.problems.append(Problem(_("`remove: true`：父规则集在此层级没有`{id}`").format(id=ident),
                                             self.cl.find(cpath + (j, "remove"))))
        staged: list[tuple[str, int, int | None]] = []
        for i, item in enumerate(parent):
            j = by_id.get(item.get("id")) if isinstance(item, dict) else None
            if j is not None and child[j].get("remove") is True:
                continue
            staged.append(("parent", i, j))
        for j, item in enumerate(child):
            if not (isinstance(item, dict) and item.get("id") in parent_ids):
                staged.append(("child", j, None))
        self.ol.drop(opath)
        self.ol.point(opath, self.cl, cpath)
        out = []
        for k, (side, index, override) in enumerate(staged):
            if side == "parent":
                self.ol.graft(opath + (k,), self.pl, ppath + (index,))
                item = parent[index]
                if override is not None:
                    item = self.merge(item, ppath + (index,), child[override], cpath + (override,), opath + (k,))
            else:
                item = self.replace(child[index], cpath + (index,), opath + (k,))
            out.append(item)
        return out


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "id" in v for v in value)


def resolve(data: dict, lines: LineMap, read_parent: Callable[[str], tuple[Any, LineMap]]) -> tuple[dict, LineMap]:
    """Merge `data` over its `extends:` parent (itself resolved by `read_parent`)."""
    ref = data.get("extends")
    if not isinstance(ref, str):
        return data, lines
    parent, parent_lines = read_parent(ref)
    if not isinstance(parent, dict):
        raise RulesetError([Problem(_("父规则集`{ref}`应为映射").format(ref=ref), lines.find(("extends",)))])
    return compose(parent, parent_lines, data, lines)


def origin(lines: LineMap, path: tuple) -> Location:
    """Where the value at `path` of a (possibly composed) ruleset was written."""
    return lines.find(path)


def confined(target: Path, including: Path, extra: str = "") -> Path:
    """`target`, named by `include:` or `extends:` in `including`, if it lies inside the including
    file's folder or one of the `extra` folders (os.pathsep-separated; the JIXIAO_RULESET_PATH
    setting), with every symlink resolved; else a RulesetError. A ruleset (which may arrive over
    HTTP) must not read files from anywhere on the machine and show their keys in its errors;
    shipped rulesets are named by id, never by path."""
    real = target.resolve()
    folders = [including.resolve().parent] + [Path(f).resolve() for f in extra.split(os.pathsep) if f]
    if any(real.is_relative_to(folder) for folder in folders):
        return real
    raise RulesetError([Problem(_("`{ref}`在规则文件所在文件夹之外（{folder}）：只能引用同一文件夹中的规则或内置规则的编号；"
                                  "其他文件夹请列入环境变量 JIXIAO_RULESET_PATH").format(ref=target, folder=folders[0]),
                                Location(str(including)))])
