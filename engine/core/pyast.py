"""Builders of Python `ast` nodes, and `define`, which compiles one generated function.

The code generators (expr_codegen, ruleset_codegen, namespace) assemble their functions from
these nodes, never from text: ruleset names and literals enter only as string constants or as
objects bound in the function's private globals (`env`).
"""
from __future__ import annotations

import ast
from typing import Any, Callable


def load(name: str) -> ast.Name:
    return ast.Name(name, ast.Load())


def assign(name: str, value: ast.expr) -> ast.stmt:
    return ast.Assign([ast.Name(name, ast.Store())], value)


def walrus(name: str, value: ast.expr) -> ast.expr:
    return ast.NamedExpr(ast.Name(name, ast.Store()), value)


def call(func: str | ast.expr, *args: ast.expr) -> ast.expr:
    return ast.Call(load(func) if isinstance(func, str) else func, list(args), [])


def is_(value: ast.expr, constant: Any) -> ast.expr:
    return ast.Compare(value, [ast.Is()], [ast.Constant(constant)])


def is_none(value: ast.expr) -> ast.expr:
    return is_(value, None)


def class_is(value: ast.expr, cls: str) -> ast.expr:
    """`value.__class__ is <cls>`, `cls` a name bound in env."""
    return ast.Compare(ast.Attribute(value, "__class__", ast.Load()), [ast.Is()], [load(cls)])


def define(name: str, params: list[str], body: list[ast.stmt], env: dict[str, Any], filename: str) -> Callable:
    """`def name(*params): body`, compiled with `env` as its globals."""
    function = ast.FunctionDef(
        name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], vararg=None, kwonlyargs=[],
                                      kw_defaults=[], kwarg=None, defaults=[]),
        body=body, decorator_list=[], returns=None, type_comment=None)
    module = _located(ast.Module([function], type_ignores=[]))
    exec(compile(module, filename, "exec"), env)  # an AST built from these nodes (module docstring)
    return env[name]


def _located(tree: ast.AST) -> ast.AST:
    """Every node placed at line 1, column 0, as `compile` needs: the generated code has no source
    lines to point at. `ast.fix_missing_locations` does the same (from nodes that have none) by
    recursing through generators: half of compiling a ruleset (66 of ~170 ms for the two default
    ones), where this loop takes 30."""
    stack, node_type = [tree], ast.AST
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if node._attributes:  # expressions, statements, arguments…: the ones with a place
            node.lineno = node.end_lineno = 1
            node.col_offset = node.end_col_offset = 0
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_type):
                        push(item)
            elif isinstance(value, node_type):
                push(value)
    return tree
