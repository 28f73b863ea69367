"""A resolved ruleset as flat entries — indicator, grade, veto … each with its fields as text and
the file:line each field came from. `show` prints them; `diff` compares two such views.

Working on the resolved ruleset (extends merged, includes added) is the point: a bureau wants to
know what applies, and where to change it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from jixiao.rulesets.compiler import Source
from jixiao.core.errors import Location
from jixiao.rulesets.model import BandsMethod, IndicatorNode, Metric
from jixiao.core.yamlsource import LineMap

DEFAULT = Location("(default)")
KINDS = ["ruleset", "grade", "tier", "input", "metric", "indicator", "veto", "exemption", "check", "finding"]


@dataclass
class Entry:
    kind: str
    ident: str
    fields: dict[str, str] = field(default_factory=dict)
    origins: dict[str, Location] = field(default_factory=dict)
    where: Location = Location()
    ruleset: str = ""  # the ruleset (main or included) the entry belongs to
    depth: int = 0  # indicators: level in the tree

    def put(self, name: str, value: Any, where: Location | None) -> None:
        if value is None or value == [] or value == "":
            return
        self.fields[name] = text(value)
        self.origins[name] = where or DEFAULT


def text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    if isinstance(value, BaseModel):
        return text(value.model_dump(exclude_none=True))
    if isinstance(value, dict):
        return " ".join(f"{k} {text(v)}" for k, v in value.items())
    return " ".join(str(value).split())  # one line: YAML block texts keep their line breaks


def short(where: Location) -> str:
    return f"{where.file}:{where.line}" if where.line is not None else str(where.file)


def exact(lines: LineMap, path: tuple) -> Location | None:
    """Where `path` itself was written, or None when the value is the format's default."""
    return lines.at(path)


def bands_text(method: BandsMethod) -> str:
    parts = []
    for band in method.bands:
        bounds = [f"{op}{format(v, 'f')}" for op, v in ((">", band.gt), ("≥", band.gte), ("<", band.lt), ("≤", band.lte))
                  if v is not None]
        parts.append(f"{' '.join(bounds) or 'any'} → {format(band.points, 'f')}")
    return "; ".join(parts)


def method_fields(node: IndicatorNode) -> dict[str, Any]:
    """The method's parameters as field → value (thresholds, caps, bands, …)."""
    method = node.method
    if method is None:
        return {}
    data = method.model_dump(exclude_none=True)
    fields: dict[str, Any] = {"method": data.pop("type")}
    if isinstance(method, BandsMethod):
        data.pop("bands")
        fields["method.bands"] = bands_text(method)
    for key, value in data.items():
        fields[f"method.{key}"] = value
    return fields


def flatten(sources: list[Source]) -> dict[tuple[str, str], Entry]:
    """Every entry of the resolved ruleset and its includes, keyed by (kind, id), in file order."""
    out: dict[tuple[str, str], Entry] = {}
    main = sources[0]
    rs, lines = main.ruleset, main.lines
    head = Entry("ruleset", rs.id, where=lines.find(()), ruleset=rs.id)
    for name in ("title", "version", "applies_to", "extends", "include", "total", "missing", "disqualified_grade",
                 "provenance"):
        head.put(name, getattr(rs, name), exact(lines, (name,)))
    for k, choice in enumerate(rs.local_choices):  # one field each: a child appends to its parent's
        head.put(f"local_choices.{k + 1}", choice, lines.find(("local_choices", k)))
    head.put("rounding", f"{rs.rounding.places} places {rs.rounding.mode}", exact(lines, ("rounding",)))
    head.put("tests", len(rs.tests) or None, lines.find(("tests",)))
    out[("ruleset", "")] = head
    for i, grade in enumerate(rs.grades):
        entry = Entry("grade", grade.name, where=lines.find(("grades", i)), ruleset=rs.id)
        entry.put("min", grade.min, exact(lines, ("grades", i, "min")))
        out[("grade", grade.name)] = entry
    for i, tier in enumerate(rs.tiers):
        entry = Entry("tier", tier.name, where=lines.find(("tiers", i)), ruleset=rs.id)
        entry.put("range", f"{text(tier.min)}–{text(tier.max)}", exact(lines, ("tiers", i)))
        out[("tier", tier.name)] = entry

    def visit(node: IndicatorNode, path: tuple, parents: tuple[str, ...]) -> None:
        entry = Entry("indicator", node.id, where=lines.find(path), ruleset=rs.id, depth=len(parents))
        entry.put("name", node.name, lines.find(path + ("name",)))
        entry.put("weight", node.weight, lines.find(path + ("weight",)))
        entry.put("parent", "/".join(parents) or None, lines.find(path))
        for key, value in method_fields(node).items():
            sub = ("method",) if key == "method" else ("method", key.split(".", 1)[1])
            entry.put(key, value, lines.find(path + sub))
        entry.put("missing", node.missing, exact(lines, path + ("missing",)))
        entry.put("applies_when", node.applies_when, exact(lines, path + ("applies_when",)))
        entry.put("source", node.source, lines.find(path + ("source",)))
        out[("indicator", node.id)] = entry
        for k, child in enumerate(node.children):
            visit(child, path + ("children", k), parents + (node.id,))

    for i, node in enumerate(rs.indicators):
        visit(node, ("indicators", i), ())

    for source in sources:
        srs, sl = source.ruleset, source.lines
        for kind, specs in srs.inputs.items():  # declared inputs: `department.assets_total`
            for key, spec in specs.items():
                base = ("inputs", kind, key)
                entry = Entry("input", f"{kind}.{key}", where=sl.find(base), ruleset=srs.id)
                if srs.id != rs.id:
                    entry.put("from", srs.id, sl.find(()))
                for name, value in dict(spec.model_dump(exclude_none=True), unit=spec.shown_unit).items():
                    entry.put(name, value if name != "required" or value else None, sl.find(base + (name,)))
                out.setdefault(("input", entry.ident), entry)
        for name, metric in srs.metrics.items():
            spec = metric if isinstance(metric, Metric) else Metric(expr=metric)
            entry = Entry("metric", name, where=sl.find(("metrics", name)), ruleset=srs.id)
            base = ("metrics", name)
            entry.put("expr", spec.expr, sl.find(base + ("expr",)) if isinstance(metric, Metric) else sl.find(base))
            for key in ("round", "label", "format"):
                entry.put(key, getattr(spec, key), sl.find(base + (key,)))
            out.setdefault(("metric", name), entry)
        for kind, plural, items in (("veto", "vetoes", srs.vetoes), ("exemption", "exemptions", srs.exemptions),
                                    ("check", "checks", srs.checks), ("finding", "findings", srs.findings)):
            for i, item in enumerate(items):
                entry = Entry(kind, item.id, where=sl.find((plural, i)), ruleset=srs.id)
                if srs.id != rs.id:
                    entry.put("from", srs.id, sl.find(()))
                for key, value in _dotted(item.model_dump(by_alias=True, exclude_none=True, exclude={"id"})):
                    if key == "effect":
                        value = " ".join(text(v) for v in value.values())
                    entry.put(key, value, exact(sl, (plural, i) + tuple(key.split("."))))
                out.setdefault((kind, item.id), entry)
    return out


def _dotted(data: dict, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested fields as ("rollup.problem", "…") pairs; a veto's `effect` stays one field."""
    pairs: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict) and key != "effect":
            pairs += _dotted(value, f"{prefix}{key}.")
        else:
            pairs.append((prefix + key, value))
    return pairs
