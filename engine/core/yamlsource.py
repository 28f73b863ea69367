"""Read YAML with exact decimals and remember where every value came from.

Floats in YAML become `Decimal` straight from their text (56.18 stays 56.18, never a binary
float), and a `LineMap` maps each value's path (("projects", 0, "actual")) to its line, so that
validation errors can point at the file and line the user has to fix.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from jixiao.core.errors import Location, Problem


class LineMap:
    """Path of keys/indexes → Location of the value (or of its key, for mappings)."""

    def __init__(self, file: str):
        self.file = file
        self._lines: dict[tuple, Location] = {}

    def add(self, path: tuple, node: yaml.Node) -> None:
        self._lines[path] = Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def set(self, path: tuple, where: Location) -> None:
        self._lines[tuple(path)] = where

    def at(self, path: tuple) -> Location | None:
        """Where `path` itself was written; None when it was not (`find` answers with an ancestor)."""
        return self._lines.get(tuple(path))

    def items(self):
        return self._lines.items()

    def find(self, path: tuple) -> Location:
        """The location of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), Location(self.file))


class _DecimalLoader(yaml.SafeLoader):
    pass


def _decimal_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except Exception:  # .inf / .nan: leave them to validation, which rejects them
        return float(loader.construct_yaml_float(node))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal_float)


def _build(loader: _DecimalLoader, node: yaml.Node, path: tuple, lines: LineMap) -> Any:
    lines.add(path, node)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (Decimal, float)):
                key = str(key)
            lines.add(path + (key,), key_node)
            out[key] = _build(loader, value_node, path + (key,), lines)
            # the key's line is the better pointer for "missing"/"unknown field" problems;
            # the value's own line is kept for scalars below the key
            if isinstance(value_node, yaml.ScalarNode):
                lines.add(path + (key,), value_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, path + (i,), lines) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml_text(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML text; syntax errors become a `Problem` list raised by the caller's error type."""
    lines = LineMap(file)
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        return _build(loader, node, (), lines), lines
    finally:
        loader.dispose()


def yaml_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    return Problem(f"YAML syntax error: {what}" + (f" ({context})" if context else ""), where)


def read_yaml(path: str | Path, error_type: type) -> tuple[Any, LineMap]:
    """Read a YAML file, raising `error_type` (a JixiaoError) that names the file and line."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error_type([Problem("file not found", Location(file))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error_type([Problem(f"cannot read file: {exc}", Location(file))]) from None
    try:
        return load_yaml_text(text, file)
    except yaml.YAMLError as exc:
        raise error_type([yaml_problem(exc, file)]) from None
