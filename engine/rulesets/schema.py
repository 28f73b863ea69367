"""The JSON Schema of the ruleset format, generated from the pydantic models.

Editors (VS Code's YAML extension, JetBrains) complete and check a ruleset file that names the
schema in its first line: `# yaml-language-server: $schema=ruleset.schema.json`. A ruleset that
`extends:` another writes only overrides, so it gets a variant in which nothing is required.
"""
from __future__ import annotations

import json
from typing import Any

from jixiao.rulesets.model import Ruleset

FILES = {"full": "ruleset.schema.json", "overrides": "ruleset-overrides.schema.json"}


def ruleset_schema(overrides: bool = False) -> dict[str, Any]:
    schema = without_decimal_patterns(Ruleset.model_json_schema(by_alias=True, mode="validation"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if overrides:
        schema = _drop_required(schema)
        schema["title"] = "jixiao ruleset (overrides of an `extends:` parent)"
    else:
        schema["title"] = "jixiao ruleset"
    return schema


def without_decimal_patterns(node: Any) -> Any:
    """pydantic before 2.12 gave Decimal strings a regex `pattern` and later ones do not: dropped, so
    the shipped file is the same whichever pydantic generated it."""
    if isinstance(node, dict):
        out = {k: without_decimal_patterns(v) for k, v in node.items()
               if not (k == "pattern" and isinstance(v, str) and v.startswith("^(?!^[-+.]*$)"))}
        if isinstance(out.get("anyOf"), list):  # `Decimal | str`: two equal members once the pattern is gone
            unique: list = []
            for member in out["anyOf"]:
                if member not in unique:
                    unique.append(member)
            out["anyOf"] = unique
        return out
    if isinstance(node, list):
        return [without_decimal_patterns(v) for v in node]
    return node


def _drop_required(node: Any) -> Any:
    """Nothing required; items with an `id` may say `remove: true` (see `compose`)."""
    if isinstance(node, dict):
        out = {k: _drop_required(v) for k, v in node.items() if k != "required"}
        if isinstance(out.get("properties"), dict) and "id" in out["properties"] and "applies_to" not in out["properties"]:
            out["properties"]["remove"] = {"type": "boolean", "description": "remove the parent's item with this id"}
        return out
    if isinstance(node, list):
        return [_drop_required(v) for v in node]
    return node


def stable_text(schema: dict[str, Any]) -> str:
    """A schema as stable text (sorted keys, fixed indent), so a shipped file diffs cleanly."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def schema_text(overrides: bool = False) -> str:
    return stable_text(ruleset_schema(overrides))
