"""A draft written out: YAML that `jixiao score` reads, each value with the words it came from as
a comment beside it, and what is left to check as comments on top; or JSON with a `source` map."""
from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum
from typing import Any

import yaml

from jixiao.core.i18n import _
from jixiao.extract.draft import Draft, Source, dotted


def _scalar(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Enum):
        value = value.value
    return yaml.safe_dump(value, allow_unicode=True, width=10 ** 6, default_flow_style=True).removesuffix("\n...\n").strip()


def _comment(sources: list[Source] | None) -> str:
    if not sources:
        return ""
    return "  # " + "；".join(f"“{s.quote}”（{s.where}）" for s in sources[:3]).replace("\n", " ")


def _emit(node: Any, path: tuple, indent: int, draft: Draft, out: list[str], first_prefix: str = "") -> None:
    pad = " " * indent
    items = list(node.items())
    for position, (key, value) in enumerate(items):
        lead = (first_prefix if position == 0 else pad) if first_prefix else pad
        here = path + (key,)
        if isinstance(value, dict):
            out.append(f"{lead}{key}:{_comment(draft.sources.get(here))}")
            _emit(value, here, indent + 2, draft, out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{lead}{key}:")
            for i, item in enumerate(value):
                _emit(item, here + (i,), indent + 4, draft, out, first_prefix=pad + "  - ")
        elif isinstance(value, list):
            out.append(f"{lead}{key}:{_comment(draft.sources.get(here))}" if value else f"{lead}{key}: []")
            out.extend(f"{pad}  - {_scalar(item)}" for item in value)
        elif isinstance(value, str) and "\n" in value:
            out.append(f"{lead}{key}: |-{_comment(draft.sources.get(here))}")
            out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
        else:
            out.append(f"{lead}{key}: {_scalar(value)}{_comment(draft.sources.get(here))}")


def summary_lines(draft: Draft) -> list[str]:
    """The summary printed after extraction, and written on top of the YAML."""
    lines = [_("已填字段 {filled} 项，待核对 {checks} 项。").format(filled=draft.filled, checks=len(draft.to_check))]
    seen = "、".join(dict.fromkeys(heading for _kind, heading, _where in draft.sections)) or _("无")
    lines.append(_("识别到的章节：{sections}").format(sections=seen))
    lines.append(_("文本止于{where}：“{words}”").format(where=draft.ended.where, words=draft.ended.quote))
    return lines


def _check_lines(draft: Draft) -> list[str]:
    lines = []
    for item in draft.to_check:
        lines.append(_("待核对 {field}：{reason}").format(field=item.field, reason=item.reason))
        for value, source in item.candidates:
            lines.append(_("    候选 {value}：“{quote}”（{where}）").format(value=value, quote=source.quote, where=source.where))
    return lines


def draft_to_yaml(draft: Draft) -> str:
    head = [_("由 jixiao extract 从 {file} 生成的草稿。每个数值旁的注释是它所出自的原文和位置；").format(file=draft.case.case.source),
            _("报告未载明的字段不写（不记为0）；有歧义或前后矛盾的数值留空，列在下面待核对。")]
    head += summary_lines(draft) + _check_lines(draft)
    out = [f"# {line}".rstrip() for line in head] + [""]
    data = draft.case.model_dump(mode="python", exclude_defaults=True)
    _emit(data, (), 0, draft, out)
    return "\n".join(out) + "\n"


def draft_to_json(draft: Draft) -> str:
    data = {
        "case": draft.case.model_dump(mode="json", exclude_defaults=True),
        "source": {dotted(path): [{"quote": s.quote, "where": s.where} for s in sources]
                   for path, sources in draft.sources.items()},
        "to_check": [{"field": t.field, "reason": t.reason,
                      "candidates": [{"value": v, "quote": s.quote, "where": s.where} for v, s in t.candidates]}
                     for t in draft.to_check],
        "summary": {"filled": draft.filled, "to_check": len(draft.to_check),
                    "sections": [{"section": k, "heading": h, "where": w} for k, h, w in draft.sections],
                    "ended": {"quote": draft.ended.quote, "where": draft.ended.where}},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
